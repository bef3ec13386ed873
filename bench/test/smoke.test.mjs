// Runs every benchmark once, briefly (`--smoke`), to prove it works. Asserts the shape of the
// results only, never a timing. The build/test-time section runs with trivial commands here, so
// that the test suite does not recurse into itself.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BUNDLE_CEILING_BYTES } from "../src/targets.mjs";

const cli = fileURLToPath(new URL("../src/cli.mjs", import.meta.url));
const docs = resolve(fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url)));

const finite = expect.any(Number);

describe("pnpm bench --smoke", () => {
  it("runs each benchmark once and reports every section", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bce-bench-test-"));
    const out = join(dir, "benchmarks.md");
    const json = join(dir, "results.json");
    let docsBefore = null;
    try {
      docsBefore = readFileSync(docs, "utf8");
    } catch {}
    let r;
    let markdown;
    try {
      await promisify(execFile)(process.execPath, [cli, "--smoke", "--out", out, "--json", json], { timeout: 280_000 });
      r = JSON.parse(readFileSync(json, "utf8"));
      markdown = readFileSync(out, "utf8");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    expect(r.smoke).toBe(true);
    expect(r.machine).toMatchObject({ cpu: expect.any(String), cores: finite, ramGiB: finite, node: process.version });
    expect(r.versions).toMatchObject({
      "@baiducloud/sdk": "1.0.7",
      esbuild: expect.any(String),
      tinybench: expect.any(String),
    });

    // 1. Signing in Node (node:crypto) and in Chromium (Web Crypto): every signer agrees on the same inputs.
    expect(r.signing).toMatchObject({
      identicalAuthorization: true,
      hmacBranch: "node:crypto",
      uncached: finite,
      cached: finite,
    });
    expect(r.signing.rows.map((row) => row.name)).toEqual([
      "sdk",
      "uncached",
      "cached",
      "signRequestUncached",
      "signRequestCached",
      "publicUncached",
    ]);
    for (const row of r.signing.rows)
      expect(row).toMatchObject({
        medianNs: finite,
        opsPerSec: finite,
        ratioVsSdk: finite,
        iqrPercent: finite,
        interval: { low: finite, high: finite },
      });
    expect(r.signing.timing).toEqual({ samples: 3, batch: 1 });
    // Three samples make a wide interval: any of the three verdicts.
    expect([true, false, "inconclusive"]).toContain(r.signing.target.met);
    expect(r.signingBrowser).toMatchObject({
      identicalAuthorization: true,
      hmacBranch: "web-crypto",
      browser: expect.stringMatching(/^Chromium /),
      uncached: finite,
      cached: finite,
    });
    expect(r.signingBrowser.rows.map((row) => row.name)).toEqual(["sdk", "uncached", "cached"]);

    // 2. Round trip: every path sent the same request; the signatures verify.
    expect(r.roundTrip.checks).toMatchObject({
      sameBody: true,
      sameRequestLine: true,
      oursSignatureValid: true,
      sdkSignatureValid: true,
      rawUnsigned: true,
    });
    expect(r.roundTrip.rows.map((row) => row.name)).toEqual(["raw", "ours", "sdk", "rawNodeHttp", "oursFetch"]);
    expect(r.roundTrip.stages.map((row) => row.name)).toEqual([
      "raw",
      "stage-headers",
      "stage-timeout",
      "stage-signing",
      "stage-node-http",
      "stage-transport",
      "stage-openapi-fetch",
      "ours",
    ]);
    for (const row of r.roundTrip.stages) expect(row).toMatchObject({ medianNs: finite, ratioVsRaw: finite });
    expect(r.roundTrip.interleaved.map((row) => row.name)).toEqual(["raw", "ours", "sdk", "rawNodeHttp", "oursFetch"]);
    for (const row of r.roundTrip.interleaved)
      expect(row).toMatchObject({ samples: 3, medianNs: finite, ratioVsRaw: finite, ratioVsSdk: finite });
    for (const row of r.roundTrip.rows)
      expect(row).toMatchObject({ medianNs: finite, ratioVsRaw: finite, ratioVsSdk: finite });
    expect(r.roundTrip).toMatchObject({
      oursVsRaw: finite,
      oursVsSdk: finite,
      oursVsRawNodeHttp: finite,
      oursFetchVsRaw: finite,
    });
    for (const name of ["vsRaw", "vsSdk", "vsRawNodeHttp", "fetchVsRaw"])
      expect(r.roundTrip.intervals[name]).toEqual({ low: finite, high: finite });
    // The targets are judged on the interleaved figures, the ones that hold on a busy machine.
    const interleavedOurs = r.roundTrip.interleaved.find((row) => row.name === "ours");
    expect(r.roundTrip.oursVsRaw).toBe(interleavedOurs.ratioVsRaw);
    expect(r.roundTrip.oursVsSdk).toBe(interleavedOurs.ratioVsSdk);
    expect(r.roundTrip.oursVsRawNodeHttp).toBe(interleavedOurs.ratioVsRawNodeHttp);
    // The report says how the figures were taken in this run (3 calls each, blocks of one round).
    expect(markdown).toContain("the median of its 3 calls");
    expect(markdown).toContain("in 1 rounds whose order rotates");
    expect([true, false, "inconclusive"]).toContain(r.roundTrip.target.withinRaw);
    expect([true, false, "inconclusive"]).toContain(r.roundTrip.target.fasterThanSdk);
    // In Chromium: the browser bundle's call and raw fetch, both checked before timing.
    expect(r.roundTripBrowser.checks).toEqual({
      sameRequestLine: true,
      sameBody: true,
      oursSignatureValid: true,
      rawUnsigned: true,
      sameAnswer: true,
    });
    expect(r.roundTripBrowser.rows.map((row) => row.name)).toEqual(["raw", "ours"]);
    expect(r.roundTripBrowser.oursVsRaw).toBe(r.roundTripBrowser.rows[1].ratioVsRaw);
    expect(r.roundTripBrowser.oursVsRaw).toBeGreaterThan(0);
    expect(markdown).toContain("### In Chromium\n\nOur client bundled for the browser");

    // 3. Bundle: every consumer bundled, with sizes and contributors.
    expect(r.bundle.rows.map((row) => row.name)).toEqual(["bec", "bcc", "sdk", "sdk-bcc-only"]);
    for (const row of r.bundle.rows) {
      expect(row.gzipBytes).toBeGreaterThan(0);
      expect(row.minifiedBytes).toBeGreaterThan(row.gzipBytes);
      expect(row.contributors.length).toBeGreaterThan(0);
    }
    // The per-module breakdown of each client adds up to the bundle, and names core's modules.
    for (const name of ["bec", "bcc"]) {
      const row = r.bundle.rows.find((b) => b.name === name);
      const modules = row.modules.map((m) => m.module);
      expect(modules).toEqual(
        expect.arrayContaining(["openapi-fetch", "@bce-openapi/core signing/", "@bce-openapi/core transport"]),
      );
      // All but the consumer's own line and the chunks' glue (a few dozen bytes) is some module's.
      const sum = row.modules.reduce((total, m) => total + m.minifiedBytes, 0);
      expect(sum).toBeLessThanOrEqual(row.minifiedBytes);
      expect(sum).toBeGreaterThan(row.minifiedBytes * 0.99);
      expect(modules.some((m) => m.includes("noble"))).toBe(false);
    }
    expect(r.bundle.target.perClient.map((c) => c.name)).toEqual(["bec", "bcc"]);
    // No client grows past the ceiling unnoticed (gzip of the same input is the same every run).
    for (const name of ["bec", "bcc"])
      expect(r.bundle.rows.find((b) => b.name === name).gzipBytes, `${name} bundle, gzip -9`).toBeLessThanOrEqual(
        BUNDLE_CEILING_BYTES,
      );

    // 4. Build/test time: the code path with trivial commands; the edited file is restored.
    expect(r.buildTime.trivial).toBe(true);
    expect(r.buildTime.editedFileRestored).toBe(true);
    expect(r.buildTime.steps.map((s) => s.name)).toEqual(["cold", "cached", "incremental", "suite"]);
    for (const s of r.buildTime.steps) expect(s).toMatchObject({ seconds: finite, exitCode: 0, ok: true });

    // 5. Mock under load: the baseline (built from git) and the current mock, auth off and on; every answer a 200.
    expect(r.mockLoad.baselineError).toBeNull();
    expect(r.mockLoad.rows.map((row) => [row.build, row.auth])).toEqual([
      ["baseline", false],
      ["current", false],
      ["baseline", true],
      ["current", true],
    ]);
    expect(r.mockLoad.rows.map((row) => row.cors)).toEqual([false, true, false, true]);
    for (const row of r.mockLoad.rows) {
      expect(row).toMatchObject({ requests: finite, rps: finite, p50Ms: finite, p99Ms: finite, non2xx: 0, errors: 0 });
      expect(row.requests).toBeGreaterThan(0);
    }
    expect(r.mockLoad.allOk).toBe(true);

    // The report has every section, and a smoke run leaves docs/benchmarks.md alone.
    for (const heading of [
      "## Summary",
      "## Machine and versions",
      "## 1. Signing",
      "### In Node",
      "### In Chromium",
      "## 2. Request round trip",
      "## 3. Bundle size",
      "## 4. Build and test time",
      "## 5. Mock under load",
    ]) {
      expect(markdown).toContain(heading);
    }
    // Ratios, not absolute times.
    expect(markdown).not.toMatch(/\d\s*(ms|µs|ns)\b|req\/s|ns\/op/);
    expect(r.mockLoad.comparisons.map((c) => c.auth)).toEqual([false, true]);
    expect(r.summary.find((s) => s.section === 5).met).toBeNull();
    expect(r.summary.map((s) => s.section)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 4, 4, 5]);
    expect(markdown).toContain("SMOKE RUN");
    let docsAfter = null;
    try {
      docsAfter = readFileSync(docs, "utf8");
    } catch {}
    expect(docsAfter).toBe(docsBefore);
  }, 300_000); // generous: the smoke run starts four mocks (baseline and current, in one worker that imports Prism), Chromium and esbuild, on a busy machine

  it("marks the test suite as skipped with --skip-suite", async () => {
    const { renderMarkdown } = await import("../src/report.mjs");
    const { benchBuildTime } = await import("../src/buildtime.mjs");
    const dir = mkdtempSync(join(tmpdir(), "bce-bench-test-"));
    const { writeFileSync } = await import("node:fs");
    const editFile = join(dir, "spec.yaml");
    writeFileSync(editFile, "a: 1");
    const trivial = [process.execPath, ["-e", ""]];
    let buildTime;
    try {
      buildTime = await benchBuildTime({ root: dir, build: trivial, test: null, editFile, editLine: "# edit" });
      expect(readFileSync(editFile, "utf8")).toBe("a: 1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(buildTime.suiteSkipped).toBe(true);
    expect(buildTime.target.suiteMet).toBeNull();
    expect(buildTime.steps.map((s) => s.name)).toEqual(["cold", "cached", "incremental"]);
    const markdown = renderMarkdown({
      date: "now",
      smoke: true,
      machine: {},
      versions: {},
      summary: [],
      buildTime: { ...buildTime, trivial: true },
    });
    expect(markdown).toContain("skipped (`--skip-suite`)");
  });
});
