import { webCrypto } from "../errors.js";
import { toHex } from "../hex.js";
import { PasswordPolicyError, type AdminPassRule } from "./errors.js";
import { hasLoneSurrogate } from "./user-data.js";
import { PASSWORD_POLICIES } from "../generated/password-policies.js";

/**
 * The password rules by service, generated from the spec (scripts/password-policies.mjs): BEC's
 * `AdminPassword` schema, and BCC's `x-bce-plaintext` of `adminPass` (the password before encryption).
 */
const POLICIES: Readonly<
  Record<AdminPassService, { minLength: number; maxLength: number; symbols: string; classes?: number }>
> = PASSWORD_POLICIES;

/** The service whose password rules apply. */
export type AdminPassService = keyof typeof PASSWORD_POLICIES;

/** The first adminPass rule the password breaks, or undefined when it is acceptable. */
export function adminPassPolicyViolation(
  password: string,
  service: AdminPassService = "bec",
): AdminPassRule | undefined {
  const { minLength, maxLength, symbols, classes } = POLICIES[service];
  // Code points, as a user counts characters; past twice the most, more than the most (a string of
  // megabytes is not spread into an array).
  const length = password.length > 2 * maxLength ? password.length : [...password].length;
  if (length < minLength || length > maxLength) return "length";
  const held = kindsHeld(password, symbols);
  if (held & 8) return "allowedCharacters";
  // BCC's: three kinds of the four, whichever they are.
  if (classes) return [1, 16, 2, 4].filter((kind) => held & kind).length < classes ? "classes" : undefined;
  if (!(held & 17)) return "letter";
  if (!(held & 2)) return "digit";
  if (!(held & 4)) return "symbol";
  return undefined;
}

/**
 * The kinds of character a password holds: 1 an upper-case letter, 16 a lower-case one, 2 a digit,
 * 4 one of `symbols`, 8 anything else.
 */
function kindsHeld(password: string, symbols: string): number {
  let held = 0;
  for (const c of password)
    held |= /[A-Z]/.test(c) ? 1 : /[a-z]/.test(c) ? 16 : /[0-9]/.test(c) ? 2 : symbols.includes(c) ? 4 : 8;
  return held;
}

/**
 * Throws a PasswordPolicyError naming the field and the first broken rule of the service's
 * policy (its message names every kind of character missing): BEC's (the default) or BCC's (three
 * kinds of characters of four). The service comes third: a
 * field named "bec" or "bcc" is refused with a TypeError.
 */
export function checkAdminPassPolicy(password: string, field = "adminPass", service: AdminPassService = "bec"): void {
  // A plain function's arguments, checked as encryptAdminPass checks its own: a TypeError naming the
  // argument, never the value (the password's, or one given in the service's place).
  if (typeof password !== "string") throw new TypeError("password must be a string");
  if (typeof field !== "string") throw new TypeError("field must be a string");
  // `checkAdminPassPolicy(password, "bcc")` would check BEC's rule under a field named "bcc".
  if (Object.hasOwn(POLICIES, field))
    throw new TypeError(
      `field is "${field}", a service: pass the service third, as (password, "adminPass", "${field}")`,
    );
  if (!Object.hasOwn(POLICIES, service)) throw new TypeError('service must be "bec" or "bcc"');
  refusePassword(password, field, service);
}

/**
 * checkAdminPassPolicy after its checks of its arguments: for a string and a service the caller
 * names (the password transforms, which pass only strings).
 */
export function refusePassword(password: string, field: string, service: AdminPassService): void {
  const rule = adminPassPolicyViolation(password, service);
  if (!rule) return;
  const { minLength, maxLength, symbols, classes } = POLICIES[service];
  // BEC's kinds: every one missing is named at once ("abcdefgh" lacks a digit and a symbol), not
  // one per attempt; `rule` names the first. (Only then is the password read again: one refused for
  // its length may be megabytes long.)
  const missing = () => {
    const held = kindsHeld(password, symbols);
    return [!(held & 17) && "one letter", !(held & 2) && "one digit", !(held & 4) && `one of the symbols ${symbols}`]
      .filter(Boolean)
      .join(" and ");
  };
  const message =
    {
      length: `must be ${minLength} to ${maxLength} characters long`,
      allowedCharacters: `may contain only letters A-Z a-z, digits 0-9 and the symbols ${symbols}`,
      classes: `must contain at least ${classes} of: upper-case letters, lower-case letters, digits, the symbols ${symbols}`,
    }[rule as string] ?? `must contain at least ${missing()}`;
  throw new PasswordPolicyError(rule, message, field);
}

/**
 * Encrypts an adminPass for transmission as BCC expects: AES-128-ECB, key = the first 16
 * characters of the secret access key, PKCS#7 padding over the UTF-8 bytes, lowercase hex.
 */
export async function encryptAdminPass(password: string, secretAccessKey: string): Promise<string> {
  assertAdminPass(password);
  if (typeof secretAccessKey !== "string" || secretAccessKey.length < 16) {
    throw new TypeError("secretAccessKey must be at least 16 characters to encrypt adminPass");
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  if (!/^[\x00-\x7f]+$/.test(secretAccessKey))
    throw new TypeError("secretAccessKey must be ASCII to encrypt adminPass");
  return encryptWithKey(password, secretAccessKey);
}

/** The first check encryptAdminPass makes. */
export function assertAdminPass(password: unknown): void {
  if (typeof password !== "string" || password === "") throw new TypeError("adminPass must be a non-empty string");
  // UTF-8 carries a lone surrogate as U+FFFD: the instance would get a password no one could type.
  if (hasLoneSurrogate(password))
    throw new TypeError("adminPass contains a lone surrogate, which is not valid Unicode");
}

/**
 * encryptAdminPass after its checks: for a password assertAdminPass accepts and a secret access key
 * of at least 16 ASCII characters (the adminPass transform's, whose keys checkCredentials has
 * checked: printable ASCII).
 */
export async function encryptWithKey(password: string, secretAccessKey: string): Promise<string> {
  const { subtle } = webCrypto("subtle");
  const keyBytes = new TextEncoder().encode(secretAccessKey.slice(0, 16));
  const key = await subtle.importKey("raw", keyBytes, { name: "AES-CBC" }, false, ["encrypt"]);

  const plain = pkcs7Pad(new TextEncoder().encode(password));
  // Web Crypto has no ECB. CBC with a zero IV encrypts its first block as E(block XOR 0) =
  // E(block), which is exactly the ECB block; the second block CBC appends is its own padding,
  // dropped. Blocks do not chain in ECB, so each is encrypted on its own.
  const zeroIv = new Uint8Array(16);
  const blocks = await Promise.all(
    Array.from({ length: plain.length / 16 }, async (_, i) => {
      const out = await subtle.encrypt({ name: "AES-CBC", iv: zeroIv }, key, plain.subarray(i * 16, i * 16 + 16));
      return new Uint8Array(out, 0, 16);
    }),
  );
  return blocks.map(toHex).join("");
}

/** PKCS#7 to 16-byte blocks: always adds 1 to 16 bytes, a whole block when already aligned. */
function pkcs7Pad(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const pad = 16 - (data.length % 16);
  const out = new Uint8Array(data.length + pad);
  out.set(data);
  out.fill(pad, data.length);
  return out;
}
