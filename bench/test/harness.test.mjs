// The interleaved harness: every iteration runs each task once, in an order that rotates, and
// each task's figure is the median of its own samples.
import { describe, expect, it } from "vitest";
import { interleave } from "../src/harness.mjs";

describe("interleave", () => {
  it("runs every task once per iteration, rotating which goes first, after the warm-up", async () => {
    const calls = [];
    const tasks = ["a", "b", "c"].map((name) => ({ name, fn: async () => void calls.push(name) }));
    const results = await interleave(tasks, { iterations: 4, warmup: 1 });
    expect(calls.slice(0, 3)).toEqual(["a", "b", "c"]); // warm-up
    expect(calls.slice(3)).toEqual(["a", "b", "c", "b", "c", "a", "c", "a", "b", "a", "b", "c"]);
    expect(results.map((r) => [r.name, r.samples])).toEqual([
      ["a", 4],
      ["b", 4],
      ["c", 4],
    ]);
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
