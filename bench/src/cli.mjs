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
import { renderMarkdown, summarize } from "./report.mjs";
import { benchRoundTrip } from "./roundtrip.mjs";
import { benchRoundTripBrowser } from "./roundtrip-browser.mjs";
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
  log("2/5 request round trip, in Node and in Chromium");
  results.roundTrip = await benchRoundTrip({ smoke });
  results.roundTripBrowser = await benchRoundTripBrowser({ smoke });
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
  results.summary = summarize(results);
  return results;
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
    log(
      `${s.section}. ${s.what}: ${s.result} — ${s.met === null ? "measured" : s.met === "inconclusive" ? "inconclusive" : s.met ? "met" : "NOT met"}`,
    );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
