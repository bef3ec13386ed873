// HMAC-SHA256 on node:crypto, synchronous: the `node` branch of `#hmac` (package.json `imports`).
// Deno and Bun resolve the `node` condition too, so what node:crypto offers is detected at load:
// the one-shot `crypto.hash` (Node 20.12+) over key pads computed once per key, measured faster
// than `createHmac`, or `createHmac` where `hash` is missing.
import { Buffer } from "node:buffer";
import * as nodeCrypto from "node:crypto";
import { assertHmacKey, cacheInternals, type SigningKeyCache } from "./key-cache.js";

/** Which implementation this branch is, for tests and benchmarks. */
export const HMAC_BRANCH = "node:crypto" as const;

type Hash = (algorithm: string, data: string | Uint8Array, outputEncoding: "hex" | "latin1") => string;
const oneShot = (nodeCrypto as { hash?: unknown }).hash;
const hash = typeof oneShot === "function" ? (oneShot as Hash) : undefined;

/**
 * A key ready to MAC with, as RFC 2104 defines HMAC: its inner pad, and a 96-byte buffer holding
 * its outer pad with room for the inner digest. For an ASCII key of at most 64 bytes (every
 * signing key, and secret keys as issued) the inner pad is ASCII text too, so the message is
 * appended as a string and node:crypto encodes both at once. Without `crypto.hash`, the key
 * itself, for `createHmac`.
 */
interface Pads {
  readonly inner: string | Buffer;
  readonly outer: Buffer;
}
type KeyState = Pads | string;

const BLOCK = 64;
const ASCII_UPTO_BLOCK = /^[\0-\x7f]{1,64}$/;
const scratch = Buffer.alloc(BLOCK);

function keyState(key: string): KeyState {
  assertHmacKey(key);
  if (hash === undefined) return key;
  const outer = Buffer.allocUnsafe(BLOCK + 32);
  scratch.fill(0);
  if (ASCII_UPTO_BLOCK.test(key)) scratch.write(key, "latin1");
  else {
    // Any other key: its UTF-8 bytes, hashed first when longer than a block.
    const bytes = Buffer.from(key, "utf8");
    if (bytes.length > BLOCK) scratch.write(hash("sha256", bytes, "latin1"), "latin1");
    else bytes.copy(scratch);
  }
  let ascii = true;
  for (let i = 0; i < BLOCK; i++) {
    const byte = scratch[i]!;
    outer[i] = byte ^ 0x5c;
    scratch[i] = byte ^ 0x36;
    if (byte >= 0x80) ascii = false;
  }
  return { inner: ascii ? scratch.toString("latin1", 0, BLOCK) : Buffer.from(scratch), outer };
}

function mac(state: Pads, message: string, encoding: "hex" | "latin1"): string {
  const { inner, outer } = state;
  const data = typeof inner === "string" ? inner + message : Buffer.concat([inner, Buffer.from(message, "utf8")]);
  // The inner digest goes into the outer buffer as latin1 text (one byte per character), the
  // cheapest way out of node:crypto. Signing is synchronous: no other call uses `outer` meanwhile.
  outer.write(hash!("sha256", data, "latin1"), BLOCK, "latin1");
  return hash!("sha256", outer, encoding);
}

function macHex(state: KeyState, message: string): string {
  if (typeof state === "string") return nodeCrypto.createHmac("sha256", state).update(message).digest("hex");
  return mac(state, message, "hex");
}

// The signing key is the 64 hex characters of a digest: exactly one block, ASCII. Its pads are
// built from the digest's bytes through these tables, with no hex text made in between.
const HEX = "0123456789abcdef";
const INNER_PAIR = Array.from({ length: 256 }, (_, b) =>
  String.fromCharCode(HEX.charCodeAt(b >> 4) ^ 0x36, HEX.charCodeAt(b & 15) ^ 0x36),
);
const OUTER_HIGH = Uint8Array.from({ length: 256 }, (_, b) => HEX.charCodeAt(b >> 4) ^ 0x5c);
const OUTER_LOW = Uint8Array.from({ length: 256 }, (_, b) => HEX.charCodeAt(b & 15) ^ 0x5c);

/** The state of the signing key hex(HMAC(secret, prefix)). */
function signingKeyState(secret: KeyState, prefix: string): KeyState {
  if (typeof secret === "string") return keyState(macHex(secret, prefix));
  const digest = mac(secret, prefix, "latin1");
  const outer = Buffer.allocUnsafe(BLOCK + 32);
  let inner = "";
  for (let i = 0; i < 32; i++) {
    const byte = digest.charCodeAt(i);
    inner += INNER_PAIR[byte]!;
    outer[2 * i] = OUTER_HIGH[byte]!;
    outer[2 * i + 1] = OUTER_LOW[byte]!;
  }
  return { inner, outer };
}

/** hex(HMAC-SHA256(key, message)), synchronously. */
export function hmacHex(key: string, message: string): string {
  return macHex(keyState(key), message);
}

/**
 * The signature of a canonical request: hex(HMAC(hex(HMAC(secret, prefix)), canonicalRequest)),
 * synchronously. With a cache, the signing key of `prefix` (and the secret's pads) are reused.
 */
export function signCanonical(
  secretAccessKey: string,
  prefix: string,
  canonicalRequest: string,
  cache?: SigningKeyCache,
): string {
  if (cache === undefined) return macHex(signingKeyState(keyState(secretAccessKey), prefix), canonicalRequest);
  const store = cacheInternals(cache);
  let key = store.get(prefix, secretAccessKey) as KeyState | undefined;
  if (key === undefined) {
    let secret = store.secretState(secretAccessKey) as KeyState | undefined;
    if (secret === undefined) store.setSecretState(secretAccessKey, (secret = keyState(secretAccessKey)));
    key = signingKeyState(secret, prefix);
    store.set(prefix, secretAccessKey, key);
  }
  return macHex(key, canonicalRequest);
}
