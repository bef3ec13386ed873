// Strings of megabytes, as a caller may pass by mistake: refused with a typed error naming the
// field, never a crash. Spreading one into an array past V8's longest (2^27 elements here) was a
// fatal error that ended the process; a regexp that repeats a group overflowed V8's regexp stack.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAdminPassPolicy, PasswordPolicyError } from "../src/index.js";
import { codePoints, newContext, pattern } from "../src/internal/check-runtime.js";
import { encryptAdminPassTransform } from "../src/internal/transforms.js";
import { validateSchema } from "../src/validation/index.js";

/** More UTF-16 units than an array may hold elements. */
const PAST_ARRAYS = 2 ** 27 + 8;
const CIPHERTEXT = "^(?:[0-9a-f]{32})+$";
const AT = { root: {}, path: "s" };

describe("strings of megabytes", () => {
  it("codePoints counts as spreading does, surrogate pairs and lone surrogates alike", () => {
    const unit = fc.oneof(
      fc.integer({ min: 0xd7fe, max: 0xe001 }).map((u) => String.fromCharCode(u)),
      fc.constantFrom("a", "中", "\u{1F600}"),
    );
    fc.assert(
      fc.property(
        fc.array(unit).map((units) => units.join("")),
        (s) => {
          expect(codePoints(s)).toBe([...s].length);
          // The interpreter's twin counts the same (maxLength of exactly that many passes, one fewer not).
          expect(validateSchema(s, { maxLength: [...s].length }, AT)).toEqual([]);
          if (s.length > 0) expect(validateSchema(s, { maxLength: [...s].length - 1 }, AT)).not.toEqual([]);
        },
      ),
    );
  });

  it("codePoints counts a string with more units than an array holds", () => {
    const s = `\u{1F600}${"a".repeat(PAST_ARRAYS)}`;
    expect(codePoints(s)).toBe(PAST_ARRAYS + 1);
    expect(validateSchema(s, { maxLength: 64 }, AT)).toEqual([
      { path: "s", rule: "maxLength", message: "must have at most 64 characters" },
    ]);
  });

  it("a password with more characters than an array holds is refused for its length", () => {
    expect(() => checkAdminPassPolicy("a".repeat(PAST_ARRAYS), "body.adminPass", "bcc")).toThrow(
      new PasswordPolicyError("length", "must be 8 to 32 characters long", "body.adminPass"),
    );
    expect(() => checkAdminPassPolicy(`\u{1F600}${"a".repeat(PAST_ARRAYS)}`)).toThrow(PasswordPolicyError);
  });

  it("a pattern that cannot be run on a string is told as such, by the generated checks' helper and the interpreter alike", () => {
    const ciphertext = "a".repeat(8_000_000); // 250,000 blocks: a match, that V8 cannot tell
    const re = new RegExp(CIPHERTEXT, "u");
    expect(() => re.test(ciphertext)).toThrow(RangeError);
    const told = "is too long to be checked against the pattern ^(?:[0-9a-f]{32})+$";
    const c = newContext();
    pattern(ciphertext, "body.adminPass", c, re);
    expect(c.i).toEqual([{ path: "body.adminPass", rule: "pattern", message: told }]);
    expect(validateSchema(ciphertext, { pattern: CIPHERTEXT }, { root: {}, path: "body.adminPass" })).toEqual(c.i);
    // With the schema's own message, and the spec's spelling of the pattern, as the codegen passes them.
    const d = newContext();
    pattern(ciphertext, "x", d, re, "must be a ciphertext", "as written");
    expect(d.i).toEqual([
      { path: "x", rule: "pattern", message: "is too long to be checked against the pattern as written" },
    ]);
    // A short one is judged as ever.
    const e = newContext();
    pattern("zz", "x", e, re, "must be a ciphertext");
    expect(e.i).toEqual([{ path: "x", rule: "pattern", message: "must be a ciphertext" }]);
  });

  it("a BCC password of megabytes of hex is told to go as { encrypted }, not checked with a repeated group", () => {
    expect(() => encryptAdminPassTransform.prepare!("a".repeat(8_000_000), "body.adminPass")).toThrow(
      new PasswordPolicyError("length", "looks like a ciphertext: give one as { encrypted }", "body.adminPass"),
    );
  });
});
