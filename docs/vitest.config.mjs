import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.mjs"],
    // Finds Chromium (`pnpm setup:browser` installs it) and starts it once, before any test file runs.
    globalSetup: ["test/global-setup.mjs"],
    // Generous, as in vitest.shared.ts: Chromium, tsc and spawned servers on a busy two-core machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // One module graph per worker, as in vitest.shared.ts: every test file restores what it changes.
    isolate: false,
    // As in vitest.shared.ts: the mock's key pair is the tests' own, whatever the shell exports.
    env: { BCE_MOCK_ACCESS_KEY_ID: "", BCE_MOCK_SECRET_ACCESS_KEY: "", BCE_MOCK_SESSION_TOKEN: "" },
  },
});
