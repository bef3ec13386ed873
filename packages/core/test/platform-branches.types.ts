// Compile-time proof (checked by `tsc --noEmit`, which includes test/) that both `#platform`
// branches have the shape src/platform/types.ts declares.
import type * as declared from "../src/platform/types.js";

type Branch = {
  PLATFORM: typeof declared.PLATFORM;
  runtimeAgent: typeof declared.runtimeAgent;
  environmentCredentials: typeof declared.environmentCredentials;
  NO_CREDENTIALS: typeof declared.NO_CREDENTIALS;
  networkFailure: typeof declared.networkFailure;
  httpSend: typeof declared.httpSend;
};
type Conforms<T extends Branch> = T;
export type CheckedBranches = [
  Conforms<typeof import("../src/platform/server.js")>,
  Conforms<typeof import("../src/platform/browser.js")>,
];
