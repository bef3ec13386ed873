// The generated request checks against their oracle, the schema interpreter: on values built
// from the spec's own schemas (valid and not), both accept the same values, and refuse the same
// ones naming the same field, rule and message.
import { BceValidationError } from "@bce-openapi/core";
import { type OperationSpec, refusal } from "@bce-openapi/core/internal";
import { validateSchema } from "@bce-openapi/core/internal/validation";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOperations } from "../src/index.mjs";
import { arbitraryFor } from "./arbitrary.js";
import { bundle, generateInto } from "./helpers.js";
import { keywordsBundle } from "./keywords-fixture.js";

const RUNS = process.env.FAST_CHECK_RUNS ? Number(process.env.FAST_CHECK_RUNS) : process.env.CI ? 2000 : 400;

type Outcome = null | { field: string; rule: string; message: string };
function outcome(run: () => void): Outcome {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof BceValidationError)) throw error;
    return { field: error.field, rule: error.rule, message: error.message.slice(error.field.length + 2) };
  }
}

/**
 * The interpreter's verdict on what a client sends (the schema and its x-client-rules), worded as
 * the clients word a refusal (core's `refusal`: the issues come from the interpreter alone).
 */
function oracle(value: unknown, schema: any, root: unknown, field: string): Outcome {
  return outcome(() => {
    const error = refusal(validateSchema(value, schema, { root, path: field, clientRules: true }));
    if (error) throw error;
  });
}

/** A path parameter: the non-blank-string rule first, then the schema. */
function pathOracle(value: unknown, schema: any, root: unknown, field: string): Outcome {
  if (typeof value !== "string") return { field, rule: "type", message: "must be a string" };
  if (value.trim() === "") return { field, rule: "minLength", message: "must not be empty or blank" };
  return oracle(value, schema, root, field);
}

const services = [
  { name: "bec", doc: bundle("bec"), client: "Bec" },
  { name: "bcc", doc: bundle("bcc"), client: "Bcc" },
  { name: "keywords fixture", doc: keywordsBundle as Record<string, any>, client: "Keywords" },
];

describe.each(services)("generated checks of $name match the interpreter", ({ doc, client }) => {
  const { operations, root: view } = readOperations(doc) as { operations: any[]; root: unknown };
  let generated: Awaited<ReturnType<typeof generateInto>>;
  let tables: Record<string, OperationSpec>;
  beforeAll(async () => {
    generated = await generateInto(doc, client);
    tables = await import(`${generated.generated}/operations.ts`);
  });
  afterAll(() => generated?.remove());

  for (const op of operations) {
    // Path values that pass, so each part is tried on its own.
    const validPath = Object.fromEntries(op.pathArgs.map((a: any) => [a.name, "ab1"]));
    const validQuery = Object.fromEntries(
      op.query.filter((q: any) => q.required).map((q: any) => [q.name, q.schema.enum?.[0] ?? "x"]),
    );
    const parts = [
      ...op.pathArgs.map((a: any) => ({
        label: `path parameter ${a.name}`,
        schema: a.schema,
        generated: (v: unknown) =>
          tables[op.id]!.checkRequest({ path: { ...validPath, [a.name]: v as string }, query: validQuery }),
        oracle: (v: unknown) => pathOracle(v, a.schema, view, a.arg),
      })),
      ...op.query.map((q: any) => ({
        label: `query parameter ${q.name}`,
        schema: q.schema,
        generated: (v: unknown) =>
          tables[op.id]!.checkRequest({ path: validPath, query: { ...validQuery, [q.name]: v as string } }),
        oracle: (v: unknown) => oracle(v, q.schema, view, q.name),
      })),
      ...(op.body
        ? [
            {
              label: "body",
              schema: op.body.schema,
              generated: (v: unknown) => tables[op.id]!.checkRequest({ path: validPath, query: validQuery, body: v }),
              oracle: (v: unknown) => oracle(v, op.body.schema, view, "body"),
            },
          ]
        : []),
    ];
    it.each(parts)(`${op.id}: $label`, ({ schema, generated: check, oracle }) => {
      let accepted = 0;
      let refused = 0;
      fc.assert(
        fc.property(arbitraryFor(view, schema), (value) => {
          if (value === undefined) return;
          const expected = oracle(value);
          expect(outcome(() => check(value))).toEqual(expected);
          if (expected) refused++;
          else accepted++;
        }),
        { numRuns: RUNS },
      );
      // Both sides of the property were tried, in earnest. (BEC's body is accepted about one time in
      // twenty: a bound of RUNS / 50, 8 of 400, was missed by chance about once in a few hundred runs.)
      expect(accepted, "values accepted").toBeGreaterThan(RUNS / 100);
      expect(refused, "values refused").toBeGreaterThan(RUNS / 100);
    });
  }
});

describe("x-client-rules", () => {
  it("are ANDed into the generated checks: the client refuses what the service schema alone accepts", async () => {
    const generated = await generateInto(keywordsBundle, "Rules");
    try {
      const { putThing } = (await import(`${generated.generated}/operations.ts`)) as { putThing: OperationSpec };
      const path = { thingID: "ab1" };
      const query = { mode: "fast" };
      const ok = { name: "n", kind: "A", secret: "long-enough" };
      expect(() => putThing.checkRequest({ path, query, body: ok })).not.toThrow();
      expect(outcome(() => putThing.checkRequest({ path, query, body: { ...ok, secret: "abc" } }))).toEqual({
        field: "body.secret",
        rule: "minLength",
        message: "must have at least 4 characters",
      });
      expect(outcome(() => putThing.checkRequest({ path, query, body: { ...ok, anything: 1 } }))).toMatchObject({
        field: "body",
        rule: "not",
      });
      // A member a branch asks for is told with the branch's x-required-message.
      expect(outcome(() => putThing.checkRequest({ path, query, body: { ...ok, flag: true } }))).toEqual({
        field: "body.count",
        rule: "required",
        message: "is required when flag is true",
      });
      // An if with an else alone applies it where the if fails; one with a then alone, where it holds.
      expect(() => putThing.checkRequest({ path, query, body: { ...ok, level: "-1" } })).not.toThrow();
      expect(outcome(() => putThing.checkRequest({ path, query, body: { ...ok, level: -1 } }))).toEqual({
        field: "body.level",
        rule: "minimum",
        message: "must be >= 0",
      });
      expect(outcome(() => putThing.checkRequest({ path, query, body: { ...ok, step: 6 } }))).toMatchObject({
        field: "body.step",
        rule: "maximum",
      });
      expect(outcome(() => putThing.checkRequest({ path, query, body: { ...ok, pair: 7 } }))).toEqual({
        field: "body.pair",
        rule: "type",
        message: 'must be string (also: must not match the schema in "not")',
      });
      // An open enum takes values beyond the known ones.
      expect(() => putThing.checkRequest({ path, query, body: { ...ok, kind: "C-new" } })).not.toThrow();
      // A required query parameter left out.
      expect(outcome(() => putThing.checkRequest({ path, query: {}, body: ok }))).toEqual({
        field: "mode",
        rule: "required",
        message: "is required",
      });
    } finally {
      generated.remove();
    }
  });
});
