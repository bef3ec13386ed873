// HMAC-SHA256 on Web Crypto only (browsers, edge runtimes, Node 20): no `node:` imports here.

const utf8 = new TextEncoder();

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('Web Crypto (globalThis.crypto.subtle) is not available in this runtime');
  return s;
}

function toHex(buffer: ArrayBuffer): string {
  let hex = '';
  for (const byte of new Uint8Array(buffer)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function importHmacKey(secret: string): Promise<CryptoKey> {
  if (secret === '') throw new TypeError('an HMAC key must not be empty');
  return subtle().importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

async function hmacHex(key: CryptoKey, message: string): Promise<string> {
  return toHex(await subtle().sign('HMAC', key, utf8.encode(message)));
}

/** `bce-auth-v1/{ak}/{timestamp}/{expirationInSeconds}`: the message of the signing-key step. */
export function authStringPrefix(accessKeyId: string, timestamp: string, expirationInSeconds: number): string {
  return `bce-auth-v1/${accessKeyId}/${timestamp}/${expirationInSeconds}`;
}

/** signingKey = hex(HMAC-SHA256(SK, authStringPrefix)); the hex text is the next step's key. */
export async function deriveSigningKey(secretAccessKey: string, authStringPrefix: string): Promise<string> {
  return hmacHex(await importHmacKey(secretAccessKey), authStringPrefix);
}

/** signature = hex(HMAC-SHA256(signingKey, canonicalRequest)). */
export async function computeSignature(signingKey: string, canonicalRequest: string): Promise<string> {
  return hmacHex(await importHmacKey(signingKey), canonicalRequest);
}

// The signing key depends only on (SK, ak, timestamp, expiration): it changes at most once a
// second per access key, so the imported key is reused for every request signed or verified in
// that second. A small LRU bounds memory when a verifier sees many keys or timestamps.
const MAX_CACHED_KEYS = 32;
const signingKeys = new Map<string, Promise<CryptoKey>>();

function cachedSigningKey(secretAccessKey: string, prefix: string): Promise<CryptoKey> {
  const id = `${prefix}\n${secretAccessKey}`;
  let key = signingKeys.get(id);
  if (key) {
    signingKeys.delete(id); // re-insert: Map order is the LRU order
  } else {
    key = deriveSigningKey(secretAccessKey, prefix).then(importHmacKey);
    key.catch(() => signingKeys.delete(id));
    if (signingKeys.size >= MAX_CACHED_KEYS) signingKeys.delete(signingKeys.keys().next().value as string);
  }
  signingKeys.set(id, key);
  return key;
}

/** Signature of a canonical request with the (cached) signing key of `prefix`. */
export async function signCanonicalRequest(
  secretAccessKey: string,
  prefix: string,
  canonicalRequest: string,
): Promise<string> {
  return hmacHex(await cachedSigningKey(secretAccessKey, prefix), canonicalRequest);
}

/** Compares two hex signatures in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
