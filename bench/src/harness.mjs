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
 * order that rotates, so load that comes and goes falls on every task alike instead of on
 * whichever task's block it hit. Each task's figure is the median of its samples. A task too
 * short to time one call at a time (signing: microseconds) runs `batch` calls a sample, and the
 * sample is their time per call. A call is awaited only if it returns a promise.
 *
 * @param {{ name: string, fn: () => unknown }[]} tasks
 * @param {{ iterations: number, warmup: number, batch?: number }} options
 * @returns {Promise<{ name: string, medianNs: number, opsPerSec: number, samples: number, iqrPercent: number }[]>}
 */
export async function interleave(tasks, { iterations, warmup, batch = 1 }) {
  const run = async (fn) => {
    for (let j = 0; j < batch; j++) {
      const result = fn();
      if (typeof result?.then === "function") await result;
    }
  };
  for (let i = 0; i < warmup; i++) for (const task of tasks) await run(task.fn);
  const samples = tasks.map(() => new Float64Array(iterations));
  for (let i = 0; i < iterations; i++) {
    for (let k = 0; k < tasks.length; k++) {
      const at = (i + k) % tasks.length;
      const start = performance.now();
      await run(tasks[at].fn);
      samples[at][i] = (performance.now() - start) / batch;
    }
  }
  return tasks.map((task, at) => {
    const sorted = samples[at].sort();
    const quantile = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const medianMs = quantile(0.5);
    return {
      name: task.name,
      medianNs: medianMs * 1e6,
      opsPerSec: medianMs > 0 ? 1000 / medianMs : Infinity,
      samples: sorted.length,
      // Spread of the samples: the interquartile range as a share of the median.
      iqrPercent: medianMs > 0 ? ((quantile(0.75) - quantile(0.25)) / medianMs) * 100 : 0,
    };
  });
}
