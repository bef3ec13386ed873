import { type JsonSchema, validateSchema } from "./schema.js";

/**
 * The problems (`path: message`) of an operation's success body against the schema `responses`
 * gives it for that status: none when it matches, or when the status has no body schema. A
 * success status the description does not give (a 202 for an operation that answers 200) is one
 * problem: its body, empty or not, was never described. It loads with the
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
  const statuses = responses[operationId];
  if (statuses && !Object.hasOwn(statuses, status))
    return [
      `status: ${status} is not a success status the API description gives (it gives ${Object.keys(statuses).join(", ")})`,
    ];
  const schema = (statuses?.[status] ?? null) as JsonSchema | null;
  if (schema === null) return [];
  return validateSchema(value, schema, { root: schema, path: "body" }).map((i) => `${i.path}: ${i.message}`);
}
