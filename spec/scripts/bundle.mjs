// Bundle the multi-file spec into dist/: openapi.yaml and openapi.json (both services), and
// bec.json and bcc.json (one service each, with only the components it uses) for the
// per-service TypeScript clients. Components stay named $refs. Output is deterministic.
// Translations: each overlays/<locale>.yaml (an OpenAPI Overlay) is applied to the bundle of
// both services and written as openapi.<locale>.yaml and .json (the Chinese docs read these),
// with the code samples of code-samples/<locale>/ (the same code, comments translated).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { applyOverlay } from "./overlay.mjs";

const specDir = join(dirname(fileURLToPath(import.meta.url)), "..");
// `--out DIR` writes elsewhere (the determinism test bundles twice into temp dirs).
const outFlag = process.argv.indexOf("--out");
const distDir = outFlag > 0 ? process.argv[outFlag + 1] : join(specDir, "dist");
const redocly = join(specDir, "node_modules", ".bin", "redocly");
const overlaysDir = join(specDir, "overlays");

// API names as declared under `apis` in redocly.yaml.
const targets = [
  { api: "all", outputs: ["openapi.json", "openapi.yaml"] },
  { api: "bec", outputs: ["bec.json"] },
  { api: "bcc", outputs: ["bcc.json"] },
];

function bundle(api, workDir) {
  const file = join(workDir, `${api}.json`);
  execFileSync(redocly, ["bundle", api, "--output", file], {
    cwd: specDir,
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return JSON.parse(readFileSync(file, "utf8"));
}

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// filter-in drops the other service's operations but leaves their path items (with their
// servers) and tags behind: remove path items without operations, and tags nothing uses.
function pruneFiltered(doc) {
  const used = new Set();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const ops = methods.filter((method) => item[method]);
    if (ops.length === 0) delete doc.paths[path];
    for (const method of ops) for (const tag of item[method].tags ?? []) used.add(tag);
  }
  doc.tags = (doc.tags ?? []).filter((tag) => used.has(tag.name));
  return doc;
}

/**
 * One service's bundle has one host: the servers its path items share (declared per path item in
 * the source, where the two services meet) move to the root, where generators and viewers that
 * read only the root's look for them (without any, OpenAPI's default server is `/`).
 */
function hoistServers(doc) {
  const items = Object.values(doc.paths ?? {});
  const shared = JSON.stringify(items[0]?.servers);
  if (doc.servers || shared === undefined || !items.every((item) => JSON.stringify(item.servers) === shared))
    return doc;
  const { openapi, info, ...rest } = doc;
  const servers = items[0].servers;
  for (const item of items) delete item.servers;
  return { openapi, info, servers, ...rest };
}

const written = new Set();
function write(doc, name) {
  const text = name.endsWith(".json")
    ? `${JSON.stringify(doc, null, 2)}\n`
    : // Written with YAML 1.1's schema, so that a string a 1.1 reader would take for a timestamp or
      // a boolean (`2021-03-01T10:34:06Z`, `on`) is quoted: 1.1 and 1.2 readers read the same values.
      stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false, version: "1.1" });
  writeFileSync(join(distDir, name), text);
  written.add(name);
  console.log(`dist/${name}`);
}

/** Where each x-codeSamples language's file lives under code-samples/ (and code-samples/<locale>/). */
const SAMPLE_FILES = { TypeScript: ["typescript", "ts"], curl: ["curl", "sh"] };

/**
 * The locale's code samples in place of the English ones: code-samples/<locale>/ holds the same
 * code with its comments translated (docs/test/code-samples.test.mjs holds them to that). A
 * locale with that folder must have a file for every sample.
 */
function localizeCodeSamples(doc, locale) {
  const dir = join(specDir, "code-samples", locale);
  if (!existsSync(dir)) return doc;
  for (const item of Object.values(doc.paths ?? {}))
    for (const operation of Object.values(item))
      for (const sample of operation?.["x-codeSamples"] ?? []) {
        const [folder, ext] = SAMPLE_FILES[sample.lang] ?? [];
        const file = folder && join(dir, folder, `${operation.operationId}.${ext}`);
        if (!file || !existsSync(file))
          throw new Error(`code-samples/${locale}: no ${sample.lang} sample for ${operation.operationId}`);
        sample.source = readFileSync(file, "utf8");
      }
  return doc;
}

const workDir = mkdtempSync(join(tmpdir(), "bce-openapi-bundle-"));
try {
  mkdirSync(distDir, { recursive: true });
  let all;
  for (const { api, outputs } of targets) {
    const pruned = pruneFiltered(bundle(api, workDir));
    const doc = api === "all" ? pruned : hoistServers(pruned);
    if (api === "all") all = doc;
    for (const name of outputs) write(doc, name);
  }
  for (const file of readdirSync(overlaysDir)
    .filter((name) => name.endsWith(".yaml"))
    .sort()) {
    const locale = file.slice(0, -".yaml".length);
    const overlay = parse(readFileSync(join(overlaysDir, file), "utf8"));
    const translated = localizeCodeSamples(applyOverlay(structuredClone(all), overlay), locale);
    for (const ext of ["json", "yaml"]) write(translated, `openapi.${locale}.${ext}`);
  }
  // The edition of an overlay since removed would still be served and published: removed.
  for (const name of readdirSync(distDir))
    if (/^openapi\.[^.]+\.(json|yaml)$/.test(name) && !written.has(name)) {
      rmSync(join(distDir, name));
      console.log(`removed dist/${name}, whose overlay is gone`);
    }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
