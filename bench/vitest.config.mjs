import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.mjs"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One module graph per worker, as in vitest.shared.ts: no test file here mocks, stubs or fakes
    // anything (the smoke test runs the bench in a child process; the harness test is pure).
    isolate: false,
  },
});
