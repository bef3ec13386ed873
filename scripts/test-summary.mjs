// Sums the vitest JSON reports every package writes to test-results/vitest.json and prints
// the plain line CI reads: "N passed, N failed" (", N skipped" when any were skipped).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dirs = [
  "spec",
  "docs",
  "bench",
  ...["packages", "tests"].flatMap((d) => readdirSync(join(root, d)).map((p) => join(d, p))),
];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of dirs) {
  const file = join(root, dir, "test-results", "vitest.json");
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  // A file that failed to load counts once, even though none of its tests ran.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === "failed" && file.assertionResults.length === 0,
  ).length;
  failed += report.numFailedTests + brokenFiles;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
