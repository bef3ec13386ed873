/**
 * Prism 5.12 treats a present-but-empty query parameter (`?rebuild`, `?rebuild=`) as missing:
 * its form-style deserializer returns `undefined` for a falsy value and `validateParams` then
 * drops falsy values with lodash `pickBy`, so a `required` flag like BCC's `rebuild` can never
 * be satisfied. We fix it in the validator component Prism lets us inject
 * (`createInstance(config, { validateInput })`), not with a patch of node_modules, so the fix
 * ships inside the published package: Prism validates everything except the empty parameters,
 * and we validate each empty value ("") against that parameter's own schema with Prism's own
 * schema validator, so the messages and the spec's rules (enum, minLength, ...) stay Prism's.
 */
import type { IPrismDiagnostic } from "@stoplight/prism-core";
import type { PrismHttpComponents } from "@stoplight/prism-http";
// Deep imports are safe: @stoplight/prism-http is pinned to an exact version (5.12.0).
import { validateInput as prismValidateInput } from "@stoplight/prism-http/dist/validator/index.js";
import { validateAgainstSchema } from "@stoplight/prism-http/dist/validator/validators/utils.js";
import { ValidationContext } from "@stoplight/prism-http/dist/validator/validators/types.js";

type ValidateInput = PrismHttpComponents["validateInput"];
type Operation = Parameters<ValidateInput>[0]["resource"];
type QueryParam = NonNullable<NonNullable<Operation["request"]>["query"]>[number];
type Diagnostics = [IPrismDiagnostic, ...IPrismDiagnostic[]];

export const validateInput: ValidateInput = ({ resource, element }) => {
  const empty = emptyQueryParams(resource, element.url.query ?? {});
  if (empty.length === 0) return prismValidateInput({ resource, element });

  const rest = prismValidateInput({ resource: withoutQueryParams(resource, empty), element });
  const bundle = (resource as { __bundled__?: unknown }).__bundled__;
  const diagnostics = [
    ...(rest._tag === "Left" ? rest.left : []),
    ...empty.flatMap((param) => validateEmptyValue(param, bundle)),
  ];
  return diagnostics.length > 0 ? { _tag: "Left", left: diagnostics as Diagnostics } : rest;
};

/** Declared query parameters sent with an empty value (Prism matches names case-insensitively). */
function emptyQueryParams(resource: Operation, query: Record<string, string | string[]>): QueryParam[] {
  const emptyNames = new Set(
    Object.entries(query)
      .filter(([, value]) => value === "")
      .map(([name]) => name.toLowerCase()),
  );
  if (emptyNames.size === 0) return [];
  return (resource.request?.query ?? []).filter((param) => emptyNames.has(param.name.toLowerCase()));
}

// Prism caches compiled validators by the identity of the operation's parameter list, so the
// trimmed operations are memoised instead of rebuilt (and recompiled) on every request.
const trimmedOperations = new WeakMap<Operation, Map<string, Operation>>();

function withoutQueryParams(resource: Operation, params: QueryParam[]): Operation {
  const key = params
    .map((p) => p.name)
    .sort()
    .join("\n");
  let byKey = trimmedOperations.get(resource);
  if (!byKey) {
    byKey = new Map();
    trimmedOperations.set(resource, byKey);
  }
  let trimmed = byKey.get(key);
  if (!trimmed) {
    const query = resource.request?.query?.filter((param) => !params.includes(param));
    trimmed = { ...resource, request: { ...resource.request, query } };
    byKey.set(key, trimmed);
  }
  return trimmed;
}

const emptyValueSchemas = new WeakMap<QueryParam, object>();

function validateEmptyValue(param: QueryParam, bundle: unknown): IPrismDiagnostic[] {
  const name = param.name.toLowerCase();
  let schema = emptyValueSchemas.get(param);
  if (!schema) {
    const paramSchema = param.schema ?? {};
    // Same wrapper shape Prism builds for parameters, so messages read "Request query parameter rebuild ...".
    schema = { $schema: paramSchema.$schema, type: "object", properties: { [name]: paramSchema }, required: [name] };
    emptyValueSchemas.set(param, schema);
  }
  // No type coercion: an empty value is the string "", not 0 or false.
  const result = validateAgainstSchema({ [name]: "" }, schema, false, ValidationContext.Input, "query", bundle);
  return result._tag === "Some" ? result.value : [];
}
