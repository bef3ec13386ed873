// 5. Mock under load: autocannon at a fixed concurrency against the mock (Prism behind our front),
// with the spec's BEC reinstall request example, side by side in one run: the mock as it was
// before the contract-testing features (baseline, built from git) and this one with its defaults
// on (journal, CORS for the request's loopback Origin), each with auth off and with auth on
// (one pre-signed request replayed; a signature stays valid for 1800 s). The request carries no
// clientToken: a repeated token is answered from the idempotency record without Prism, which
// would flatter the new mock.
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import autocannon from "autocannon";
import { signRequest } from "@bce-openapi/core";
import { DEFAULT_CREDENTIALS } from "@bce-openapi/mock";
import { buildBaselineMock } from "./baseline-mock.mjs";
import { REINSTALL_PATH, specExamples } from "./fixtures.mjs";

const ORIGIN = "http://127.0.0.1:5173";

/**
 * A worker thread that runs mocks one at a time: start(module, options) resolves with a mock's URL
 * (the worker imports `module`, and Prism with it, seconds of CPU, the first time), stop() closes
 * that mock, close() ends the worker.
 */
function startMockWorker() {
  const worker = new Worker(new URL("./mock-worker.mjs", import.meta.url));
  let gone = null; // why the worker is no more, once it is
  worker.once("error", (error) => {
    gone ??= error;
  });
  worker.once("exit", (code) => {
    gone ??= new Error(`the mock worker exited with code ${code}`);
  });
  const request = (message, answer) =>
    new Promise((resolve, reject) => {
      if (gone) return reject(gone);
      const onMessage = (m) => {
        if (m.type !== answer) return;
        worker.off("message", onMessage);
        worker.off("exit", onExit);
        resolve(m);
      };
      const onExit = () => {
        worker.off("message", onMessage);
        reject(gone);
      };
      worker.on("message", onMessage);
      worker.once("exit", onExit);
      worker.postMessage(message);
    });
  return {
    async start(module, options) {
      return (await request({ type: "start", module, options }, "listening")).url;
    },
    async stop() {
      await request({ type: "stop" }, "stopped");
    },
    async close() {
      if (gone) return;
      const exited = once(worker, "exit");
      worker.postMessage({ type: "close" });
      const timer = setTimeout(() => worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One load run against a mock of `module`: in `worker` if given, else in a fresh worker of its own. */
async function load({ build, module, worker, auth, connections, duration, amount }) {
  const host = worker ?? startMockWorker();
  try {
    const mockUrl = await host.start(module, { auth, credentials: [DEFAULT_CREDENTIALS] });
    const body = JSON.stringify(specExamples().request);
    const url = `${mockUrl}${REINSTALL_PATH}`;
    const headers = { "content-type": "application/json", origin: ORIGIN };
    if (auth) Object.assign(headers, await signRequest({ method: "PUT", url, headers }, DEFAULT_CREDENTIALS));
    // One request first: it must succeed, or the load figures would measure error answers.
    const probe = await fetch(url, { method: "PUT", headers, body });
    const probeText = await probe.text();
    if (probe.status !== 200) throw new Error(`the ${build} mock answered ${probe.status}: ${probeText.slice(0, 300)}`);
    const cors = probe.headers.get("access-control-allow-origin") === ORIGIN;
    const common = {
      url,
      method: "PUT",
      headers,
      body,
      connections,
      renderProgressBar: false,
      renderResultsTable: false,
      renderLatencyTable: false,
    };
    // Warm-up, not reported: the first seconds of a fresh mock (JIT, Prism's first validations) are slower.
    await autocannon({ ...common, ...(amount ? { amount } : { duration: 1 }) });
    const result = await autocannon({ ...common, ...(amount ? { amount } : { duration }) });
    return {
      build,
      auth,
      cors,
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
    await (worker ? host.stop() : host.close());
  }
}

/**
 * Per auth setting, the current mock's requests/s as a multiple of the baseline's: its median
 * round's over the baseline's, and round by round (the builds alternate, so round i of each ran side
 * by side). No latency ratio: autocannon keeps latencies in whole milliseconds, and the mock answers
 * in about 2, so a ratio of them says nothing; at a fixed number of connections the mean latency is
 * connections / requests per second anyway (Little's law), which the requests/s ratio gives.
 */
export function compareBuilds(configs, runs, rows) {
  return [false, true].flatMap((auth) => {
    const at = (build) => configs.findIndex((c) => c.build === build && c.auth === auth);
    const [b, c] = [at("baseline"), at("current")];
    if (b < 0 || c < 0) return [];
    const [before, after] = [rows[b], rows[c]];
    return [
      {
        auth,
        rpsVsBaseline: after.rps / before.rps,
        roundsRpsVsBaseline: runs[c].map((run, i) => run.rps / runs[b][i].rps),
      },
    ];
  });
}

export async function benchMockLoad({ smoke = false } = {}) {
  const options = smoke ? { connections: 2, amount: 10 } : { connections: 10, duration: 5 };
  const current = { build: "current", module: "@bce-openapi/mock" };
  let baseline;
  let baselineError = null;
  try {
    baseline = await buildBaselineMock();
  } catch (error) {
    baselineError = error.message;
  }
  // A smoke run only shows that every configuration runs: one worker serves all of its runs, one
  // after another (a worker imports Prism, seconds of CPU). A measured run gives each run a fresh one.
  const worker = smoke ? startMockWorker() : undefined;
  try {
    const builds = baseline ? [{ build: "baseline", module: baseline.module }, current] : [current];
    // A first, discarded pass: the first mock started in a process is measurably slower (cold code
    // paths shared by the process), whichever goes first.
    if (!smoke) await load({ ...builds[0], auth: false, connections: options.connections, duration: 2 });
    // Rounds alternating the builds, so drift and the load of a shared machine fall on both alike;
    // each configuration reports its median round (by requests/s), with every round's figure.
    const rounds = smoke ? 1 : 3;
    const configs = [false, true].flatMap((auth) => builds.map((b) => ({ ...b, auth })));
    const runs = configs.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, config] of configs.entries()) runs[i].push(await load({ ...config, ...options, worker }));
    }
    const rows = runs.map((results) => {
      const sorted = [...results].sort((a, b) => a.rps - b.rps);
      return sorted[sorted.length >> 1];
    });
    const allResults = runs.flat();
    return {
      rows,
      comparisons: baseline ? compareBuilds(configs, runs, rows) : [],
      rounds,
      baselineCommit: baseline?.commit ?? null,
      baselineError,
      allOk: allResults.every((r) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0),
    };
  } finally {
    await worker?.close();
    baseline?.dispose();
  }
}
