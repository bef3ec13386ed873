import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUserData, encodeUserData } from "../src/crypto/index.js";
import { encodedUserDataLength, MAX_ENCODED_USER_DATA, utf8Length } from "../src/crypto/user-data.js";

describe("userData", () => {
  it('is base64("user_injected_data: " + base64(UTF-8 text))', () => {
    const encoded = encodeUserData("#!/bin/bash\necho 你好 😀");
    const outer = Buffer.from(encoded, "base64").toString("latin1");
    expect(outer.startsWith("user_injected_data: ")).toBe(true);
    expect(Buffer.from(outer.slice("user_injected_data: ".length), "base64").toString("utf8")).toBe(
      "#!/bin/bash\necho 你好 😀",
    );
    expect(encodeUserData("hi")).toBe(
      Buffer.from(`user_injected_data: ${Buffer.from("hi").toString("base64")}`).toString("base64"),
    );
  });

  // The encoding is the spec's (`x-bce-transform: encodeUserData`): its example, decoded and encoded
  // again, is itself, and its description spells the prefix the encoder writes.
  it("encodes as the spec's userData example and description say", () => {
    const bec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@bce-openapi/spec/bec.json"), "utf8"));
    const userData = bec.components.schemas.VmInstanceReinstallRequest.properties.userData;
    expect(userData["x-bce-transform"]).toBe("encodeUserData");
    expect(encodeUserData(decodeUserData(userData.example))).toBe(userData.example);
    const prefix = Buffer.from(encodeUserData("x"), "base64").toString("latin1").slice(0, -"eA==".length);
    expect(userData.description).toContain(`base64("${prefix}" + base64(text))`);
  });

  it("round-trips any Unicode text (graphemes)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (text) => {
        expect(decodeUserData(encodeUserData(text))).toBe(text);
      }),
    );
  });

  it("round-trips any sequence of code points", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        expect(decodeUserData(encodeUserData(text))).toBe(text);
      }),
    );
  });

  it("round-trips a text that starts with U+FEFF (a byte-order mark is text too)", () => {
    for (const text of ["\uFEFF#!/bin/sh", "\uFEFF", "\uFEFF\uFEFFx"])
      expect(decodeUserData(encodeUserData(text))).toBe(text);
  });

  it("round-trips the empty string", () => {
    expect(decodeUserData(encodeUserData(""))).toBe("");
  });

  it("counts UTF-8 bytes as TextEncoder writes them, and bounds the encoded length from above", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
        expect(encodedUserDataLength(text)).toBeGreaterThanOrEqual(encodeUserData(text).length);
      }),
    );
  });

  it("counts UTF-8 bytes at the edges of each length", () => {
    for (const text of ["\u007f", "\u0080", "\u07ff", "\u0800", "\ud7ff", "\ue000", "\uffff", "\u{10000}"])
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });

  // btoa over a string past V8's longest ended the whole process (a fatal error, not a throw).
  it("refuses text too long to encode with a RangeError, before encoding it", () => {
    const text = "中".repeat(60_000_000); // 180 MB of UTF-8: more than 2^28 characters encoded
    expect(encodedUserDataLength(text)).toBeGreaterThan(MAX_ENCODED_USER_DATA);
    expect(() => encodeUserData(text)).toThrow(
      new RangeError(`userData is too long: encoded, it would be more than ${MAX_ENCODED_USER_DATA} characters`),
    );
  });

  // A regexp group repeated per base64 quad overflowed V8's stack on a few megabytes: a RangeError.
  it("round-trips a userData of megabytes", () => {
    const text = `#!/bin/sh\n${"echo 你好\n".repeat(400_000)}`;
    const encoded = encodeUserData(text);
    expect(encoded.length).toBeGreaterThan(8_000_000);
    expect(decodeUserData(encoded)).toBe(text);
  });

  it("rejects a lone surrogate instead of silently replacing it", () => {
    expect(() => encodeUserData("a\uD800b")).toThrow(/lone surrogate/);
  });

  it.each([
    ["not base64", "not base64!", /not valid base64/],
    ["base64 without padding", "YWJj" + "ZA", /not valid base64/],
    ["base64 with whitespace", "YWJj\nZGVm", /not valid base64/],
    ["no prefix", btoa("hello"), /does not start with/],
    ["payload not base64", btoa("user_injected_data: %%%"), /payload after the prefix is not valid base64/],
    ["payload not UTF-8", btoa(`user_injected_data: ${btoa("\xff\xfe")}`), /not valid UTF-8/],
  ])("decode rejects %s", (_, encoded, message) => {
    expect(() => decodeUserData(encoded)).toThrow(message);
  });
});
