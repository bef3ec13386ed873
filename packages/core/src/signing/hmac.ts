// HMAC-SHA256 comes from `#hmac` (package.json `imports`): node:crypto where the runtime resolves
// the `node` condition (synchronous), Web Crypto everywhere else (asynchronous). No HMAC is
// written in JavaScript here.
import { hmacHex } from "#hmac";

/** `bce-auth-v1/{ak}/{timestamp}/{expirationInSeconds}`: the message of the signing-key step. */
/** The rule of `expirationInSeconds`, as the signer and the verifier both state it. */
export const EXPIRATION_RULE = "expirationInSeconds must be a positive integer of at most 2^53 - 1 (9007199254740991)";

export function authStringPrefix(accessKeyId: string, timestamp: string, expirationInSeconds: number): string {
  return `bce-auth-v1/${accessKeyId}/${timestamp}/${expirationInSeconds}`;
}

/** signingKey = hex(HMAC-SHA256(SK, authStringPrefix)); the hex text is the next step's key. */
export async function deriveSigningKey(secretAccessKey: string, authStringPrefix: string): Promise<string> {
  return hmacHex(secretAccessKey, authStringPrefix);
}

/** signature = hex(HMAC-SHA256(signingKey, canonicalRequest)). */
export async function computeSignature(signingKey: string, canonicalRequest: string): Promise<string> {
  return hmacHex(signingKey, canonicalRequest);
}

/** Compares two hex signatures in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
