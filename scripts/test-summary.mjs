// Sums the vitest JSON reports every package writes to test-results/vitest.json and prints
// the plain line CI reads: "N passed, N failed" (", N skipped" when any were skipped).
// `--test-status <code>`: the exit status of the test command (.ci/run passes it). A command that
// failed with no failed test in any report (an unhandled error or a crashed worker, which vitest's
// JSON report does not show; a lint or type check) counts as one failure, said on stderr.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dirs = [
  "spec",
  "docs",
  "bench",
  ...["packages", "tests"].flatMap((d) => readdirSync(join(root, d)).map((p) => join(d, p))),
];
const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of dirs) {
  const manifest = join(root, dir, "package.json");
  if (!existsSync(manifest) || !readJson(manifest).scripts?.test) continue;
  const file = join(root, dir, "test-results", "vitest.json");
  if (!existsSync(file)) {
    // A package whose tests did not run (its build failed, under turbo's --continue) is no pass.
    console.error(`${dir}: no test report (its tests did not run)`);
    failed++;
    continue;
  }
  const report = readJson(file);
  if (report.testResults.length === 0) {
    // No test file ran: a global setup threw (Chromium missing), or none was found.
    console.error(`${dir}: no test file ran`);
    failed++;
    continue;
  }
  passed += report.numPassedTests;
  // A file that failed with no failed test of its own counts once: it did not load, or a
  // beforeAll/afterAll hook threw (its tests then show as skipped, or as passed).
  const brokenFiles = report.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
  ).length;
  failed += report.numFailedTests + brokenFiles;
  skipped += report.numPendingTests + report.numTodoTests;
}
const at = process.argv.indexOf("--test-status");
const status = at < 0 ? 0 : Number(process.argv[at + 1]);
if (status !== 0 && failed === 0) {
  console.error(
    `the test command failed (exit status ${process.argv[at + 1]}) with no failed test in the reports: an unhandled error, a crashed worker, or a lint or type check (see its output)`,
  );
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
