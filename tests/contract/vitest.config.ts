import { defineConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// In Node the clients send with node:http unless given a `fetch`; browsers, Deno and Bun send with
// fetch. The fault scenarios run both ways: once as Node sends, once with `fetch: globalThis.fetch`
// (FAULTS_SENDER), so the fetch path meets real sockets that refuse, reset and stall too.
export default defineConfig({
  test: {
    projects: [
      { test: { ...shared.test, name: "node:http" } },
      { test: { ...shared.test, name: "fetch", include: ["test/faults.test.ts"], env: { FAULTS_SENDER: "fetch" } } },
    ],
  },
});
