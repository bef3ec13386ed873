// Each vitest project signs on the `#hmac` branch it is named for (vitest.config.ts), even with
// test files sharing one module graph per worker (`isolate: false`): neither a project's alias
// nor its env leaks into the other's.
import { expect, it } from "vitest";
import { HMAC_BRANCH } from "#hmac";

it("signs on the #hmac branch this project is named for", () => {
  expect(process.env.HMAC_BRANCH_UNDER_TEST).toMatch(/^(node:crypto|web-crypto)$/);
  expect(HMAC_BRANCH).toBe(process.env.HMAC_BRANCH_UNDER_TEST);
});
