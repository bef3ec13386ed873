// userData as BEC expects it (the spec's VmInstanceReinstallRequest.userData):
// base64("user_injected_data: " + base64(UTF-8 text)).
// TextEncoder + btoa/atob on binary strings: Web APIs only, so it runs in browsers and edge runtimes.
import { toBase64 } from "../hex.js";

const PREFIX = "user_injected_data: ";
// Whole quads (the length checked apart): a group repeated per quad overflowed V8's regexp stack
// on a userData of some megabytes, a RangeError instead of an answer.
const BASE64_TEXT = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const isBase64 = (text: string): boolean => text.length % 4 === 0 && BASE64_TEXT.test(text);

/** Whether `text` holds a surrogate with no partner (the u flag reads a pair as one code point): not valid Unicode. */
export const hasLoneSurrogate = (text: string): boolean => /\p{Surrogate}/u.test(text);

export function encodeUserData(text: string): string {
  if (typeof text !== "string") throw new TypeError("userData must be a string");
  if (hasLoneSurrogate(text)) throw new TypeError("userData contains a lone surrogate, which is not valid Unicode");
  if (encodedUserDataLength(text) > MAX_ENCODED_USER_DATA)
    throw new RangeError(`userData is too long: encoded, it would be more than ${MAX_ENCODED_USER_DATA} characters`);
  return userDataOf(text);
}

/**
 * The most characters the encoded userData may have: half of V8's longest string (2^29 - 24), so
 * that the body holding it can still be written as JSON. btoa over a longer one was a fatal V8 error, not a throw.
 */
export const MAX_ENCODED_USER_DATA = 2 ** 28;

/** The length of `text` in UTF-8 (without a lone surrogate): 1 to 3 bytes per UTF-16 unit, a surrogate pair's 4 being 2 per unit. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) bytes += unit < 0x800 || (unit >= 0xd800 && unit < 0xe000) ? 1 : 2;
  }
  return bytes;
}

/**
 * The length of userData once encoded (base64 twice, with the prefix); for a text too short for
 * MAX_ENCODED_USER_DATA to matter, an upper bound of it (its bytes not counted: 3 per unit).
 */
export function encodedUserDataLength(text: string): number {
  const bytes = text.length * 3 > MAX_ENCODED_USER_DATA / 2 ? utf8Length(text) : text.length * 3;
  const base64 = (n: number) => 4 * Math.ceil(n / 3);
  return base64(PREFIX.length + base64(bytes));
}

/**
 * encodeUserData after its checks: for a string without a lone surrogate (the userData transform's,
 * whose prepare step has refused one).
 */
export function userDataOf(text: string): string {
  return btoa(PREFIX + toBase64(new TextEncoder().encode(text)));
}

export function decodeUserData(encoded: string): string {
  if (typeof encoded !== "string" || !isBase64(encoded)) throw new TypeError("userData is not valid base64");
  const outer = atob(encoded);
  if (!outer.startsWith(PREFIX)) throw new TypeError(`userData does not start with "${PREFIX}"`);
  const inner = outer.slice(PREFIX.length);
  if (!isBase64(inner)) throw new TypeError("userData payload after the prefix is not valid base64");
  try {
    // A leading U+FEFF is text the encoder wrote as such: kept, not taken for a byte-order mark.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(binaryToBytes(atob(inner)));
  } catch {
    throw new TypeError("userData payload is not valid UTF-8");
  }
}

function binaryToBytes(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
