import { BceValidationError } from "../errors.js";

/** The adminPass rules of BEC and BCC: 8 to 32 characters; letters, digits and symbols; symbols only `!@#$%^+*()` (BEC) or `!@#$%^*()` (BCC). */
export type AdminPassRule = "length" | "allowedCharacters" | "letter" | "digit" | "symbol";

/** A password breaks a policy rule. The message names the rule and never contains the password. */
export class PasswordPolicyError extends BceValidationError {
  override readonly name = "PasswordPolicyError";
  declare readonly rule: AdminPassRule;
  constructor(rule: AdminPassRule, message: string, field = "adminPass") {
    super(field, rule, message);
  }
}
