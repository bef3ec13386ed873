// Compile-time proof (checked by `tsc --noEmit`, which includes test/) that both `#hmac`
// branches have the shape src/signing/hmac-types.ts declares. Kept out of src/ so that the
// browser type check (tsconfig.browser.json, no Node types) never reads the node:crypto branch.
import type * as declared from "../src/signing/hmac-types.js";

type Branch = {
  HMAC_BRANCH: typeof declared.HMAC_BRANCH;
  hmacHex: typeof declared.hmacHex;
  signCanonical: typeof declared.signCanonical;
};
type Conforms<T extends Branch> = T;
export type CheckedBranches = [
  Conforms<typeof import("../src/signing/hmac-node.js")>,
  Conforms<typeof import("../src/signing/hmac-web.js")>,
];
