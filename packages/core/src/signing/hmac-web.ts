// HMAC-SHA256 on Web Crypto (crypto.subtle), asynchronous: the `default` branch of `#hmac`
// (package.json `imports`), for browsers, edge runtimes and anything without node:crypto.
import { webCrypto } from "../errors.js";
import { toHex } from "../hex.js";
import { assertHmacKey, cacheInternals, keyStore, type KeyStore, type SigningKeyCache } from "./key-cache.js";

/** Which implementation this branch is, for tests and benchmarks. */
export const HMAC_BRANCH = "web-crypto" as const;

const utf8 = new TextEncoder();

const subtle = () => webCrypto("subtle").subtle;

// Signing keys are never empty: the secret key is checked by the signer, the derived key is hex.
function importKey(key: string): Promise<CryptoKey> {
  return subtle().importKey("raw", utf8.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function macHex(key: CryptoKey | Promise<CryptoKey>, message: string): Promise<string> {
  return toHex(new Uint8Array(await subtle().sign("HMAC", await key, utf8.encode(message))));
}

/** hex(HMAC-SHA256(key, message)). */
export async function hmacHex(key: string, message: string): Promise<string> {
  assertHmacKey(key);
  return macHex(importKey(key), message);
}

/**
 * The signature of a canonical request: hex(HMAC(hex(HMAC(secret, prefix)), canonicalRequest)).
 * The signing key of `prefix` and the secret's CryptoKey are kept in `cache` (by default one for
 * this request alone); concurrent requests share one derivation, and a failed one empties the
 * cache, so that the next request tries again.
 */
export async function signCanonical(
  secretAccessKey: string,
  prefix: string,
  canonicalRequest: string,
  cache: SigningKeyCache | KeyStore = keyStore(1),
): Promise<string> {
  const store = cacheInternals(cache);
  const key = store.key(prefix, secretAccessKey, () => {
    const derived = store
      .key("", secretAccessKey, () => importKey(secretAccessKey))
      .then((secret) => macHex(secret, prefix))
      .then(importKey);
    derived.catch(() => cache.clear());
    return derived;
  });
  return macHex(key, canonicalRequest);
}
