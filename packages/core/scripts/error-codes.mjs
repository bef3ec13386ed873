// Writes src/generated/error-codes.ts from the spec: the error codes its BceErrorCode lists (the
// known values of that open enum, BceErrorBody's `code`), the type of BceServiceError's `code`.
// Core lists none of its own.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const load = (name) => JSON.parse(readFileSync(require.resolve(`@bce-openapi/spec/${name}.json`), "utf8"));

/** The known codes of a bundle's BceErrorCode; any other form fails the build, naming it. */
function knownCodes(name) {
  const code = load(name).components?.schemas?.BceErrorCode;
  const known =
    code?.["x-bce-open-enum"] === true ? code.anyOf?.find((branch) => Array.isArray(branch.enum)) : undefined;
  if (!known?.enum.every((value) => typeof value === "string"))
    throw new Error(`${name}.json BceErrorCode: expected an x-bce-open-enum whose anyOf lists the known codes`);
  return known.enum;
}

const codes = [...new Set([...knownCodes("bec"), ...knownCodes("bcc")])].sort();
const out = new URL("../src/generated/", import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL("error-codes.ts", out),
  `// Generated from @bce-openapi/spec by scripts/error-codes.mjs: do not edit.
/**
 * A BCE error code: one the spec's BceErrorCode lists (they complete in an editor), or any other
 * a service sends (services add codes).
 */
export type BceErrorCode =
${codes.map((code) => `  | ${JSON.stringify(code)}\n`).join("")}  | (string & {});
`,
);
