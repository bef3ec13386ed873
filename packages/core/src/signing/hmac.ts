// HMAC-SHA256 on @noble/hashes (audited, pure JS, synchronous): runs the same in browsers, edge
// runtimes and Node 20, with no `node:` imports. Synchronous hashing lets the HMAC state of a
// signing key be computed once and cloned per request, which Web Crypto's async API cannot do.
import { hmac, type _HMAC } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

const utf8 = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * The clients run where Web Crypto is (browsers, edge runtimes, Node 20): they draw idempotency
 * tokens and encrypt passwords with it. Signing keeps failing clearly where it is missing, as
 * it always has, instead of working in a runtime the rest of the client cannot run in.
 */
function requireWebCrypto(): void {
  if (!globalThis.crypto?.subtle) throw new Error('Web Crypto (globalThis.crypto.subtle) is not available in this runtime');
}

type Mac = _HMAC<any>;

/** HMAC-SHA256 with `secret` as key, its inner and outer state computed once. */
function macOf(secret: string): Mac {
  requireWebCrypto();
  if (secret === '') throw new TypeError('an HMAC key must not be empty');
  return hmac.create(sha256, utf8.encode(secret));
}

// One scratch HMAC the cached state is copied into for each message: hashing is synchronous, so
// nothing else can use it between the copy and the digest, and no hash objects are allocated.
let scratch: Mac | undefined;

function hexMac(mac: Mac, message: string): string {
  scratch = mac._cloneInto(scratch);
  const bytes = scratch.update(utf8.encode(message)).digest();
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]!];
  return hex;
}

/** `bce-auth-v1/{ak}/{timestamp}/{expirationInSeconds}`: the message of the signing-key step. */
export function authStringPrefix(accessKeyId: string, timestamp: string, expirationInSeconds: number): string {
  return `bce-auth-v1/${accessKeyId}/${timestamp}/${expirationInSeconds}`;
}

/** signingKey = hex(HMAC-SHA256(SK, authStringPrefix)); the hex text is the next step's key. */
export async function deriveSigningKey(secretAccessKey: string, authStringPrefix: string): Promise<string> {
  return hexMac(macOf(secretAccessKey), authStringPrefix);
}

/** signature = hex(HMAC-SHA256(signingKey, canonicalRequest)). */
export async function computeSignature(signingKey: string, canonicalRequest: string): Promise<string> {
  return hexMac(macOf(signingKey), canonicalRequest);
}

// The signing key depends only on (SK, ak, timestamp, expiration): it changes at most once a
// second per access key, so its HMAC state is reused for every request signed or verified in
// that second. A small LRU bounds memory when a verifier sees many keys or timestamps.
const MAX_CACHED_KEYS = 32;
const signingKeys = new Map<string, Mac>();

let last: { secretAccessKey: string; prefix: string; key: Mac } | undefined;

function cachedSigningKey(secretAccessKey: string, prefix: string): Mac {
  // Most calls sign with the key of the call before: already the most recently used entry.
  if (last && last.prefix === prefix && last.secretAccessKey === secretAccessKey) return last.key;
  const id = `${prefix}\n${secretAccessKey}`;
  let key = signingKeys.get(id);
  if (key) {
    signingKeys.delete(id); // re-insert: Map order is the LRU order
  } else {
    key = macOf(hexMac(macOf(secretAccessKey), prefix));
    if (signingKeys.size >= MAX_CACHED_KEYS) signingKeys.delete(signingKeys.keys().next().value as string);
  }
  signingKeys.set(id, key);
  last = { secretAccessKey, prefix, key };
  return key;
}

/** Signature of a canonical request with the (cached) signing key of `prefix`; synchronous. */
export function signCanonicalRequestSync(secretAccessKey: string, prefix: string, canonicalRequest: string): string {
  return hexMac(cachedSigningKey(secretAccessKey, prefix), canonicalRequest);
}

/** Signature of a canonical request with the (cached) signing key of `prefix`. */
export async function signCanonicalRequest(
  secretAccessKey: string,
  prefix: string,
  canonicalRequest: string,
): Promise<string> {
  return signCanonicalRequestSync(secretAccessKey, prefix, canonicalRequest);
}

/** Compares two hex signatures in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
