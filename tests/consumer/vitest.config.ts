import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Packs the five published packages once, for every test file (see test/pack.global.ts).
    globalSetup: ["test/pack.global.ts"],
    // Tests that run tsc or npm in the installed project (each bounded at 240 s, see inProject).
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
