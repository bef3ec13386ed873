// src/generated/password-policies.ts, from the spec (scripts/generate.mjs writes it): the adminPass
// rules the clients apply before sending, BEC's `AdminPassword` schema and the `x-bce-plaintext` of
// BCC's `adminPass` (the password before it is encrypted). The spec states them; core states none
// of its own.

/** Symbols as a character class holds them, and back. */
const escapeClass = (text) => text.replace(/[\\\][-]/g, "\\$&");
const unescapeClass = (text) => text.replace(/\\(.)/g, "$1");

/**
 * A password schema as core applies it: a length in code points and a pattern of one of two forms.
 * Either it asks for a letter, a digit and a symbol (`classes` absent), or for at least three of
 * upper-case letters, lower-case letters, digits and symbols (`classes: 3`); both allow letters,
 * digits and the symbols only. Any other form fails the build, naming the schema: core's check
 * would no longer be the spec's.
 */
function policy(schema, where) {
  const { minLength, maxLength, pattern = "" } = schema ?? {};
  const tail = /\[A-Za-z0-9((?:\\.|[^\]\\])+)\]\{(\d+),(\d+)\}\$$/.exec(pattern);
  const symbols = tail ? unescapeClass(tail[1]) : "";
  const set = `[${escapeClass(symbols)}]`;
  const all = `^(?=.*[A-Za-z])(?=.*[0-9])(?=.*${set})`;
  const classes = ["[A-Z]", "[a-z]", "[0-9]", set];
  const threeOf = [
    [0, 1, 2],
    [0, 1, 3],
    [0, 2, 3],
    [1, 2, 3],
  ].map((picked) => picked.map((i) => `(?=.*${classes[i]})`).join(""));
  const three = `^(?:${threeOf.join("|")})`;
  const body = `[A-Za-z0-9${escapeClass(symbols)}]{${minLength},${maxLength}}$`;
  if (tail && Number(tail[2]) === minLength && Number(tail[3]) === maxLength) {
    if (pattern === all + body) return { minLength, maxLength, symbols };
    if (pattern === three + body) return { minLength, maxLength, symbols, classes: 3 };
  }
  throw new Error(
    `${where}: expected minLength, maxLength and a pattern ${all}${body} or ${three}${body}, the symbols escaped as \\- \\[ \\] \\\\`,
  );
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
