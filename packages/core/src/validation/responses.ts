import { type JsonSchema, validateSchema } from "./schema.js";

/**
 * The problems (`path: message`) of an operation's success body against the schema `responses`
 * gives it for that status: none when it matches, or when there is no schema. It loads with the
 * interpreter, in the generated `responses` module (see ResponseChecks): a client that does not
 * check answers carries neither. (It imports nothing but the interpreter, which shares no module
 * with the rest of a client.)
 */
export function responseProblems(
  responses: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  operationId: string,
  status: number,
  value: unknown,
): string[] {
  const schema = (responses[operationId]?.[String(status)] ?? null) as JsonSchema | null;
  if (schema === null) return [];
  return validateSchema(value, schema, { root: schema, path: "body" }).map((i) => `${i.path}: ${i.message}`);
}
