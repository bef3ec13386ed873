import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.mjs"],
    // Finds (or installs) Chromium once, before any test file runs.
    globalSetup: ["test/global-setup.mjs"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One module graph per worker, as in vitest.shared.ts: every test file restores what it changes.
    isolate: false,
  },
});
