// HMAC-SHA256 on Web Crypto (crypto.subtle), asynchronous: the `default` branch of `#hmac`
// (package.json `imports`), for browsers, edge runtimes and anything without node:crypto.
import { assertHmacKey, cacheInternals, type SigningKeyCache } from "./key-cache.js";

/** Which implementation this branch is, for tests and benchmarks. */
export const HMAC_BRANCH = "web-crypto" as const;

const utf8 = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("Web Crypto (globalThis.crypto.subtle) is not available in this runtime");
  return s;
}

function importKey(key: string): Promise<CryptoKey> {
  assertHmacKey(key);
  return subtle().importKey("raw", utf8.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function macHex(key: CryptoKey | Promise<CryptoKey>, message: string): Promise<string> {
  const bytes = new Uint8Array(await subtle().sign("HMAC", await key, utf8.encode(message)));
  let hex = "";
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]!];
  return hex;
}

/** hex(HMAC-SHA256(key, message)). */
export async function hmacHex(key: string, message: string): Promise<string> {
  return macHex(await importKey(key), message);
}

/**
 * The signature of a canonical request: hex(HMAC(hex(HMAC(secret, prefix)), canonicalRequest)).
 * With a cache, the signing key of `prefix` (and the secret's CryptoKey) are reused; concurrent
 * requests share one derivation.
 */
export async function signCanonical(
  secretAccessKey: string,
  prefix: string,
  canonicalRequest: string,
  cache?: SigningKeyCache,
): Promise<string> {
  if (cache === undefined) return macHex(await importKey(await hmacHex(secretAccessKey, prefix)), canonicalRequest);
  const store = cacheInternals(cache);
  let key = store.get(prefix, secretAccessKey) as Promise<CryptoKey> | undefined;
  if (key === undefined) {
    let secret = store.secretState(secretAccessKey) as Promise<CryptoKey> | undefined;
    if (secret === undefined) {
      secret = importKey(secretAccessKey);
      store.setSecretState(secretAccessKey, secret);
    }
    const from = secret;
    const derived = from.then((k) => macHex(k, prefix)).then(importKey);
    key = derived;
    store.set(prefix, secretAccessKey, derived);
    // A failed derivation is not kept: the next request tries again.
    derived.catch(() => {
      store.delete(prefix, derived);
      store.forgetSecretState(from);
    });
  }
  return macHex(key, canonicalRequest);
}
