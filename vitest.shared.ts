import { defineConfig } from "vitest/config";

/** The settings every TypeScript test package shares (each package's vitest.config.ts re-exports this). */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Property tests, loopback servers and spawned bins share two cores with the rest of the suite
    // under turbo: generous limits keep a busy machine from failing a correct test (a run beside
    // three busy loops, load 12 to 21, took over 30 s for tests that take 2 s alone).
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // A worker runs its test files one after another in one module graph instead of a fresh one
    // each (https://vitest.dev/config/isolate.html), so the same modules are not imported again
    // for every file: core, mock, contract and codegen tests take about half the CPU they did.
    // Every test file restores what it stubs, mocks or fakes (afterEach, afterAll or finally),
    // and a project's aliases and env stay its own (core's signing-branch test).
    isolate: false,
    // The mock's key pair is the one the tests sign with (DEFAULT_CREDENTIALS), whatever the shell
    // running them exports: an empty variable is none (a test that reads them stubs its own).
    env: { BCE_MOCK_ACCESS_KEY_ID: "", BCE_MOCK_SECRET_ACCESS_KEY: "", BCE_MOCK_SESSION_TOKEN: "" },
  },
});
