// scripts/test-summary.mjs: the line CI reads, "N passed, N failed", summed from the vitest JSON
// report each package with a test script writes.
import { afterEach, describe, expect, it } from "vitest";
import { manifest, type Workspace, workspace } from "./workspace.js";

let ws: Workspace | undefined;
afterEach(() => ws?.remove());

const withTests = (name: string) => manifest(name, { scripts: { test: "vitest run" } });
/** A vitest JSON report, as much of it as the script reads. */
const report = (files: { status: string; tests: string[] }[]) => {
  const tests = files.flatMap((f) => f.tests);
  const count = (status: string) => tests.filter((t) => t === status).length;
  return {
    numPassedTests: count("passed"),
    numFailedTests: count("failed"),
    numPendingTests: count("skipped"),
    numTodoTests: count("todo"),
    testResults: files.map((f) => ({ status: f.status, assertionResults: f.tests.map((status) => ({ status })) })),
  };
};

describe("test-summary", () => {
  it("counts one failure for a test command that failed with every report green, and one for a package where no test file ran", async () => {
    ws = workspace({
      "packages/a/package.json": withTests("a"),
      "packages/a/test-results/vitest.json": report([{ status: "passed", tests: ["passed", "passed"] }]),
      "tests/b/package.json": manifest("b"),
    });
    // An unhandled error or a crashed worker: vitest exits 1, its JSON report all passed.
    expect(await ws.run("test-summary.mjs", ["--test-status", "1"])).toMatchObject({
      status: 0,
      stdout: "2 passed, 1 failed\n",
      stderr: expect.stringContaining("the test command failed (exit status 1)"),
    });
    expect(await ws.run("test-summary.mjs", ["--test-status", "0"])).toMatchObject({ stdout: "2 passed, 0 failed\n" });
    ws.remove();
    // A global setup that threw: a report with no test file in it.
    ws = workspace({
      "packages/a/package.json": withTests("a"),
      "packages/a/test-results/vitest.json": report([]),
      "tests/b/package.json": manifest("b"),
    });
    expect(await ws.run("test-summary.mjs")).toMatchObject({
      stdout: "0 passed, 1 failed\n",
      stderr: expect.stringContaining("packages/a: no test file ran"),
    });
  });

  it("sums every package's report, in packages/ and tests/, and leaves out packages without tests", async () => {
    ws = workspace({
      "packages/a/package.json": withTests("a"),
      "packages/a/test-results/vitest.json": report([{ status: "passed", tests: ["passed", "passed", "passed"] }]),
      "tests/b/package.json": withTests("b"),
      "tests/b/test-results/vitest.json": report([
        { status: "failed", tests: ["passed", "failed"] },
        { status: "passed", tests: ["passed"] },
      ]),
      // No test script: a report left in it (from an old run) is not read.
      "packages/c/package.json": manifest("c"),
      "packages/c/test-results/vitest.json": report([{ status: "failed", tests: ["failed"] }]),
    });
    const run = await ws.run("test-summary.mjs");
    expect(run).toMatchObject({ status: 0, stdout: "5 passed, 1 failed\n" });
  });

  it("counts a package whose tests did not run (no report) as a failure, and names it", async () => {
    ws = workspace({
      "packages/a/package.json": withTests("a"),
      "packages/a/test-results/vitest.json": report([{ status: "passed", tests: ["passed"] }]),
      "tests/late/package.json": withTests("late"),
    });
    const run = await ws.run("test-summary.mjs");
    expect(run.stdout).toBe("1 passed, 1 failed\n");
    expect(run.stderr).toContain("tests/late: no test report (its tests did not run)");
  });

  it("counts a failed file with no failed test of its own once, and tells skipped and todo tests", async () => {
    ws = workspace({
      "packages/a/package.json": withTests("a"),
      "packages/a/test-results/vitest.json": report([
        { status: "failed", tests: [] },
        { status: "failed", tests: ["skipped", "skipped"] },
        { status: "passed", tests: ["passed", "todo"] },
      ]),
      "tests/.keep": "",
    });
    expect((await ws.run("test-summary.mjs")).stdout).toBe("1 passed, 2 failed, 3 skipped\n");
  });

  it("reads the reports vitest itself writes: failed tests, files that fail to load or in a hook, skipped tests", async () => {
    ws = workspace({
      "packages/a/package.json": withTests("a"),
      "packages/a/test/mixed.test.mjs": [
        'import { expect, test } from "vitest";',
        'test("passes", () => expect(1).toBe(1));',
        'test("fails", () => expect(1).toBe(2));',
        // (Spelt in parts: a search of this suite for skipped tests is not to find the fixture's.)
        `test.${"skip"}("is skipped", () => {});`,
        `test.${"todo"}("is to do");`,
      ].join("\n"),
      "packages/a/test/load.test.mjs":
        'import { test } from "vitest";\nthrow new Error("at load");\ntest("never", () => {});',
      "packages/a/test/hook.test.mjs": [
        'import { beforeAll, test } from "vitest";',
        'beforeAll(() => { throw new Error("in a hook"); });',
        'test("after the hook", () => {});',
      ].join("\n"),
      "tests/.keep": "",
    });
    const dir = `${ws.root}/packages/a`;
    const vitest = await ws.run(
      "node_modules/vitest/vitest.mjs",
      ["run", "--reporter=json", "--outputFile.json=test-results/vitest.json"],
      dir,
    );
    expect(vitest.status).toBe(1);
    // One test passed; failed are the failing test and the two files that failed without a failed
    // test of their own (the hook's test is not run, and shows as skipped); skipped are the
    // skipped, the to-do and the hook's test.
    expect((await ws.run("test-summary.mjs")).stdout).toBe("1 passed, 3 failed, 3 skipped\n");
  });
});
