// The password policies the clients apply before sending (core's adminPassPolicyViolation, which
// names the broken rule) and the spec accept and refuse the same strings: BEC's AdminPassword
// schema, and the `x-bce-plaintext` of BCC's adminPass (the password before it is encrypted).
import { adminPassPolicyViolation } from "@bce-openapi/core/internal";
import { validateSchema } from "@bce-openapi/core/internal/validation";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bundle } from "./helpers.js";

const RUNS = process.env.FAST_CHECK_RUNS ? Number(process.env.FAST_CHECK_RUNS) : process.env.CI ? 20_000 : 5_000;
const doc = bundle("bec");
const schema = { $ref: "#/components/schemas/AdminPassword" };
const bySpec = (s: string) => validateSchema(s, schema, { root: doc, path: "adminPass" }).length === 0;
const byPolicy = (s: string) => adminPassPolicyViolation(s) === undefined;

// Characters around the policy's edges: each class it names, look-alikes it refuses, and
// characters outside the BMP (one code point, two UTF-16 units).
const near = fc.constantFrom(..."aZq09!@#$%^+*()&-_=~ .,`[]\\\"'<>/\t\n\u00e9\u0430\u0661".split(""), "😀", "𝐀");
const passwords = fc.oneof(
  fc.string({ unit: near, minLength: 0, maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(..."aB3!@#$%^+*()".split("")), minLength: 6, maxLength: 34 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
);

const bcc = bundle("bcc");
const plaintext = bcc.components.schemas.RebuildInstanceRequest.properties.adminPass["x-bce-plaintext"];
const byBccSpec = (s: string) => validateSchema(s, plaintext, { root: bcc, path: "adminPass" }).length === 0;
const byBccPolicy = (s: string) => adminPassPolicyViolation(s, "bcc") === undefined;

describe.each([
  // `share`: at least 1/share of the strings tried pass (BCC's symbols are one fewer).
  { name: "BEC's password policy and the spec's AdminPassword pattern", byPolicy, bySpec, share: 20 },
  {
    name: "BCC's password policy and the x-bce-plaintext of its adminPass",
    byPolicy: byBccPolicy,
    bySpec: byBccSpec,
    share: 40,
  },
])("$name", ({ byPolicy, bySpec, share }) => {
  it("agree on every string", () => {
    let accepted = 0;
    fc.assert(
      fc.property(passwords, (s) => {
        expect(byPolicy(s), JSON.stringify(s)).toBe(bySpec(s));
        if (bySpec(s)) accepted++;
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / share);
  });

  it("agree at the length limits, counted in code points", () => {
    for (const s of ["aB3!aB3", "aB3!aB3!", "aB3!".repeat(8), `${"aB3!".repeat(8)}a`, `😀${"aB3!".repeat(2)}`]) {
      expect(byPolicy(s), s).toBe(bySpec(s));
    }
  });
});

describe("BCC's password policy", () => {
  it("takes the documented examples, and three kinds of characters of four, whichever they are", () => {
    for (const s of ["1qaz@WSX", "Inst12#@", "Password1", "Pa55word+x", "pass_word1", "PASS-WORD1", "a`b~c'd<1>"])
      expect([s, byBccPolicy(s), byBccSpec(s)]).toEqual([s, true, true]);
    for (const s of ["password1", "PASSWORD!", "pass_word", "12345678!", "Pass word1", 'Pass"word1'])
      expect([s, byBccPolicy(s), byBccSpec(s)]).toEqual([s, false, false]);
  });
});
