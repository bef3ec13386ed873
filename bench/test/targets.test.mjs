// The verdicts docs/benchmarks.md states, from made-up figures on either side of each target: the
// ratios point the right way, the summary and the report say "met" exactly when the figure meets
// its target, and the report gives ratios, never absolute times.
import { describe, expect, it } from "vitest";
import { compareBuilds } from "../src/mockload.mjs";
import { renderMarkdown, summarize } from "../src/report.mjs";
import { sameLine, withRatios } from "../src/roundtrip.mjs";
import {
  judgeBuildTime,
  judgeBundle,
  judgeRoundTrip,
  judgeSigning,
  kiloBytes,
  verdict as judged,
  rateVsSdk,
  timeRatio,
} from "../src/targets.mjs";

/** A whole results object as runAll returns it, with the figures that decide each verdict given. */
function results({
  sdkNs = 10_000,
  uncachedNs = 4_000,
  rawNs = 100_000,
  oursNs = 95_000,
  sdkCallNs = 105_000,
  gzip = 9_000,
  cachedSeconds = 1,
  suiteSeconds = 100,
  // Each ratio's 95 % interval: this share of it either side of the figure.
  spread = 0.01,
} = {}) {
  const around = (ratio) => ({ low: ratio * (1 - spread), high: ratio * (1 + spread) });
  const signingRows = [
    { name: "sdk", label: "sdk", medianNs: sdkNs, iqrPercent: 3 },
    { name: "uncached", label: "uncached", medianNs: uncachedNs, iqrPercent: 3 },
    { name: "cached", label: "cached", medianNs: uncachedNs / 2, iqrPercent: 3 },
    { name: "signRequestUncached", label: "signingHeaders", medianNs: uncachedNs * 1.1, iqrPercent: 3 },
    { name: "publicUncached", label: "buildAuthorization", medianNs: uncachedNs * 1.05, iqrPercent: 3 },
  ].map((row) => {
    const ratioVsSdk = rateVsSdk(row.medianNs, sdkNs);
    return { ...row, ratioVsSdk, interval: around(ratioVsSdk) };
  });
  const calls = withRatios(
    [
      { name: "raw", medianNs: rawNs, samples: 10, iqrPercent: 5 },
      { name: "ours", medianNs: oursNs, samples: 10, iqrPercent: 5 },
      { name: "sdk", medianNs: sdkCallNs, samples: 10, iqrPercent: 5 },
      { name: "rawNodeHttp", medianNs: rawNs / 2, samples: 10, iqrPercent: 5 },
      { name: "oursFetch", medianNs: rawNs * 1.5, samples: 10, iqrPercent: 5 },
    ],
    [
      { name: "raw", label: "raw fetch" },
      { name: "ours", label: "ours" },
      { name: "sdk", label: "the SDK" },
      { name: "rawNodeHttp", label: "raw node:http" },
      { name: "oursFetch", label: "ours with fetch" },
    ],
  );
  const ours = calls.find((row) => row.name === "ours");
  const intervals = {
    vsRaw: around(ours.ratioVsRaw),
    vsSdk: around(ours.ratioVsSdk),
    vsRawNodeHttp: around(ours.ratioVsRawNodeHttp),
    fetchVsRaw: around(1.5),
  };
  const bundleRow = (name, gzipBytes) => ({
    name,
    label: name,
    platform: "browser",
    minifiedBytes: gzipBytes * 3,
    gzipBytes,
    ratioVsSdk: gzipBytes / 400_000,
    modules: [{ module: "openapi-fetch", minifiedBytes: gzipBytes * 3, gzipBytesEstimate: gzipBytes }],
  });
  const steps = [
    { name: "cached", label: "cached", command: "pnpm build", seconds: cachedSeconds, exitCode: 0, ok: true },
    { name: "suite", label: "suite", command: "pnpm test", seconds: suiteSeconds, exitCode: 0, ok: true },
  ];
  const loadRow = (build, auth, rps, p50Ms) => ({
    build,
    auth,
    cors: build === "current",
    connections: 10,
    duration: 5,
    requests: rps * 5,
    rps,
    p50Ms,
    p99Ms: p50Ms * 3,
    meanMs: p50Ms,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
  });
  const configs = [false, true].flatMap((auth) => ["baseline", "current"].map((build) => ({ build, auth })));
  const loadRows = [
    loadRow("baseline", false, 3000, 2),
    loadRow("current", false, 2700, 2),
    loadRow("baseline", true, 2000, 4),
    loadRow("current", true, 1600, 5),
  ];
  const r = {
    date: "2026-01-01T00:00:00.000Z",
    smoke: false,
    machine: {
      commit: "0123456789abcdef",
      modified: false,
      cpu: "cpu",
      cores: 2,
      ramGiB: 4,
      node: "v20",
      os: "os",
      arch: "x64",
      pnpm: "10",
      turbo: "2",
    },
    versions: {},
    signing: {
      hmacBranch: "node:crypto",
      identicalAuthorization: true,
      inputs: { path: "/v1/x", headers: ["host"] },
      timing: { samples: 10, batch: 200 },
      rows: signingRows,
      uncached: signingRows[1].ratioVsSdk,
      uncachedInterval: signingRows[1].interval,
      cached: signingRows[2].ratioVsSdk,
      target: judgeSigning(signingRows[1].ratioVsSdk, signingRows[1].interval),
    },
    signingBrowser: {
      browser: "Chromium 1",
      hmacBranch: "web-crypto",
      identicalAuthorization: true,
      rows: [],
      uncached: 3,
      cached: 7,
    },
    roundTrip: {
      checks: {
        sameBody: true,
        sameRequestLine: true,
        oursSignatureValid: true,
        sdkSignatureValid: true,
        rawUnsigned: true,
        sdkConnectionHeader: "close",
      },
      rows: calls,
      interleaved: calls,
      blocks: { seconds: 2, rounds: 5 },
      oursVsRaw: ours.ratioVsRaw,
      oursVsSdk: ours.ratioVsSdk,
      oursVsRawNodeHttp: ours.ratioVsRawNodeHttp,
      oursFetchVsRaw: 1.5,
      intervals,
      target: judgeRoundTrip(ours.ratioVsRaw, ours.ratioVsSdk, intervals),
    },
    bundle: {
      esbuildVersion: "0",
      rows: [bundleRow("bec", gzip), bundleRow("bcc", gzip - 300), bundleRow("sdk", 400_000)],
      target: {
        perClient: [
          { name: "bec", ...judgeBundle(gzip) },
          { name: "bcc", ...judgeBundle(gzip - 300) },
        ],
      },
    },
    buildTime: { steps, suiteSkipped: false, target: judgeBuildTime(steps[0], steps[1]) },
    mockLoad: {
      rows: loadRows,
      comparisons: compareBuilds(
        configs,
        loadRows.map((row) => [row]),
        loadRows,
      ),
      rounds: 1,
      baselineCommit: "abcdef0123",
      baselineError: null,
      allOk: true,
    },
  };
  r.summary = summarize(r);
  return r;
}

/** The summary's verdict cell for the row whose `what` starts with `start`. */
function verdict(markdown, start) {
  const row = markdown.split("\n").find((l) => l.startsWith("| ") && l.split(" | ")[1]?.startsWith(start));
  if (!row) throw new Error(`no summary row for ${start}`);
  return row.split(" | ").at(-1).replace(/ \|$/, "");
}

describe("ratios", () => {
  it("gives a signer's rate against the SDK's from the two times per call: faster is more", () => {
    expect(rateVsSdk(4_000, 10_000)).toBe(2.5);
    expect(rateVsSdk(20_000, 10_000)).toBe(0.5);
  });

  it("gives a path's time against raw fetch's and the SDK's: slower is more", () => {
    const rows = withRatios(
      [
        { name: "raw", medianNs: 100 },
        { name: "ours", medianNs: 120 },
        { name: "sdk", medianNs: 150 },
      ],
      ["raw", "ours", "sdk"].map((name) => ({ name, label: name })),
    );
    const ours = rows.find((row) => row.name === "ours");
    expect(ours.ratioVsRaw).toBeCloseTo(1.2, 10);
    expect(ours.ratioVsSdk).toBeCloseTo(0.8, 10);
    expect(timeRatio(150, 100)).toBe(1.5);
  });

  it("compares the current mock with the baseline round by round, current over baseline", () => {
    const configs = [
      { build: "baseline", auth: true },
      { build: "current", auth: true },
    ];
    const runs = [
      [{ rps: 100 }, { rps: 200 }],
      [{ rps: 90 }, { rps: 220 }],
    ];
    const rows = [
      { rps: 100, p50Ms: 2, p99Ms: 10, meanMs: 2 },
      { rps: 90, p50Ms: 3, p99Ms: 5, meanMs: 4 },
    ];
    expect(compareBuilds(configs, runs, rows)).toEqual([
      { auth: true, rpsVsBaseline: 0.9, roundsRpsVsBaseline: [0.9, 1.1] },
    ]);
  });

  it("counts kB as 1000 bytes", () => {
    expect(kiloBytes(16_703)).toBe(16.703);
  });
});

describe("verdicts at each target's edge", () => {
  it("signing: met from 2x the SDK's rate", () => {
    expect(judgeSigning(2).met).toBe(true);
    expect(judgeSigning(1.99).met).toBe(false);
  });

  it("on an interval: met when all of it meets the target, not met when none does, else inconclusive", () => {
    const atLeastTwo = (r) => r >= 2;
    expect(judged({ low: 2, high: 2.4 }, atLeastTwo)).toBe(true);
    expect(judged({ low: 1.5, high: 1.99 }, atLeastTwo)).toBe(false);
    expect(judged({ low: 1.98, high: 2.1 }, atLeastTwo)).toBe("inconclusive");
    expect(judgeSigning(2.05, { low: 1.97, high: 2.12 }).met).toBe("inconclusive");
    expect(judgeRoundTrip(1.2, 0.9, { vsRaw: { low: 1.1, high: 1.3 }, vsSdk: { low: 0.8, high: 0.95 } })).toEqual({
      withinRaw: "inconclusive",
      fasterThanSdk: true,
      met: "inconclusive",
    });
    expect(judgeRoundTrip(1.2, 1.1, { vsRaw: { low: 1.1, high: 1.3 }, vsSdk: { low: 1.05, high: 1.2 } }).met).toBe(
      false,
    );
  });

  it("round trip: within 1.25x raw fetch, and under 1x the SDK's time", () => {
    expect(judgeRoundTrip(1.25, 0.99)).toMatchObject({ withinRaw: true, fasterThanSdk: true, met: true });
    expect(judgeRoundTrip(1.26, 0.99)).toMatchObject({ withinRaw: false, fasterThanSdk: true, met: false });
    expect(judgeRoundTrip(1, 1)).toMatchObject({ withinRaw: true, fasterThanSdk: false, met: false });
  });

  it("bundle: at most 10,000 bytes, the aim 8,000", () => {
    expect(judgeBundle(10_000)).toEqual({ underBudget: true, underAim: false });
    expect(judgeBundle(10_001)).toEqual({ underBudget: false, underAim: false });
    expect(judgeBundle(8_000)).toEqual({ underBudget: true, underAim: true });
  });

  it("build and test time: at most 3 s and 120 s, and only when the command succeeded", () => {
    expect(judgeBuildTime({ seconds: 3, ok: true }, { seconds: 120, ok: true })).toMatchObject({
      cachedMet: true,
      suiteMet: true,
    });
    expect(judgeBuildTime({ seconds: 3.01, ok: true }, { seconds: 120.1, ok: true })).toMatchObject({
      cachedMet: false,
      suiteMet: false,
    });
    expect(judgeBuildTime({ seconds: 1, ok: false }, { seconds: 1, ok: false })).toMatchObject({
      cachedMet: false,
      suiteMet: false,
    });
    expect(judgeBuildTime({ seconds: 1, ok: true }, null).suiteMet).toBeNull();
  });
});

describe("the report's verdicts", () => {
  it("says met for figures that meet their targets", () => {
    const markdown = renderMarkdown(results());
    expect(verdict(markdown, "signing in Node, uncached")).toBe("**met**");
    expect(verdict(markdown, "signed BEC call vs raw fetch")).toBe("**met**");
    expect(verdict(markdown, "signed BEC call vs the SDK")).toBe("**met**");
    expect(verdict(markdown, "bec client bundle")).toBe("**met**");
    expect(verdict(markdown, "fully cached")).toBe("**met**");
    expect(verdict(markdown, "`pnpm test`")).toBe("**met**");
    expect(markdown).toContain("2.50× (2.48–2.53) | **met**");
    expect(markdown).toContain("9.00 kB (");
  });

  it("says not met for each figure past its target", () => {
    const markdown = renderMarkdown(
      results({
        uncachedNs: 6_000,
        oursNs: 130_000,
        sdkCallNs: 120_000,
        gzip: 10_240,
        cachedSeconds: 3.5,
        suiteSeconds: 121,
      }),
    );
    expect(verdict(markdown, "signing in Node, uncached")).toBe("**not met**");
    expect(verdict(markdown, "signed BEC call vs raw fetch")).toBe("**not met**");
    expect(verdict(markdown, "signed BEC call vs the SDK")).toBe("**not met**");
    expect(verdict(markdown, "bec client bundle")).toBe("**not met**");
    expect(verdict(markdown, "bcc client bundle")).toBe("**met**"); // 9,940 bytes
    expect(verdict(markdown, "fully cached")).toBe("**not met**");
    expect(verdict(markdown, "`pnpm test`")).toBe("**not met**");
    expect(markdown).toContain("1.67× (1.65–1.68) | **not met**");
    expect(markdown).toContain("- bec: ≤ 10.00 kB gzipped **not met**");
  });

  it("says inconclusive where a figure's interval straddles its target", () => {
    // 2.5x, 0.95x and 0.90x, each with an interval of ±40 %: across 2x, 1.25x and 1x.
    const markdown = renderMarkdown(results({ spread: 0.4 }));
    for (const start of ["signing in Node, uncached", "signed BEC call vs raw fetch", "signed BEC call vs the SDK"])
      expect(verdict(markdown, start)).toBe("**inconclusive** (its 95 % interval straddles the target)");
  });

  it("gives the measured-only rows (the call vs raw node:http, signing as a call signs) no verdict", () => {
    const markdown = renderMarkdown(results());
    expect(verdict(markdown, "signed BEC call vs raw node:http")).toBe("—");
    expect(verdict(markdown, "signed BEC call sending with fetch")).toBe("—");
    expect(verdict(markdown, "signing in Node, uncached, `signingHeaders`")).toBe("—");
    expect(verdict(markdown, "signing in Node, no cache at all")).toBe("—");
    expect(markdown).toContain(
      "| signed BEC call vs raw node:http, the same HTTP client, unsigned (time) | — (measured only) | 1.90× (1.88–1.92) |",
    );
  });

  it("gives the mock no verdict, only its ratios to the baseline", () => {
    const r = results();
    const row = r.summary.find((s) => s.section === 5);
    expect(row.met).toBeNull();
    expect(row.result).toBe("0.80× the baseline's requests/s; every answer a 200: yes");
    // No latency ratio: whole-millisecond latencies of a 2 ms answer cannot show a 0.8x change.
    expect(renderMarkdown(r)).not.toMatch(/latency [\d.]+×|p50 [\d.]+×/);
    expect(verdict(renderMarkdown(r), "mock,")).toBe("—");
  });

  it("reports ratios and sizes, no absolute time other than the build and suite seconds", () => {
    const markdown = renderMarkdown(results());
    const withoutBuildTimes = markdown.replace(/^.*(`pnpm (build|test)`|fully cached build).*$/gm, "");
    expect(withoutBuildTimes).not.toMatch(/\d\s*(ms|µs|ns)\b|req\/s|ns\/op/);
    expect(markdown).toContain("| commit | `0123456789ab` |");
  });
});

describe("sameLine", () => {
  const request = (method, url) => ({ method, url });
  it("takes a percent-encoded query value and another parameter order as the same", () => {
    expect(sameLine(request("PUT", "/v1/x?clientToken=a-b&z=1"), request("PUT", "/v1/x?z=1&clientToken=a%2db"))).toBe(
      true,
    );
  });
  it("tells apart another method, path or query", () => {
    const ours = request("PUT", "/v1/x?clientToken=a-b");
    expect(sameLine(request("POST", "/v1/x?clientToken=a-b"), ours)).toBe(false);
    expect(sameLine(request("PUT", "/v1/y?clientToken=a-b"), ours)).toBe(false);
    expect(sameLine(request("PUT", "/v1/x"), ours)).toBe(false);
    expect(sameLine(request("PUT", "/v1/x?clientToken=a-c"), ours)).toBe(false);
  });
});
