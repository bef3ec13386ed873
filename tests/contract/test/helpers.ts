import { createRequire } from "node:module";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";

const require = createRequire(import.meta.url);

/** The published bundle: the single source every check here is made against. */
export const spec = require("@bce-openapi/spec/openapi.json") as {
  components: { schemas: Record<string, unknown>; examples: Record<string, { value: unknown }> };
};

/** The seeds' examples as the spec carries them. */
export const examples = {
  becRequest: spec.components.examples.BecReinstallRequestExample!.value as Record<string, unknown>,
  becResponse: spec.components.examples.BecReinstallResponseExample!.value as Record<string, unknown>,
  bccRequest: spec.components.examples.BccRebuildRequestExample!.value as Record<string, unknown>,
};

// An independent validator (ajv), so the clients' own checks are not graded by themselves.
const ajv = new Ajv2020.default({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: "spec", components: spec.components });

/** Assert a value is valid against a named schema of the spec. */
export function expectValid(schemaName: string, value: unknown): void {
  const validate = ajv.getSchema(`spec#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`no schema ${schemaName} in the spec`);
  const ok = validate(value);
  expect(validate.errors ?? [], `${schemaName} violations`).toEqual([]);
  expect(ok).toBe(true);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
