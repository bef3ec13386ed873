import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Packs the five published packages once, for every test file (see test/pack.global.ts).
    globalSetup: ["test/pack.global.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
