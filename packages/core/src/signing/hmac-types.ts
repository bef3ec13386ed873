// The types of `#hmac`, whichever branch a runtime resolves: the node:crypto branch answers
// synchronously, the Web Crypto branch with a Promise.
import type { KeyStore, SigningKeyCache } from "./key-cache.js";

/** `"node:crypto"` or `"web-crypto"`. */
export declare const HMAC_BRANCH: "node:crypto" | "web-crypto";

/** hex(HMAC-SHA256(key, message)). */
export declare function hmacHex(key: string, message: string): string | Promise<string>;

/** hex(HMAC(hex(HMAC(secretAccessKey, prefix)), canonicalRequest)), the signing key cached in `cache`. */
export declare function signCanonical(
  secretAccessKey: string,
  prefix: string,
  canonicalRequest: string,
  cache?: SigningKeyCache | KeyStore,
): string | Promise<string>;
