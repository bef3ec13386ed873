// The interleaved harness: every iteration runs each task once, in an order that rotates, and
// each task's figure is the median of its own samples.
import { describe, expect, it } from "vitest";
import { interleave, ratioInterval, seeded } from "../src/harness.mjs";

describe("interleave", () => {
  it("runs every task once per iteration, in an order shuffled anew, the same every run, after the warm-up", async () => {
    const run = async (seed) => {
      const calls = [];
      const tasks = ["a", "b", "c"].map((name) => ({ name, fn: async () => void calls.push(name) }));
      const results = await interleave(tasks, { iterations: 60, warmup: 1, seed });
      expect(results.map((r) => [r.name, r.samples])).toEqual([
        ["a", 60],
        ["b", 60],
        ["c", 60],
      ]);
      return calls;
    };
    const calls = await run(1);
    expect(calls.slice(0, 3)).toEqual(["a", "b", "c"]); // warm-up
    const iterations = Array.from({ length: 60 }, (_, i) => calls.slice(3 + 3 * i, 6 + 3 * i).join(""));
    for (const order of iterations) expect([...order].sort().join("")).toBe("abc");
    // Every one of the six orders comes up, so no task always follows the same other one.
    expect(new Set(iterations).size).toBe(6);
    expect(await run(1)).toEqual(calls);
    expect(await run(2)).not.toEqual(calls);
  });

  it("keeps each task's samples by iteration, for the intervals", async () => {
    const realNow = performance.now.bind(performance);
    let now = 0;
    performance.now = () => now;
    try {
      let i = 0;
      const tasks = [
        {
          name: "a",
          fn: async () => {
            now += [5, 1, 3][i++];
          },
        },
      ];
      const [a] = await interleave(tasks, { iterations: 3, warmup: 0 });
      expect([...a.times]).toEqual([5, 1, 3]);
      expect(a.medianNs).toBe(3 * 1e6);
    } finally {
      performance.now = realNow;
    }
  });

  it("gives each task the median of its own samples", async () => {
    // A clock of our own: each task's call advances it by a fixed amount per task and iteration.
    const durations = { fast: [1, 2, 3, 100, 2], slow: [10, 20, 30, 20, 1000] };
    const realNow = performance.now.bind(performance);
    let now = 0;
    performance.now = () => now;
    try {
      const counters = { fast: 0, slow: 0 };
      const tasks = Object.keys(durations).map((name) => ({
        name,
        fn: async () => {
          now += durations[name][counters[name]++];
        },
      }));
      const results = await interleave(tasks, { iterations: 5, warmup: 0 });
      expect(results.find((r) => r.name === "fast").medianNs).toBe(2 * 1e6);
      expect(results.find((r) => r.name === "slow").medianNs).toBe(20 * 1e6);
    } finally {
      performance.now = realNow;
    }
  });

  it("with a batch, times that many calls a sample and gives the time per call, for plain and async tasks alike", async () => {
    const realNow = performance.now.bind(performance);
    let now = 0;
    performance.now = () => now;
    try {
      const calls = { sync: 0, async: 0 };
      const tasks = [
        // 4 ms a call: a sample of 3 calls takes 12 ms, 4 ms per call.
        {
          name: "sync",
          fn: () => {
            now += 4;
            return ++calls.sync;
          },
        },
        {
          name: "async",
          fn: async () => {
            now += 10;
            calls.async++;
          },
        },
      ];
      const results = await interleave(tasks, { iterations: 5, warmup: 2, batch: 3 });
      expect(calls).toEqual({ sync: (2 + 5) * 3, async: (2 + 5) * 3 });
      expect(results.map((r) => [r.name, r.samples, r.medianNs])).toEqual([
        ["sync", 5, 4 * 1e6],
        ["async", 5, 10 * 1e6],
      ]);
    } finally {
      performance.now = realNow;
    }
  });
});

describe("ratioInterval", () => {
  it("is the ratio itself when every iteration gives the same ratio", () => {
    const b = Float64Array.from({ length: 200 }, (_, i) => 10 + (i % 7));
    const a = b.map((v) => v * 1.5);
    const { low, high } = ratioInterval(a, b);
    expect(low).toBeCloseTo(1.5, 10);
    expect(high).toBeCloseTo(1.5, 10);
  });

  it("holds the samples' own ratio of medians, and the true one given enough samples, narrowing as they add up", () => {
    const random = seeded(3);
    const noisy = (n, scale) => Float64Array.from({ length: n }, () => scale * (1 + random()));
    const median = (values) => values.slice().sort()[Math.floor(values.length / 2)];
    const [a, b] = [noisy(50, 2), noisy(50, 1)];
    const wide = ratioInterval(a, b);
    expect(wide.low).toBeLessThan(median(a) / median(b));
    expect(wide.high).toBeGreaterThan(median(a) / median(b));
    const narrow = ratioInterval(noisy(5000, 2), noisy(5000, 1));
    expect(narrow.low).toBeLessThan(2);
    expect(narrow.high).toBeGreaterThan(2);
    expect(narrow.high - narrow.low).toBeLessThan((wide.high - wide.low) / 3);
  });
});
