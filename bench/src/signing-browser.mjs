// 1b. Signing in Chromium: ours (the Web Crypto branch of #hmac, as browsers resolve it) against
// @baiducloud/sdk's own browser bundle (its `Auth`, HMAC in JavaScript from crypto-browserify),
// same inputs, timed in the page. Chromium coarsens performance.now(), so each sample is a batch
// of calls lasting milliseconds; tasks run in rounds whose order rotates, and each figure is the
// median over rounds.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { openPage } from "./chromium.mjs";
import { median } from "./harness.mjs";
import { CREDENTIALS, REINSTALL_PATH } from "./fixtures.mjs";
import { signingInputs } from "./signing.mjs";
import { rateVsSdk } from "./targets.mjs";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

const ENTRY = `
import { buildAuthorization, createSigningKeyCache } from "@bce-openapi/core";
window.oursReady = true;
window.runSigning = async ({ input, query, headers, seconds, credentials, path, rounds, sampleMs }) => {
  const auth = new window.baidubce.sdk.Auth(credentials.accessKeyId, credentials.secretAccessKey);
  const keys = createSigningKeyCache();
  const uncachedKeys = createSigningKeyCache();
  let tick = 0;
  const sdkAuthorization = auth.generateAuthorization("PUT", path, query, headers, seconds, 1800);
  const ours = (await buildAuthorization({ ...input, signingKeys: keys })).authorization;
  // One input object per task, as in Node (see signing.mjs).
  const uncachedInput = { ...input, timestamp: 0, signingKeys: uncachedKeys };
  const cachedInput = { ...input, signingKeys: keys };
  const tasks = [
    ["sdk", false, () => auth.generateAuthorization("PUT", path, query, headers, seconds, 1800)],
    ["uncached", true, () => { uncachedInput.timestamp = (seconds + ++tick) * 1000; return buildAuthorization(uncachedInput); }],
    ["cached", true, () => buildAuthorization(cachedInput)],
  ];
  const perOp = Object.fromEntries(tasks.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const [name, isAsync, fn] = tasks[(i + round) % tasks.length];
      let ops = 0;
      const start = performance.now();
      let now = start;
      while (now - start < sampleMs) {
        for (let j = 0; j < 50; j++) isAsync ? await fn() : fn();
        ops += 50;
        now = performance.now();
      }
      perOp[name].push((now - start) / ops);
    }
  }
  return { sdkAuthorization, ours, perOp, userAgent: navigator.userAgent };
};`;

export async function benchSigningBrowser({ smoke = false } = {}) {
  const bundled = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: here, sourcefile: "signing-bench-entry.mjs" },
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
    metafile: true,
  });
  const branch = Object.keys(bundled.metafile.inputs)
    .filter((f) => /signing\/hmac-(web|node)\.js$/.test(f))
    .map((f) => f.split("/").at(-1));
  if (branch.join() !== "hmac-web.js")
    throw new Error(`the browser bundle should take the Web Crypto branch only, took ${branch.join(", ")}`);
  const sdkBundle = readFileSync(
    join(dirname(require.resolve("@baiducloud/sdk/package.json")), "dist/baidubce-sdk.bundle.min.js"),
    "utf8",
  );

  const browser = await openPage();
  try {
    const { page } = browser;
    await page.addScriptTag({ content: sdkBundle });
    await page.addScriptTag({ content: bundled.outputFiles[0].text, type: "module" });
    await page.waitForFunction(() => window.oursReady === true && window.baidubce?.sdk?.Auth, null, {
      timeout: 10_000,
    });
    const { seconds, headers, query, input } = signingInputs();
    const got = await page.evaluate((args) => window.runSigning(args), {
      input,
      query,
      headers,
      seconds,
      credentials: CREDENTIALS,
      path: REINSTALL_PATH,
      // Many short rounds rather than a few long ones: a burst of load then spoils a few samples of
      // every signer, which the median drops, not a large share of one signer's.
      rounds: smoke ? 1 : 60,
      sampleMs: smoke ? 1 : 20,
    });
    if (browser.errors.length > 0) throw new Error(`page errors: ${browser.errors.join("; ")}`);
    const identical = got.ours === got.sdkAuthorization;
    if (!identical)
      throw new Error(`signers disagree in Chromium:\n  sdk:  ${got.sdkAuthorization}\n  ours: ${got.ours}`);
    const msPerOp = Object.fromEntries(Object.entries(got.perOp).map(([name, samples]) => [name, median(samples)]));
    const labels = {
      sdk: "@baiducloud/sdk browser bundle `Auth.generateAuthorization` (HMAC in JavaScript, crypto-browserify)",
      uncached: "ours `buildAuthorization` (Web Crypto, awaited), new timestamp every call",
      cached: "ours `buildAuthorization` (Web Crypto, awaited), signing key cached",
    };
    const rows = Object.keys(labels).map((name) => ({
      name,
      label: labels[name],
      medianNs: msPerOp[name] * 1e6,
      ratioVsSdk: rateVsSdk(msPerOp[name], msPerOp.sdk),
    }));
    return {
      browser: `Chromium ${browser.version}`,
      hmacBranch: "web-crypto",
      identicalAuthorization: identical,
      rows,
      uncached: rateVsSdk(msPerOp.uncached, msPerOp.sdk),
      cached: rateVsSdk(msPerOp.cached, msPerOp.sdk),
    };
  } finally {
    await browser.close();
  }
}
