import { defineConfig } from "vitest/config";

/** The settings every TypeScript test package shares (each package's vitest.config.ts re-exports this). */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Property tests and loopback servers share two cores with the rest of the suite under turbo:
    // generous limits keep a busy machine from failing a correct test.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
