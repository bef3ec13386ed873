// What an error answer's text becomes in a BceServiceError's message: bounded and escaped, while
// the fields keep what the service sent.
import { describe, expect, it } from "vitest";
import { BceServiceError, quoted } from "../src/errors.js";
import { serviceErrorFromResponse } from "../src/service-error.js";

describe("quoted", () => {
  it("keeps short printable text as it is, non-ASCII included", () => {
    expect(quoted("镜像不存在 (image not found)", 1000)).toBe("镜像不存在 (image not found)");
  });

  it("escapes control, line-separating and bidirectional-formatting characters", () => {
    expect(quoted("a\nb\r\u001b[31mc\u0000\u007f\u0085\u2028\u202e\u2066", 1000)).toBe(
      "a\\u000ab\\u000d\\u001b[31mc\\u0000\\u007f\\u0085\\u2028\\u202e\\u2066",
    );
  });

  it("escapes zero-width and bidirectional marks too, and takes what is not a string as its string", () => {
    expect(quoted("a\u200bb\u200ec\u061cd\ufeff", 100)).toBe("a\\u200bb\\u200ec\\u061cd\\ufeff");
    expect(
      new BceServiceError({ status: 500, code: 42 as never, message: undefined as never, requestId: "" }).message,
    ).toBe("42: undefined (status 500)");
  });

  it("keeps at most max characters and counts the rest, never ending on half a surrogate pair", () => {
    expect(quoted("x".repeat(1500), 1000)).toBe(`${"x".repeat(1000)}… (500 more characters)`);
    expect(quoted(`${"x".repeat(999)}😀tail`, 1000)).toBe(`${"x".repeat(999)}… (6 more characters)`);
  });
});

describe("BceServiceError from an error answer", () => {
  const answer = (body: object) =>
    serviceErrorFromResponse(
      new Response(null, { status: 400, headers: { "x-bce-request-id": "rid-1" } }),
      JSON.stringify(body),
    );

  it("quotes the service's message bounded and escaped; the fields keep what was sent", () => {
    const message = `line one\nline two\u001b[2J${"m".repeat(5000)}`;
    const error = answer({ code: "InvalidParameter", message, requestId: "rid-2" });
    expect(error.message).toBe(
      `InvalidParameter: line one\\u000aline two\\u001b[2J${"m".repeat(979)}… (4021 more characters) (status 400, request id rid-2)`,
    );
    expect(error.message).not.toContain("\n");
    expect(error.message).not.toContain("\u001b");
    expect(error).toMatchObject({ code: "InvalidParameter", requestId: "rid-2", status: 400 });
  });

  it("bounds and escapes a code and a request id too", () => {
    const error = new BceServiceError({ status: 500, code: `C\n${"c".repeat(200)}`, message: "m", requestId: "r\r1" });
    expect(error.message).toBe(
      `C\\u000a${"c".repeat(98)}… (102 more characters): m (status 500, request id r\\u000d1)`,
    );
    expect(error.code).toBe(`C\n${"c".repeat(200)}`);
  });
});
