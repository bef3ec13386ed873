import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Packs the five published packages once, for every test file (see test/pack.global.ts).
    globalSetup: ["test/pack.global.ts"],
    // Tests that run tsc or npm in the installed project (each bounded at 240 s, see inProject).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // One worker per file, all three at once: on two cores Vitest's default is one worker, which
    // ran the files one after another, though each mostly waits on its child processes (npm, tsc,
    // pnpm, redocly) and none shares anything with another but the tarballs.
    maxWorkers: 3,
  },
});
