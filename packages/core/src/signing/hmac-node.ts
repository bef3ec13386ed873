// HMAC-SHA256 on node:crypto, synchronous: the `node` branch of `#hmac` (package.json `imports`).
// Deno and Bun resolve the `node` condition too, so what node:crypto offers is detected at load:
// the one-shot `crypto.hash` (Node 20.12+) over key pads computed once per key, measured faster
// than `createHmac`, or `createHmac` where `hash` is missing.
import { Buffer } from "node:buffer";
import * as nodeCrypto from "node:crypto";
import { assertHmacKey, cacheInternals, type KeyStore, type SigningKeyCache } from "./key-cache.js";

/** Which implementation this branch is, for tests and benchmarks. */
export const HMAC_BRANCH = "node:crypto" as const;

type Hash = (algorithm: string, data: string | Uint8Array, outputEncoding: "hex" | "latin1") => string;
const oneShot = (nodeCrypto as { hash?: unknown }).hash;
const hash = typeof oneShot === "function" ? (oneShot as Hash) : undefined;

/**
 * A key ready to MAC with, as RFC 2104 defines HMAC: its inner and outer pads. The outer pad is
 * latin1 text (one character per byte). So is the inner pad when the key's bytes are ASCII (every
 * signing key, and secret keys as issued): the message is then appended as a string, and
 * node:crypto encodes both at once; otherwise it is bytes. Pads are plain strings, cheap to keep
 * and to collect. Without `crypto.hash`, the key itself, for `createHmac`.
 */
interface Pads {
  readonly inner: string | Buffer;
  readonly outer: string;
}
type KeyState = Pads | string;

const BLOCK = 64;
const ASCII_UPTO_BLOCK = /^[\0-\x7f]{1,64}$/;
const scratch = Buffer.alloc(BLOCK);
// Outer pad and inner digest, hashed together. Signing is synchronous: nothing else writes here meanwhile.
const outerBlock = Buffer.alloc(BLOCK + 32);

function keyState(key: string): KeyState {
  assertHmacKey(key);
  if (hash === undefined) return key;
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
    outerBlock[i] = byte ^ 0x5c;
    scratch[i] = byte ^ 0x36;
    if (byte >= 0x80) ascii = false;
  }
  return {
    inner: ascii ? scratch.toString("latin1", 0, BLOCK) : Buffer.from(scratch),
    outer: outerBlock.toString("latin1", 0, BLOCK),
  };
}

function mac(state: Pads, message: string, encoding: "hex" | "latin1"): string {
  const { inner, outer } = state;
  const data = typeof inner === "string" ? inner + message : Buffer.concat([inner, Buffer.from(message, "utf8")]);
  // The inner digest comes out of node:crypto as latin1 text, the cheapest way out, and goes in
  // after the outer pad with one write.
  outerBlock.write(outer + hash!("sha256", data, "latin1"), 0, "latin1");
  return hash!("sha256", outerBlock, encoding);
}

function macHex(state: KeyState, message: string): string {
  if (typeof state === "string") return nodeCrypto.createHmac("sha256", state).update(message).digest("hex");
  return mac(state, message, "hex");
}

// The signing key is the 64 hex characters of a digest: exactly one block, ASCII. Its pads are
// built from the digest's bytes, with no hex text made in between.
const HEX = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const innerCodes: number[] = new Array<number>(BLOCK).fill(0);
const outerCodes: number[] = new Array<number>(BLOCK).fill(0);

/** The state of the signing key hex(HMAC(secret, prefix)). */
function signingKeyState(secret: KeyState, prefix: string): KeyState {
  if (typeof secret === "string") return keyState(macHex(secret, prefix));
  const digest = mac(secret, prefix, "latin1");
  for (let i = 0; i < 32; i++) {
    const byte = digest.charCodeAt(i);
    const high = HEX[byte >> 4]!;
    const low = HEX[byte & 15]!;
    innerCodes[2 * i] = high ^ 0x36;
    innerCodes[2 * i + 1] = low ^ 0x36;
    outerCodes[2 * i] = high ^ 0x5c;
    outerCodes[2 * i + 1] = low ^ 0x5c;
  }
  return { inner: String.fromCharCode.apply(null, innerCodes), outer: String.fromCharCode.apply(null, outerCodes) };
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
  cache?: SigningKeyCache | KeyStore,
): string {
  if (cache === undefined) return macHex(signingKeyState(keyState(secretAccessKey), prefix), canonicalRequest);
  const store = cacheInternals(cache);
  const key = store.key(prefix, secretAccessKey, () =>
    signingKeyState(
      store.key("", secretAccessKey, () => keyState(secretAccessKey)),
      prefix,
    ),
  );
  return macHex(key, canonicalRequest);
}
