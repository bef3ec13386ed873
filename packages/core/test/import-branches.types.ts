// Compile-time proof (checked by `tsc --noEmit`, which includes test/) that every branch of the
// package's conditional imports has the shape its types file declares: `#hmac` (node:crypto, Web
// Crypto) and `#platform` (server, browser). Kept out of src/ so that the browser type check
// (tsconfig.browser.json, no Node types) never reads the Node-only branches.
import type * as hmac from "../src/signing/hmac-types.js";
import type * as platform from "../src/platform/types.js";

type Conforms<Declared, T extends Declared> = T;
export type CheckedBranches = [
  Conforms<typeof hmac, typeof import("../src/signing/hmac-node.js")>,
  Conforms<typeof hmac, typeof import("../src/signing/hmac-web.js")>,
  Conforms<typeof platform, typeof import("../src/platform/server.js")>,
  Conforms<typeof platform, typeof import("../src/platform/browser.js")>,
];
