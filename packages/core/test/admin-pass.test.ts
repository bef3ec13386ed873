import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  adminPassPolicyViolation,
  checkAdminPassPolicy,
  encryptAdminPass,
  PasswordPolicyError,
} from "../src/crypto/index.js";

/** The reference: `openssl enc -aes-128-ecb -K <hex of the first 16 SK characters> -nosalt`, as hex. */
function opensslAdminPass(password: string, secretAccessKey: string): string {
  const key = Buffer.from(secretAccessKey.slice(0, 16), "ascii").toString("hex");
  const out = execFileSync("openssl", ["enc", "-aes-128-ecb", "-K", key, "-nosalt"], {
    input: Buffer.from(password, "utf8"),
  });
  return out.toString("hex");
}

const SK = "8d2f4a6b1c3e5f70a9b8c7d6e5f40312"; // the shape of a real SK: 32 hex characters
const VECTOR_SK = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

describe("encryptAdminPass matches openssl aes-128-ecb", () => {
  it.each([
    ["ASCII", "Abc123!@"],
    ["ASCII with every allowed symbol", "Pa55!@#$%^+*()word"],
    ["Chinese", "密码Abc123!"],
    ["emoji", "😀emoji🔐Pass1!"],
    ["exactly 16 bytes (a whole padding block)", "abcdefghij123456"],
    ["16 bytes of multi-byte characters", "测试测试测1"],
    ["15 bytes", "abcdefghij12345"],
    ["17 bytes", "abcdefghij1234567"],
    ["32 bytes", "abcdefghij1234567890ABCDEFGHIJ!@"],
    ["1 byte", "a"],
  ])("%s", async (_, password) => {
    for (const sk of [SK, VECTOR_SK]) {
      const hex = await encryptAdminPass(password, sk);
      expect(hex).toMatch(/^([0-9a-f]{32})+$/);
      expect(hex).toBe(opensslAdminPass(password, sk));
    }
  });

  it("pads a 16-byte password to two blocks", async () => {
    expect(await encryptAdminPass("abcdefghij123456", SK)).toHaveLength(64);
    expect(await encryptAdminPass("abcdefghij12345", SK)).toHaveLength(32);
  });

  it("uses only the first 16 characters of the SK", async () => {
    expect(await encryptAdminPass("Abc123!@", `${SK.slice(0, 16)}${"0".repeat(16)}`)).toBe(
      await encryptAdminPass("Abc123!@", SK),
    );
    expect(await encryptAdminPass("Abc123!@", SK.slice(0, 16))).toBe(opensslAdminPass("Abc123!@", SK));
  });

  it("uses the SK's characters as they are, case included", async () => {
    const mixed = "8D2f4A6b1C3e5F70a9b8c7d6e5f40312";
    expect(await encryptAdminPass("Abc123!@", mixed)).toBe(opensslAdminPass("Abc123!@", mixed));
  });

  it("matches openssl for any Unicode password (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }), async (password) => {
        expect(await encryptAdminPass(password, SK)).toBe(opensslAdminPass(password, SK));
      }),
      { numRuns: 40 },
    );
  });

  it.each([
    ["SK shorter than 16", "Abc123!@", "a".repeat(15), /at least 16 characters/],
    ["SK not ASCII", "Abc123!@", `${"a".repeat(15)}密钥`, /must be ASCII/],
    ["empty password", "", SK, /non-empty/],
    // Encrypted as U+FFFD (UTF-8 has no lone surrogate): a password no one could type.
    ["a password with a lone surrogate", "Abc123!@\uD800", SK, /lone surrogate/],
  ])("rejects %s", async (_, password, sk, message) => {
    await expect(encryptAdminPass(password, sk)).rejects.toThrow(message);
  });
});

describe("adminPass policy", () => {
  it.each([
    ["Abc123!@", undefined],
    [`a1!${"b".repeat(29)}`, undefined],
    ["Ab1!", "length"],
    [`Ab1!${"c".repeat(29)}`, "length"],
    ["Abc123!-", "allowedCharacters"],
    ["Abc 123!", "allowedCharacters"],
    ["密码Abc123!", "allowedCharacters"],
    ["12345678!", "letter"],
    ["abcdefgh!", "digit"],
    ["abcd1234", "symbol"],
  ])("%s breaks %s", (password, rule) => {
    expect(adminPassPolicyViolation(password)).toBe(rule);
    if (rule === undefined) {
      expect(() => checkAdminPassPolicy(password)).not.toThrow();
    } else {
      const error = (() => {
        try {
          checkAdminPassPolicy(password);
        } catch (e) {
          return e;
        }
        throw new Error("expected a PasswordPolicyError");
      })();
      expect(error).toBeInstanceOf(PasswordPolicyError);
      expect(error).toMatchObject({ name: "PasswordPolicyError", rule });
    }
  });

  // "abcdefgh" was told it lacks a digit, then, once one was added, that it lacks a symbol.
  it.each([
    ["abcdefgh!", "digit", "one digit"],
    ["abcd1234", "symbol", "one of the symbols !@#$%^+*()"],
    ["12345678!", "letter", "one letter"],
    ["abcdefgh", "digit", "one digit and one of the symbols !@#$%^+*()"],
    ["12345678", "letter", "one letter and one of the symbols !@#$%^+*()"],
    ["!@#$%^+*", "letter", "one letter and one digit"],
  ])("%s is told every kind of character it lacks at once", (password, rule, lacks) => {
    expect(() => checkAdminPassPolicy(password)).toThrow(
      expect.objectContaining({ rule, message: `adminPass: must contain at least ${lacks}` }),
    );
  });

  // BCC's rule: three of upper case, lower case, digits and symbols, whichever three.
  it.each([
    ["Abcdefg1", undefined],
    ["abcdef1!", undefined],
    ["ABCDEF1-", undefined],
    ["Abcdefg!", undefined],
    ["Pa55word+x", undefined],
    ["abcdefg1", "classes"],
    ["ABCDEFG!", "classes"],
    ["12345678!", "classes"],
    ["Abc 123!", "allowedCharacters"],
    ["Ab1!", "length"],
  ])("%s breaks BCC's %s", (password, rule) => {
    expect(adminPassPolicyViolation(password, "bcc")).toBe(rule);
    if (rule === "classes")
      expect(() => checkAdminPassPolicy(password, "adminPass", "bcc")).toThrow(
        /^adminPass: must contain at least 3 of: upper-case letters, lower-case letters, digits, the symbols \(\)`~/,
      );
  });

  it("refuses a service it has no rule for, or a password that is not a string, with a TypeError naming the argument", () => {
    const password = "Secret!Pw123";
    for (const service of ["BCC", "xyz", "constructor", "__proto__", null]) {
      // Before any rule: a short password with an unknown service is still the service's fault.
      for (const candidate of [password, "short"]) {
        const call = () => checkAdminPassPolicy(candidate, "adminPass", service as never);
        expect(call).toThrow(TypeError);
        expect(call).toThrow('service must be "bec" or "bcc"');
      }
    }
    for (const value of [12345678, null, {}, ["Secret!Pw123"]]) {
      const call = () => checkAdminPassPolicy(value as never);
      expect(call).toThrow(TypeError);
      expect(call).toThrow("password must be a string");
    }
    for (const field of [Symbol("field"), 5, null]) {
      const call = () => checkAdminPassPolicy("short", field as never);
      expect(call).toThrow(TypeError);
      expect(call).toThrow("field must be a string");
    }
    // A service given in the field's place would check BEC's rule under a field named "bcc".
    for (const service of ["bec", "bcc"]) {
      const call = () => checkAdminPassPolicy(password, service);
      expect(call).toThrow(TypeError);
      expect(call).toThrow(
        `field is "${service}", a service: pass the service third, as (password, "adminPass", "${service}")`,
      );
    }
    // The value itself is never quoted.
    try {
      checkAdminPassPolicy(87654321 as never);
    } catch (e) {
      expect(String((e as Error).message)).not.toContain("87654321");
    }
    expect(() => checkAdminPassPolicy(password, "adminPass", "bcc")).not.toThrow();
    expect(() => checkAdminPassPolicy(password, "adminPass", undefined)).not.toThrow();
  });

  it("counts characters, not UTF-16 units or bytes", () => {
    expect(adminPassPolicyViolation("😀".repeat(8))).toBe("allowedCharacters");
    expect(adminPassPolicyViolation("😀".repeat(4))).toBe("length");
  });
});
