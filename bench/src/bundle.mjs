// 3. Bundle size: a small consumer of each client, bundled and minified by esbuild, gzipped -9.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { judgeBundle } from "./targets.mjs";

const here = dirname(fileURLToPath(import.meta.url));

export const ENTRIES = [
  {
    name: "bec",
    label: "@bce-openapi/bec `createBecClient`",
    code: 'import { createBecClient } from "@bce-openapi/bec";\nconsole.log(createBecClient);\n',
  },
  {
    name: "bcc",
    label: "@bce-openapi/bcc `createBccClient`",
    code: 'import { createBccClient } from "@bce-openapi/bcc";\nconsole.log(createBccClient);\n',
  },
  {
    name: "sdk",
    label:
      "@baiducloud/sdk `BccClient` (named import; the package's browser field maps it to its prebuilt browser bundle)",
    code: 'import { BccClient } from "@baiducloud/sdk";\nconsole.log(BccClient);\n',
  },
  {
    name: "sdk-bcc-only",
    label: "@baiducloud/sdk `src/bcc_client.js` alone (deep import, its own dependencies only)",
    code: 'import BccClient from "@baiducloud/sdk/src/bcc_client.js";\nconsole.log(BccClient);\n',
  },
];

/**
 * Bundled with code splitting, as an application's bundler does: what a dynamic `import()` loads
 * (a client's opt-in response checks) goes to a chunk of its own, fetched only when used. The
 * figures are what loads with the entry (the entry chunk and the chunks it imports statically);
 * the lazy chunks are reported beside them.
 */
async function bundleOne(entry, platform) {
  const result = await esbuild.build({
    stdin: { contents: entry.code, resolveDir: here, sourcefile: `${entry.name}-consumer.mjs`, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    splitting: true,
    outdir: "out",
    platform,
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
    define: platform === "browser" ? { "process.env.NODE_ENV": '"production"' } : {},
  });
  const outputs = result.metafile.outputs;
  const files = new Map(result.outputFiles.map((f) => [f.path.slice(f.path.lastIndexOf("/out/") + 1), f.contents]));
  const entryName = Object.keys(outputs).find((name) => outputs[name].entryPoint !== undefined);
  // The entry and what it imports statically load at once; the rest loads on a dynamic import.
  const initial = new Set();
  const visit = (name) => {
    if (initial.has(name)) return;
    initial.add(name);
    for (const i of outputs[name].imports) if (i.kind === "import-statement" && outputs[i.path]) visit(i.path);
  };
  visit(entryName);
  const chunks = Object.keys(outputs).filter((name) => name.endsWith(".js"));
  const gzip = (names) => names.reduce((sum, name) => sum + gzipSync(files.get(name), { level: 9 }).length, 0);
  const minified = (names) => names.reduce((sum, name) => sum + files.get(name).length, 0);
  const initialNames = chunks.filter((name) => initial.has(name));
  const lazyNames = chunks.filter((name) => !initial.has(name));
  const inputsOf = (names) => {
    const bytes = new Map();
    for (const name of names)
      for (const [file, info] of Object.entries(outputs[name].inputs))
        bytes.set(file, (bytes.get(file) ?? 0) + info.bytesInOutput);
    return [...bytes].map(([file, b]) => ({ file: shortName(file), bytes: b }));
  };
  const files0 = inputsOf(initialNames);
  const contributors = [...files0].sort((a, b) => b.bytes - a.bytes).slice(0, 8);
  const minifiedBytes = minified(initialNames);
  const gzipBytes = gzip(initialNames);
  const lazy =
    lazyNames.length === 0
      ? null
      : {
          minifiedBytes: minified(lazyNames),
          gzipBytes: gzip(lazyNames),
          modules: moduleBreakdown(inputsOf(lazyNames), minified(lazyNames), gzip(lazyNames)),
        };
  return {
    minifiedBytes,
    gzipBytes,
    contributors,
    modules: moduleBreakdown(files0, minifiedBytes, gzipBytes),
    inputCount: files0.length,
    lazy,
  };
}

/** A metafile input as a reader knows it: `pkg/path` for a dependency, the workspace path otherwise. */
function shortName(file) {
  return file
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
    .replace(/^(\.\.\/)+/, "")
    .replace(/^packages\//, "@bce-openapi/");
}

/**
 * The bundle by module: a dependency is one module (openapi-fetch); our packages are split by
 * directory or file (core's signing/, transport.js, validation/, ...; a client's generated/ code).
 * Each module's gzip share is its share of the minified bytes applied to the gzipped total: an
 * estimate (gzip works across module boundaries), labelled as such in the report.
 */
function moduleBreakdown(files, minifiedTotal, gzipTotal) {
  const groups = new Map();
  for (const { file, bytes } of files) {
    let name;
    if (file.endsWith("-consumer.mjs")) continue; // the one-line consumer itself
    const ours = /^@bce-openapi\/([^/]+)\/(?:dist|src)\/(.+)$/.exec(file);
    if (ours) {
      const [, pkg, rest] = ours;
      const [first, ...more] = rest.split("/");
      name = `@bce-openapi/${pkg} ${more.length > 0 ? `${first}/` : first.replace(/\.js$/, "")}`;
    } else {
      name = file.startsWith("@") ? file.split("/").slice(0, 2).join("/") : file.split("/")[0];
    }
    groups.set(name, (groups.get(name) ?? 0) + bytes);
  }
  return [...groups]
    .map(([module, bytes]) => ({
      module,
      minifiedBytes: bytes,
      gzipBytesEstimate: Math.round((bytes / minifiedTotal) * gzipTotal),
    }))
    .sort((a, b) => b.minifiedBytes - a.minifiedBytes);
}

export async function benchBundle() {
  const rows = [];
  for (const entry of ENTRIES) {
    let platform = "browser";
    let result;
    let note = "";
    try {
      result = await bundleOne(entry, platform);
    } catch (error) {
      // What cannot be bundled for the browser is bundled for Node, and said so.
      platform = "node";
      note = `not bundleable for the browser (${String(error.errors?.[0]?.text ?? error.message).split("\n")[0]}); bundled for node`;
      result = await bundleOne(entry, platform);
    }
    rows.push({ name: entry.name, label: entry.label, platform, note, ...result });
  }
  const sdk = rows.find((r) => r.name === "sdk");
  for (const row of rows) row.ratioVsSdk = row.gzipBytes / sdk.gzipBytes;
  const ours = rows.filter((r) => r.name === "bec" || r.name === "bcc");
  const target = { perClient: ours.map((r) => ({ name: r.name, ...judgeBundle(r.gzipBytes) })) };
  return { esbuildVersion: esbuild.version, rows, target };
}
