import { BceResponseError } from "./errors.js";
import { refusal } from "./internal/check-runtime.js";
import { requestIdOf } from "./service-error.js";
import { validateSchema, type JsonSchema } from "./validation/index.js";

/**
 * Refuse a request part that breaks the spec's rules before anything is sent. The error names
 * the field and the rule, never the value (it may be a password).
 */
export function checkRequestPart(value: unknown, schema: JsonSchema | null, root: unknown, path: string): void {
  if (schema === null) return;
  const error = refusal(validateSchema(value, schema, { root, path }));
  if (error) throw error;
}

/** Report a success body that is not what the spec promises, instead of passing it on. */
export function checkAnswer(value: unknown, schema: JsonSchema | null, root: unknown, response: Response): void {
  if (schema === null) return;
  const issues = validateSchema(value, schema, { root, path: "body" });
  if (issues.length === 0) return;
  throw new BceResponseError({
    status: response.status,
    requestId: requestIdOf(response),
    problems: issues.map((i) => `${i.path}: ${i.message}`),
  });
}
