import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.mjs"],
    // One module graph per worker, as in vitest.shared.ts: no test file here mocks, stubs or fakes
    // anything; they read the bundles and run the bundler in a child process.
    isolate: false,
    // Generous, as in vitest.shared.ts: parsing the YAML bundles takes a tenth of a second alone
    // and passed vitest's 5 s default under the whole suite on a busy machine.
    testTimeout: 120_000,
  },
});
