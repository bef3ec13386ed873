// src/generated/password-policies.ts, from the spec (scripts/generate.mjs writes it): the adminPass
// rules the clients apply before sending, BEC's `AdminPassword` schema and the `x-bce-plaintext` of
// BCC's `adminPass` (the password before it is encrypted). The spec states them; core states none
// of its own.

/**
 * A password schema as core applies it: a length in code points and a pattern that asks for a
 * letter, a digit and a symbol, and allows letters, digits and the symbols only. Any other form
 * fails the build, naming the schema: core's check would no longer be the spec's.
 */
function policy(schema, where) {
  const { minLength, maxLength, pattern } = schema ?? {};
  const form =
    /^\^\(\?=\.\*\[A-Za-z\]\)\(\?=\.\*\[0-9\]\)\(\?=\.\*\[([^\]]+)\]\)\[A-Za-z0-9([^\]]+)\]\{(\d+),(\d+)\}\$$/.exec(
      pattern ?? "",
    );
  if (!form || form[1] !== form[2] || Number(form[3]) !== minLength || Number(form[4]) !== maxLength)
    throw new Error(
      `${where}: expected minLength, maxLength and a pattern ^(?=.*[A-Za-z])(?=.*[0-9])(?=.*[symbols])[A-Za-z0-9symbols]{min,max}$`,
    );
  return { minLength, maxLength, symbols: form[1].replace(/\\(.)/g, "$1") };
}

/** The module's text, from the bundles `{ bec, bcc }`. */
export function passwordPolicies({ bec, bcc }) {
  const policies = {
    bec: policy(bec.components.schemas.AdminPassword, "bec.json AdminPassword"),
    bcc: policy(
      bcc.components.schemas.RebuildInstanceRequest.properties.adminPass["x-bce-plaintext"],
      "bcc.json RebuildInstanceRequest.adminPass x-bce-plaintext",
    ),
  };
  return `// Generated from @bce-openapi/spec by scripts/password-policies.mjs: do not edit.
/** The adminPass rules by service: BEC's AdminPassword schema, BCC's adminPass x-bce-plaintext. */
export const PASSWORD_POLICIES = ${JSON.stringify(policies, null, 2)} as const;
`;
}
