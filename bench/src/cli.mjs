#!/usr/bin/env node
// pnpm bench: runs every benchmark in one go and writes docs/benchmarks.md.
//   --smoke       each benchmark once with tiny iterations; build/test time with trivial commands;
//                 writes to a temp file (or --out), never to docs/
//   --skip-suite  leave out the test-suite timing (pnpm test), marked so in the report
//   --out FILE    markdown destination (default docs/benchmarks.md, or a temp file with --smoke)
//   --json FILE   also write the results as JSON
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchBuildTime } from "./buildtime.mjs";
import { benchBundle } from "./bundle.mjs";
import { machineInfo, versions } from "./machine.mjs";
import { benchMockLoad } from "./mockload.mjs";
import { renderMarkdown } from "./report.mjs";
import { benchRoundTrip } from "./roundtrip.mjs";
import { benchSigning } from "./signing.mjs";
import { benchSigningBrowser } from "./signing-browser.mjs";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const EDITED_SPEC_FILE = "spec/components/parameters/ClientToken.yaml";

const log = (message) => process.stderr.write(`[bench] ${message}\n`);

export async function runAll({ smoke = false, skipSuite = false } = {}) {
  const results = { date: new Date().toISOString(), smoke, machine: machineInfo(ROOT), versions: versions() };
  log("1/5 signing, in Node and in Chromium");
  results.signing = await benchSigning({ smoke });
  results.signingBrowser = await benchSigningBrowser({ smoke });
  log("2/5 request round trip");
  results.roundTrip = await benchRoundTrip({ smoke });
  log("3/5 bundle size");
  results.bundle = await benchBundle();
  log(`4/5 build and test time${smoke ? " (trivial commands)" : ""}`);
  if (smoke) {
    // The code path of the real section, with commands that cannot recurse into the test suite.
    const scratch = mkdtempSync(join(tmpdir(), "bce-bench-smoke-"));
    const editFile = join(scratch, "spec.yaml");
    writeFileSync(editFile, "type: string\n");
    const trivial = [process.execPath, ["-e", ""]];
    results.buildTime = await benchBuildTime({
      root: scratch,
      build: trivial,
      test: skipSuite ? null : trivial,
      editFile,
      editLine: "# bench smoke edit",
    });
    results.buildTime.trivial = true;
    results.buildTime.editedFileRestored = readFileSync(editFile, "utf8") === "type: string\n";
    rmSync(scratch, { recursive: true, force: true });
  } else {
    results.buildTime = await benchBuildTime({
      root: ROOT,
      build: ["pnpm", ["build"]],
      test: skipSuite ? null : ["pnpm", ["test"]],
      editFile: join(ROOT, EDITED_SPEC_FILE),
      editLine: "# bench: incremental build probe (removed after the measurement)",
    });
  }
  log("5/5 mock under load");
  results.mockLoad = await benchMockLoad({ smoke });
  results.summary = summary(results);
  return results;
}

function summary(r) {
  const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");
  const rows = [];
  const s = r.signing;
  const b = r.signingBrowser;
  rows.push({
    section: 1,
    what: "signing in Node, uncached (new timestamp every call), vs `Auth.generateAuthorization`",
    target: "≥ 2× the SDK's rate",
    result: `${f(s.uncached)}×`,
    met: s.target.met,
  });
  rows.push({
    section: 1,
    what: "signing in Node, signing key cached",
    target: "—",
    result: `${f(s.cached)}×`,
    met: null,
  });
  rows.push({
    section: 1,
    what: "signing in Chromium, uncached, vs the SDK's browser bundle",
    target: "—",
    result: `${f(b.uncached)}×`,
    met: null,
  });
  rows.push({
    section: 1,
    what: "signing in Chromium, signing key cached",
    target: "—",
    result: `${f(b.cached)}×`,
    met: null,
  });
  const t = r.roundTrip;
  rows.push({
    section: 2,
    what: "signed BEC call vs raw fetch (time)",
    target: "≤ 1.25×",
    result: `${f(t.oursVsRaw)}×`,
    met: t.target.withinRaw,
  });
  rows.push({
    section: 2,
    what: "signed BEC call vs the SDK's request path (time)",
    target: "< 1×",
    result: `${f(t.oursVsSdk)}×`,
    met: t.target.fasterThanSdk,
  });
  const bundle = Object.fromEntries(r.bundle.rows.map((row) => [row.name, row]));
  for (const name of ["bec", "bcc"]) {
    const c = r.bundle.target.perClient.find((p) => p.name === name);
    rows.push({
      section: 3,
      what: `${name} client bundle, gzip -9`,
      target: "≤ 10 kB (aim 8 kB)",
      result: `${f(bundle[name].gzipBytes / 1024)} kB (${f(bundle[name].ratioVsSdk, 3)}× the SDK's)`,
      met: c.underBudget,
    });
  }
  const cached = r.buildTime.steps.find((step) => step.name === "cached");
  rows.push({
    section: 4,
    what: `fully cached \`pnpm build\`${r.buildTime.trivial ? " (smoke: trivial command)" : ""}`,
    target: "≤ 3 s",
    result: `${f(cached.seconds)} s`,
    met: r.buildTime.target.cachedMet,
  });
  const suite = r.buildTime.steps.find((step) => step.name === "suite");
  rows.push({
    section: 4,
    what: `\`pnpm test\` (whole suite)${r.buildTime.trivial ? " (smoke: trivial command)" : ""}`,
    target: "≤ 120 s",
    result: suite
      ? `${f(suite.seconds, 1)} s${suite.ok ? "" : ` (exit ${suite.exitCode})`}`
      : "skipped (`--skip-suite`)",
    met: suite ? r.buildTime.target.suiteMet : null,
  });
  const load = r.mockLoad.rows.find((x) => x.auth && (x.build ?? "current") === "current");
  const before = r.mockLoad.rows.find((x) => x.auth && x.build === "baseline");
  rows.push({
    section: 5,
    what: `mock, ${load.connections} connections, auth + journal + CORS on`,
    target: "— (measured only)",
    result: `${f(load.rps, 0)} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms${before ? ` (baseline ${f(before.rps, 0)} req/s, p50 ${before.p50Ms} ms)` : ""}`,
    met: r.mockLoad.allOk,
  });
  return rows;
}

async function main() {
  const { values } = parseArgs({
    options: {
      smoke: { type: "boolean", default: false },
      "skip-suite": { type: "boolean", default: false },
      out: { type: "string" },
      json: { type: "string" },
    },
  });
  const smoke = values.smoke;
  const out = values.out
    ? resolve(values.out)
    : smoke
      ? join(mkdtempSync(join(tmpdir(), "bce-bench-")), "benchmarks.md")
      : join(ROOT, "docs/benchmarks.md");
  const results = await runAll({ smoke, skipSuite: values["skip-suite"] });
  writeFileSync(out, renderMarkdown(results));
  if (values.json) writeFileSync(resolve(values.json), `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out}`);
  for (const s of results.summary)
    log(`${s.section}. ${s.what}: ${s.result} — ${s.met === null ? "measured" : s.met ? "met" : "NOT met"}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
