// 3. Bundle size: a small consumer of each client, bundled and minified by esbuild, gzipped -9.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

/** At most 10 kB gzipped per client; 8 kB is the aim. */
export const BUNDLE_BUDGET_BYTES = 10 * 1024;
export const BUNDLE_AIM_BYTES = 8 * 1024;

export const ENTRIES = [
  { name: "bec", label: "@bce-openapi/bec `createBecClient`", code: 'import { createBecClient } from "@bce-openapi/bec";\nconsole.log(createBecClient);\n' },
  { name: "bcc", label: "@bce-openapi/bcc `createBccClient`", code: 'import { createBccClient } from "@bce-openapi/bcc";\nconsole.log(createBccClient);\n' },
  {
    name: "sdk",
    label: "@baiducloud/sdk `BccClient` (named import; the package's browser field maps it to its prebuilt browser bundle)",
    code: 'import { BccClient } from "@baiducloud/sdk";\nconsole.log(BccClient);\n',
  },
  {
    name: "sdk-bcc-only",
    label: "@baiducloud/sdk `src/bcc_client.js` alone (deep import, its own dependencies only)",
    code: 'import BccClient from "@baiducloud/sdk/src/bcc_client.js";\nconsole.log(BccClient);\n',
  },
];

async function bundleOne(entry, platform) {
  const result = await esbuild.build({
    stdin: { contents: entry.code, resolveDir: here, sourcefile: `${entry.name}-consumer.mjs`, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
    define: platform === "browser" ? { "process.env.NODE_ENV": '"production"' } : {},
  });
  const code = result.outputFiles[0].contents;
  const inputs = result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs;
  const files = Object.entries(inputs).map(([file, info]) => ({ file: shortName(file), bytes: info.bytesInOutput }));
  const contributors = [...files].sort((a, b) => b.bytes - a.bytes).slice(0, 8);
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  return { minifiedBytes: code.length, gzipBytes, contributors, modules: moduleBreakdown(files, code.length, gzipBytes), inputCount: files.length };
}

/** A metafile input as a reader knows it: `pkg/path` for a dependency, the workspace path otherwise. */
function shortName(file) {
  return file.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "").replace(/^(\.\.\/)+/, "").replace(/^packages\//, "@bce-openapi/");
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
    .map(([module, bytes]) => ({ module, minifiedBytes: bytes, gzipBytesEstimate: Math.round((bytes / minifiedTotal) * gzipTotal) }))
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
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  const sdk = byName.sdk;
  const ours = rows.filter((r) => r.name === "bec" || r.name === "bcc");
  for (const row of rows) row.ratioVsSdk = row.gzipBytes / sdk.gzipBytes;
  const target = {
    budgetBytes: BUNDLE_BUDGET_BYTES,
    maxRatioVsSdk: 1 / 20,
    aimBytes: BUNDLE_AIM_BYTES,
    perClient: ours.map((r) => ({
      name: r.name,
      underBudget: r.gzipBytes <= BUNDLE_BUDGET_BYTES,
      underAim: r.gzipBytes <= BUNDLE_AIM_BYTES,
      underTwentieth: r.gzipBytes <= sdk.gzipBytes / 20,
      underTwentiethOfBccOnly: r.gzipBytes <= byName["sdk-bcc-only"].gzipBytes / 20,
    })),
  };
  target.met = target.perClient.every((c) => c.underBudget);
  return { esbuildVersion: esbuild.version, rows, target };
}
