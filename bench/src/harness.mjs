// Side-by-side timing on tinybench: every task of a group runs in the same process, in rounds
// whose order rotates, so that drift (JIT, GC, thermal) falls on every task alike. Each task's
// figure is the median over rounds of that round's median latency.
import { Bench } from "tinybench";

/**
 * @param {{ name: string, fn: () => unknown }[]} tasks
 * @param {{ time?: number, iterations?: number, warmupTime?: number, rounds?: number }} options
 * @returns {Promise<{ name: string, medianNs: number, opsPerSec: number, samples: number, rmePercent: number }[]>}
 */
export async function compare(tasks, options = {}) {
  const rounds = options.rounds ?? 3;
  /** @type {Map<string, { p50: number[], samples: number, rme: number[] }>} */
  const stats = new Map(tasks.map((t) => [t.name, { p50: [], samples: 0, rme: [] }]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      time: options.time ?? 1000,
      iterations: options.iterations ?? 10,
      warmupTime: options.warmupTime ?? 200,
      warmupIterations: options.warmupIterations ?? 5,
      throws: true,
    });
    const order = tasks.map((_, i) => tasks[(i + round) % tasks.length]);
    for (const task of order) bench.add(task.name, task.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== "completed") {
        throw new Error(
          `benchmark "${task.name}" did not complete: ${result.state}${result.error ? `: ${result.error.message}` : ""}`,
        );
      }
      const s = stats.get(task.name);
      s.p50.push(result.latency.p50);
      s.samples += result.latency.samplesCount;
      s.rme.push(result.latency.rme);
    }
  }
  return tasks.map((t) => {
    const s = stats.get(t.name);
    const medianMs = median(s.p50);
    return {
      name: t.name,
      medianNs: medianMs * 1e6,
      opsPerSec: medianMs > 0 ? 1000 / medianMs : Infinity,
      samples: s.samples,
      rmePercent: median(s.rme),
    };
  });
}

/** @param {number[]} values */
export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The timing options of a group in full and in smoke mode. */
export function timing(smoke, full) {
  return smoke ? { time: 0, iterations: 3, warmupTime: 0, warmupIterations: 1, rounds: 1 } : full;
}

/**
 * Interleaved timing, for tasks whose cost depends on the machine's state of the moment (a
 * loopback round trip on a shared two-core machine): each iteration runs every task once, in an
 * order shuffled anew (seeded: the same orders every run), so load that comes and goes falls on
 * every task alike instead of on whichever task's block it hit, and no task always follows the
 * same other one (a rotation keeps the cycle: raw fetch always ran after the SDK's
 * `Connection: close` request). Each task's figure is the median of its samples; `times` keeps
 * them by iteration, for the intervals of `ratioInterval`. A task too short to time one call at a
 * time (signing: microseconds) runs `batch` calls a sample, and the sample is their time per call.
 * A call is awaited only if it returns a promise.
 *
 * @param {{ name: string, fn: () => unknown }[]} tasks
 * @param {{ iterations: number, warmup: number, batch?: number, seed?: number }} options
 * @returns {Promise<{ name: string, medianNs: number, opsPerSec: number, samples: number, iqrPercent: number, times: Float64Array }[]>}
 */
export async function interleave(tasks, { iterations, warmup, batch = 1, seed = 1 }) {
  const run = async (fn) => {
    for (let j = 0; j < batch; j++) {
      const result = fn();
      if (typeof result?.then === "function") await result;
    }
  };
  for (let i = 0; i < warmup; i++) for (const task of tasks) await run(task.fn);
  const random = seeded(seed);
  const times = tasks.map(() => new Float64Array(iterations));
  for (let i = 0; i < iterations; i++) {
    for (const at of shuffled(tasks.length, random)) {
      const start = performance.now();
      await run(tasks[at].fn);
      times[at][i] = (performance.now() - start) / batch;
    }
  }
  return tasks.map((task, at) => {
    const sorted = times[at].slice().sort();
    const quantile = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const medianMs = quantile(0.5);
    return {
      name: task.name,
      medianNs: medianMs * 1e6,
      opsPerSec: medianMs > 0 ? 1000 / medianMs : Infinity,
      samples: sorted.length,
      // Spread of the samples: the interquartile range as a share of the median.
      iqrPercent: medianMs > 0 ? ((quantile(0.75) - quantile(0.25)) / medianMs) * 100 : 0,
      times: times[at],
    };
  });
}

/** The median as `interleave` takes it (the upper one of an even count), of a sortable copy. */
const medianOf = (values) => values.sort()[Math.floor(values.length / 2)];

/**
 * The 95 % interval of median(a) / median(b), for two tasks timed in the same iterations
 * (`interleave`'s `times`): a paired bootstrap, resampling whole iterations, so that load that
 * fell on one iteration falls on both of its samples. A ratio on one side of a target only by
 * less than its interval's width is no verdict (see `verdict`).
 *
 * @param {Float64Array} a
 * @param {Float64Array} b
 * @returns {{ low: number, high: number }}
 */
export function ratioInterval(a, b, { resamples = 1000, seed = 7 } = {}) {
  const random = seeded(seed);
  const n = a.length;
  const ra = new Float64Array(n);
  const rb = new Float64Array(n);
  const ratios = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * n);
      ra[i] = a[k];
      rb[i] = b[k];
    }
    ratios[r] = medianOf(ra) / medianOf(rb);
  }
  ratios.sort();
  return { low: ratios[Math.floor(0.025 * resamples)], high: ratios[Math.ceil(0.975 * resamples) - 1] };
}

/** A seeded source of numbers in [0, 1) (mulberry32): the same sequence every run. */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The indexes 0..n-1 in a random order (Fisher-Yates). */
export function shuffled(n, random) {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
