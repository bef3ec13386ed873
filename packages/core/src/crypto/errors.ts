import { BceValidationError } from "../errors.js";

/**
 * The rules an adminPass can break: its length, characters outside the allowed set, and a missing
 * letter, digit or symbol (BEC's rule), or fewer than three of upper-case letters, lower-case letters,
 * digits and symbols (`classes`, BCC's rule). Each service's limits and symbols are the spec's
 * (generated from it); a PasswordPolicyError's message names them.
 */
export type AdminPassRule = "length" | "allowedCharacters" | "letter" | "digit" | "symbol" | "classes";

/** A password breaks a policy rule. The message names the rule and never contains the password. */
export class PasswordPolicyError extends BceValidationError {
  override readonly name = "PasswordPolicyError" as const;
  declare readonly rule: AdminPassRule;
  constructor(rule: AdminPassRule, message: string, field = "adminPass") {
    super(field, rule, message);
  }
}
