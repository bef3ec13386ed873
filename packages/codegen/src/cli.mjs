#!/usr/bin/env node
// bce-codegen <bundle> --client <Name> [--out <dir>]
//   <bundle>: a path, or a package export such as @bce-openapi/spec/bec.json, resolved from the
//   current package. Writes schema.ts, operations.ts, client.ts and (when answers have bodies to
//   check) responses.ts into <dir> (default src/generated).
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { parseArgs } from "node:util";

const USAGE = "usage: bce-codegen <bundle.json | package/export.json> --client <Name> [--out <dir>]";
let values;
let positionals;
try {
  ({ values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      client: { type: "string" },
      out: { type: "string", default: join("src", "generated") },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (error) {
  // An unknown option, or one without its value: said in one line, not as a stack trace.
  console.error(`bce-codegen: ${error.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1 || !values.client) {
  console.error(USAGE);
  process.exit(2);
}
const [spec] = positionals;
// A file (`./bec.json`, an absolute path, or `bec.json` in this folder), else a package export.
let file;
if (spec.startsWith(".") || isAbsolute(spec) || existsSync(spec)) file = resolve(spec);
else {
  try {
    file = createRequire(join(process.cwd(), "package.json")).resolve(spec);
  } catch {
    console.error(`bce-codegen: ${spec} is neither a file here nor a package export this folder can resolve`);
    process.exit(1);
  }
}
const outDir = resolve(values.out);
try {
  // Loaded only now: the generator imports TypeScript and openapi-typescript, a second or more of
  // CPU that a usage error does not need.
  const { generateClient, OUTPUT_FILES } = await import("./generate.mjs");
  const files = await generateClient(JSON.parse(readFileSync(file, "utf8")), { client: values.client, source: spec });
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(outDir, name), text);
  // A file an earlier run generated that this one does not (responses.ts of a spec whose success
  // has no body any more) would still be compiled and published: removed. Only the generator's own
  // file names, and only files that carry its banner; anything else in the folder is left alone.
  for (const name of OUTPUT_FILES) {
    const file = join(outDir, name);
    if (Object.hasOwn(files, name) || !statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
    if (/^\/\/ Generated from .* by @bce-openapi\/codegen\. Do not edit\./.test(readFileSync(file, "utf8"))) {
      unlinkSync(file);
      console.log(`removed ${name}, which this spec no longer generates`);
    }
  }
  console.log(`generated ${Object.keys(files).join(", ")} for ${values.client} in ${outDir}`);
} catch (error) {
  console.error(`bce-codegen: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
