// 5. Mock under load: autocannon at a fixed concurrency against the mock (Prism + our signature
// check), with the spec's BEC reinstall request example; once without auth, once with auth on
// replaying one pre-signed request (a signature stays valid for 1800 s).
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import autocannon from "autocannon";
import { signRequest } from "@bce-openapi/core";
import { DEFAULT_CREDENTIALS } from "@bce-openapi/mock";
import { CLIENT_TOKEN, REINSTALL_PATH, specExamples } from "./fixtures.mjs";

async function startMockWorker(auth) {
  const worker = new Worker(new URL("./mock-worker.mjs", import.meta.url), { workerData: { auth, credentials: [DEFAULT_CREDENTIALS] } });
  const url = await new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (m) => m.type === "listening" && resolve(m.url));
  });
  return {
    url,
    async close() {
      const exited = once(worker, "exit");
      worker.postMessage({ type: "close" });
      const timer = setTimeout(() => worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function load({ auth, connections, duration, amount }) {
  const mock = await startMockWorker(auth);
  try {
    const body = JSON.stringify(specExamples().request);
    const url = `${mock.url}${REINSTALL_PATH}?clientToken=${CLIENT_TOKEN}`;
    const headers = { "content-type": "application/json" };
    if (auth) Object.assign(headers, await signRequest({ method: "PUT", url, headers }, DEFAULT_CREDENTIALS));
    // One request first: it must succeed, or the load figures would measure error answers.
    const probe = await fetch(url, { method: "PUT", headers, body });
    const probeText = await probe.text();
    if (probe.status !== 200) throw new Error(`the mock answered ${probe.status}: ${probeText.slice(0, 300)}`);
    const common = { url, method: "PUT", headers, body, connections, renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false };
    // Warm-up, not reported: the first seconds of a fresh mock (JIT, Prism's first validations) are slower.
    await autocannon({ ...common, ...(amount ? { amount } : { duration: 1 }) });
    const result = await autocannon({
      url,
      method: "PUT",
      headers,
      body,
      connections,
      ...(amount ? { amount } : { duration }),
      renderProgressBar: false,
      renderResultsTable: false,
      renderLatencyTable: false,
    });
    return {
      auth,
      connections,
      duration: amount ? null : duration,
      requests: result.requests.total,
      rps: result.duration > 0 ? result.requests.total / result.duration : NaN,
      seconds: result.duration,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      meanMs: result.latency.average,
      ok2xx: result["2xx"],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
  } finally {
    await mock.close();
  }
}

export async function benchMockLoad({ smoke = false } = {}) {
  const options = smoke ? { connections: 2, amount: 10 } : { connections: 10, duration: 5 };
  // A first, discarded pass: the first mock started in a process is measurably slower (cold code
  // paths shared by the process), whichever auth setting goes first.
  if (!smoke) await load({ auth: false, connections: options.connections, duration: 2 });
  const rows = [await load({ auth: false, ...options }), await load({ auth: true, ...options })];
  return { rows, allOk: rows.every((r) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0) };
}
