import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// `#hmac` is node:crypto in Node and Web Crypto elsewhere (package.json `imports`). Here each
// branch is given explicitly, from src/: every test runs on node:crypto, and every test that
// signs or verifies runs on Web Crypto as well. `#platform` is its server branch, as in Node
// (test/platform.test.ts imports the browser branch directly).
const source = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));
const branch = (name: string, file: string, include: string[]) => ({
  // HMAC_BRANCH_UNDER_TEST: what test/signing-branch.test.ts expects `#hmac` to be in this project.
  test: { ...shared.test, name, include, env: { HMAC_BRANCH_UNDER_TEST: name } },
  resolve: { alias: { "#hmac": source(`signing/${file}`), "#platform": source("platform/server.ts") } },
});
const SIGNING_TESTS = [
  "test/signing-*.test.ts",
  "test/verify.test.ts",
  "test/no-secret-leak.test.ts",
  "test/key-cache.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      branch("node:crypto", "hmac-node.ts", shared.test?.include ?? []),
      branch("web-crypto", "hmac-web.ts", SIGNING_TESTS),
    ],
  },
});
