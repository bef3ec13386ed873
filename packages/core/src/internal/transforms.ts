/**
 * What each `x-bce-transform` of the spec does to a body property before it is sent. A generated
 * client passes callOperation only the transforms its operations name.
 */
import { CredentialsError, type Credentials } from "../credentials.js";
import { adminPassPolicyViolation, encryptWithKey, refusePassword } from "../crypto/admin-pass.js";
import { PasswordPolicyError } from "../crypto/errors.js";
import { encodedUserDataLength, hasLoneSurrogate, MAX_ENCODED_USER_DATA, userDataOf } from "../crypto/user-data.js";
import { BceValidationError } from "../errors.js";
import { childPath } from "./check-runtime.js";

/** What one `x-bce-transform` kind does; a client's runtime maps each kind its operations name to one. */
export interface Transform {
  /** Checks of the caller's value made before credentials are asked for (never with the value in a message). */
  prepare?(value: unknown, field: string): void;
  /** The value to send instead (called for present values only). */
  apply?(value: unknown, credentials: Credentials, field: string): unknown;
  /**
   * What is put in the caller's value's place when the body is checked before credentials are
   * asked for: a value of the form `apply` makes, or the one it will send when it is known already
   * (`{ encrypted }`'s ciphertext); what `apply` makes is checked once it is made.
   */
  standIn?(value: unknown): unknown;
  /**
   * A value `prepare` takes, checked in place of one it refused, so that the body's other problems
   * are told first; without one, what `prepare` refuses is told at once.
   */
  readonly accepted?: string;
}

/** A password both services' policies take, in place of one they refuse (the tests hold it to them). */
export const ACCEPTED_PASSWORD = "Aa1!Aa1!";

/** Plain text in, BEC's `base64("user_injected_data: " + base64(text))` out. */
export const encodeUserDataTransform: Transform = {
  prepare(value, field) {
    if (typeof value !== "string") return;
    if (hasLoneSurrogate(value))
      throw new BceValidationError(field, "format", "holds a lone surrogate, which is not valid Unicode");
    // An upper bound unless the text is long enough for it to matter (see encodedUserDataLength).
    if (encodedUserDataLength(value) > MAX_ENCODED_USER_DATA)
      throw new BceValidationError(
        field,
        "maxLength",
        `is too long: encoded, it would be more than ${MAX_ENCODED_USER_DATA} characters`,
      );
  },
  // encodeUserData without its checks: a string here holds no lone surrogate (prepare refused one).
  apply: (value) => (typeof value === "string" ? userDataOf(value) : value),
};

/** A plain-text password sent as it is, once the password policy passes. */
export const checkPasswordPolicyTransform: Transform = {
  prepare(value, field) {
    if (typeof value === "string") refusePassword(value, field, "bec");
  },
  accepted: ACCEPTED_PASSWORD,
};

type Encrypted = { encrypted: string };

/** A plain-text password (checked by BCC's policy) sent AES-encrypted under the secret access key; `{ encrypted }` as it is. */
export const encryptAdminPassTransform: Transform = {
  prepare(value, field) {
    if (typeof value === "string") {
      // A ciphertext given as the password (AES blocks in hex): say how a ciphertext goes.
      // (No repeated group: V8's regexp stack overflows on one repeated over some megabytes.)
      const rule = value.length % 32 === 0 && /^[0-9a-fA-F]+$/.test(value) && adminPassPolicyViolation(value, "bcc");
      if (rule) throw new PasswordPolicyError(rule, "looks like a ciphertext: give one as { encrypted }", field);
      refusePassword(value, field, "bcc");
    } else if (value !== undefined && value !== null) {
      // Neither form: named at the field the caller wrote, with both forms it takes.
      if (typeof value !== "object" || Array.isArray(value))
        throw new BceValidationError(
          field,
          "type",
          "must be the password as a string, or { encrypted } with its ciphertext",
        );
      // A misspelt `encrypted` (or a plain password beside it) would go unnoticed: the wrapper
      // sends its ciphertext alone.
      const other = Object.keys(value).find((key) => key !== "encrypted");
      if (other !== undefined)
        throw new BceValidationError(
          childPath(field, other),
          "additionalProperties",
          "is not allowed (unknown property): { encrypted } holds the ciphertext alone",
        );
      if (typeof (value as { encrypted?: unknown }).encrypted !== "string")
        throw new BceValidationError(`${field}.encrypted`, "type", "must be the ciphertext as a hex string");
    }
  },
  accepted: ACCEPTED_PASSWORD,
  // A password's ciphertext is checked with a stand-in, the ciphertext of one of up to 15 bytes: one
  // AES block, as lowercase hex (a literal: a call here would keep this transform in bundles that do
  // not use it). `{ encrypted }`'s is sent as it is, so checked itself before any key is asked for.
  standIn: (value) => (typeof value === "string" ? "00000000000000000000000000000000" : (value as Encrypted).encrypted),
  async apply(value, credentials) {
    if (typeof value !== "string") return (value as Encrypted).encrypted;
    if (credentials.secretAccessKey.length < 16) {
      // The key's first 16 characters are the AES key; BCE keys are longer than that.
      throw new CredentialsError("secretAccessKey is shorter than 16 characters, too short to encrypt adminPass");
    }
    // encryptAdminPass, without its checks: of the key, which checked credentials (printable ASCII)
    // pass, and of the password, which prepare has checked (a string of 8 to 32 characters, and no
    // lone surrogate, which the call refuses anywhere in a body).
    return encryptWithKey(value, credentials.secretAccessKey);
  },
};
