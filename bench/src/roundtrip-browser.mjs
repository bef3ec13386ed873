// 2b. The round trip in Chromium: our client bundled for the browser (it sends with fetch and signs
// with Web Crypto) against raw fetch of the same bytes unsigned, both in the page, against the
// loopback server of section 2 (a worker thread), which also serves the page: one origin, so
// neither path pays a CORS preflight. Chromium coarsens performance.now(), so each sample is a
// batch of calls; the two paths take turns, in rounds whose order alternates, and each figure is
// the median over rounds. Measured only: the round-trip targets are judged in Node.
import * as esbuild from "esbuild";
import { openPage } from "./chromium.mjs";
import { median } from "./harness.mjs";
import { CLIENT_TOKEN, CREDENTIALS, REINSTALL_PATH, VM_ID, specExamples } from "./fixtures.mjs";
import { recorded, sameLine, signatureVerifies, startLoopbackServer } from "./roundtrip.mjs";
import { timeRatio } from "./targets.mjs";

const ENTRY = `
import { createBecClient } from "@bce-openapi/bec";
window.runRoundTrip = async ({ origin, path, credentials, vmId, body, clientToken, rounds, batch, warmup }) => {
  const client = createBecClient({ endpoint: origin, credentials, retry: { maxAttempts: 1 }, timeoutMs: 10000 });
  const url = origin + path + "?clientToken=" + clientToken;
  const text = JSON.stringify(body);
  const init = { method: "PUT", headers: { "content-type": "application/json" }, body: text };
  const paths = {
    raw: async () => {
      const response = await fetch(url, init);
      if (!response.ok) throw new Error("raw fetch: HTTP " + response.status);
      return response.json();
    },
    ours: () => client.reinstallVmInstance(vmId, body, { clientToken }),
  };
  // One call of each first, sent while the server records them; their answers are checked in Node.
  const answers = { raw: await paths.raw(), ours: { ...(await paths.ours()), $metadata: undefined } };
  window.recorded = true;
  await new Promise((resolve) => { window.goOn = resolve; });
  for (let i = 0; i < warmup; i++) { await paths.raw(); await paths.ours(); }
  const names = Object.keys(paths);
  const perCall = { raw: [], ours: [] };
  for (let round = 0; round < rounds; round++)
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      const call = paths[name];
      const start = performance.now();
      for (let j = 0; j < batch; j++) await call();
      perCall[name].push((performance.now() - start) / batch);
    }
  return { answers, perCall };
};
window.roundTripReady = true;`;

export async function benchRoundTripBrowser({ smoke = false } = {}) {
  const { request: body, response } = specExamples();
  const bundled = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: import.meta.dirname, sourcefile: "roundtrip-bench-entry.mjs" },
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  const server = await startLoopbackServer(response);
  let browser;
  try {
    browser = await openPage({ url: `${server.url}/bench.html` });
    const { page } = browser;
    await page.addScriptTag({ content: bundled.outputFiles[0].text, type: "module" });
    await page.waitForFunction(() => window.roundTripReady === true, null, { timeout: 10_000 });
    server.record(true);
    const running = page.evaluate((args) => window.runRoundTrip(args), {
      origin: server.url,
      path: REINSTALL_PATH,
      credentials: CREDENTIALS,
      vmId: VM_ID,
      body,
      clientToken: CLIENT_TOKEN,
      rounds: smoke ? 1 : 40,
      batch: smoke ? 1 : 10,
      warmup: smoke ? 1 : 50,
    });
    // The first two requests (raw, then ours), recorded before the timed ones start.
    const failed = running.then(
      () => undefined,
      (error) => error,
    );
    const first = await Promise.race([
      page.waitForFunction(() => window.recorded === true, null, { timeout: 30_000 }).then(() => null),
      failed,
    ]);
    if (first) throw first;
    const [rawSent, oursSent] = await recorded(server, 2);
    server.record(false);
    await page.evaluate(() => window.goOn());
    const { answers, perCall } = await running;
    if (browser.errors.length > 0) throw new Error(`page errors: ${browser.errors.join("; ")}`);

    const expected = JSON.stringify(response);
    const checks = {
      sameRequestLine: sameLine(rawSent, oursSent),
      sameBody: rawSent.body === oursSent.body,
      oursSignatureValid: await signatureVerifies(oursSent),
      rawUnsigned: rawSent.headers.authorization === undefined,
      sameAnswer: JSON.stringify(answers.raw) === expected && JSON.stringify(answers.ours) === expected,
    };
    if (!Object.values(checks).every(Boolean))
      throw new Error(`the round trip in Chromium did not send or read what it should: ${JSON.stringify(checks)}`);
    const ms = { raw: median(perCall.raw), ours: median(perCall.ours) };
    return {
      browser: `Chromium ${browser.version}`,
      checks,
      rounds: perCall.raw.length,
      rows: [
        {
          name: "raw",
          label: "raw `fetch` in the page, same method/URL/body, unsigned, `res.json()`",
          medianNs: ms.raw * 1e6,
          ratioVsRaw: 1,
        },
        {
          name: "ours",
          label:
            "ours `createBecClient().reinstallVmInstance`, browser bundle (validate, sign with Web Crypto, send with fetch, read the answer)",
          medianNs: ms.ours * 1e6,
          ratioVsRaw: timeRatio(ms.ours, ms.raw),
        },
      ],
      oursVsRaw: timeRatio(ms.ours, ms.raw),
    };
  } finally {
    await browser?.close();
    await server.close();
  }
}
