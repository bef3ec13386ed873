// src/generated/error-codes.ts, from the spec (scripts/generate.mjs writes it): the error codes
// its BceErrorCode lists (the known values of that open enum, BceErrorBody's `code`), the type of
// BceServiceError's `code`. Core lists none of its own.

/** The known codes of a bundle's BceErrorCode; any other form fails the build, naming it. */
function knownCodes(bundle, name) {
  const code = bundle.components?.schemas?.BceErrorCode;
  const known =
    code?.["x-bce-open-enum"] === true ? code.anyOf?.find((branch) => Array.isArray(branch.enum)) : undefined;
  if (!known?.enum.every((value) => typeof value === "string"))
    throw new Error(`${name}.json BceErrorCode: expected an x-bce-open-enum whose anyOf lists the known codes`);
  return known.enum;
}

/** The module's text, from the bundles `{ bec, bcc }`. */
export function errorCodes({ bec, bcc }) {
  const codes = [...new Set([...knownCodes(bec, "bec"), ...knownCodes(bcc, "bcc")])].sort();
  return `// Generated from @bce-openapi/spec by scripts/error-codes.mjs: do not edit.
/**
 * A BCE error code: one the spec's BceErrorCode lists (they complete in an editor), or any other
 * a service sends (services add codes).
 */
export type BceErrorCode =
${codes.map((code) => `  | ${JSON.stringify(code)}\n`).join("")}  | (string & {});
`;
}
