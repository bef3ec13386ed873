// What an error answer's text becomes in a BceServiceError's message: bounded and escaped, while
// the fields keep what the service sent.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, expectTypeOf, it } from "vitest";
import { PasswordPolicyError } from "../src/crypto/errors.js";
import {
  BceAbortError,
  BceError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceTimeoutError,
  BceValidationError,
  CredentialsError,
  quoted,
} from "../src/errors.js";
import { CODE_BY_STATUS, serviceErrorFromResponse } from "../src/service-error.js";
import { DEFAULT_EXPIRATION_SECONDS } from "../src/signing/sign.js";

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

it("BceResponseError quotes the answer's request id bounded and escaped, as BceServiceError does", () => {
  const requestId = `A\u009b31mB${"r".repeat(5000)}`;
  const error = new BceResponseError({ status: 200, requestId, problems: ["the answer body is not valid JSON"] });
  expect(error.message).toBe(
    `the answer does not match the API description: the answer body is not valid JSON (status 200: the service took the call, request id A\\u009b31mB${"r".repeat(94)}… (4906 more characters))`,
  );
  expect(error.requestId).toBe(requestId);
});

it("says in words that a 2xx status means the service took the call, and of no other status", () => {
  const message = (status: number) => new BceResponseError({ status, requestId: "", problems: ["p"] }).message;
  expect(message(200)).toBe("the answer does not match the API description: p (status 200: the service took the call)");
  expect(message(299)).toContain("(status 299: the service took the call)");
  for (const status of [101, 199, 300, 600]) expect(message(status)).toMatch(new RegExp(`\\(status ${status}\\)$`));
  expect(new BceTimeoutError(300, 204).message).toBe(
    "no complete answer within 300 ms (an answer came, but not all of its body; status 204: the service took the call)",
  );
  expect(new BceTimeoutError(300, 502).message).toBe(
    "no complete answer within 300 ms (an answer came, but not all of its body; status 502)",
  );
});

// What core holds that the spec also says: tied to it, so that a change of either fails here.
describe("facts core shares with the spec", () => {
  const spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@bce-openapi/spec/bcc.json"), "utf8"));

  it("the code an answer without one is given for its status is a code the spec gives that status", () => {
    const described = spec.components.schemas.BceErrorCode["x-enumDescriptions"] as Record<string, string>;
    for (const [status, code] of Object.entries(CODE_BY_STATUS))
      expect({ code, status: Number(status) }).toEqual({
        code,
        status: Number(/^HTTP (\d{3})\b/.exec(described[code] ?? "")?.[1]),
      });
  });

  it("the default signature expiration is the one the spec's security scheme names", () => {
    expect(spec.components.securitySchemes.bceAuthV1.description).toContain(
      `SDK default expiration: ${DEFAULT_EXPIRATION_SECONDS} seconds`,
    );
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

  // BEC's error chapter (https://cloud.baidu.com/doc/BEC/s/5k4106ncs): its platform's errors as
  // { code, msg, data }, its gateway's in headers.
  it("reads BEC's platform error, whose text is msg, with the request id of its header", () => {
    const error = answer({ code: "9001", msg: "请求参数错误", data: null });
    expect(error).toMatchObject({ code: "9001", message: "9001: 请求参数错误 (status 400, request id rid-1)" });
  });

  it("reads an integer code with a message as the code it writes, and a bare number as no code", () => {
    expect(answer({ code: 9001, msg: "请求参数错误" })).toMatchObject({
      code: "9001",
      message: "9001: 请求参数错误 (status 400, request id rid-1)",
    });
    expect(answer({ code: 0, data: [] })).toMatchObject({ code: "InvalidHTTPRequest" });
    // Not an integer, or beside a gateway's header that names the code: not read as the code.
    expect(serviceErrorFromResponse(new Response(null, { status: 400 }), '{"code":1e400,"msg":"m"}').code).toBe(
      "InvalidHTTPRequest",
    );
    const headers = { "x-bce-error-code": "RequestExpired", "x-bce-error-message": "expired" };
    expect(
      serviceErrorFromResponse(new Response(null, { status: 400, headers }), '{"code":400,"message":"Bad Request"}'),
    ).toMatchObject({ code: "RequestExpired", message: "RequestExpired: expired (status 400)" });
  });

  it("reads an empty code as none, and keeps the message of a JSON error body that has no code", () => {
    expect(answer({ code: "", message: "Bad imageId" })).toMatchObject({
      code: "InvalidHTTPRequest",
      message: "InvalidHTTPRequest: Bad imageId (status 400, request id rid-1)",
    });
    expect(answer({ message: "Image im-1 not found", requestId: "rid-3" })).toMatchObject({
      code: "InvalidHTTPRequest",
      requestId: "rid-3",
      message: "InvalidHTTPRequest: Image im-1 not found (status 400, request id rid-3)",
    });
    expect(answer({ code: null, msg: "参数错误" })).toMatchObject({
      code: "InvalidHTTPRequest",
      message: "InvalidHTTPRequest: 参数错误 (status 400, request id rid-1)",
    });
    const empty = serviceErrorFromResponse(new Response(null, { status: 403, statusText: "Forbidden" }), '{"code":""}');
    expect(empty).toMatchObject({ code: "AccessDenied", message: "AccessDenied: Forbidden (status 403)" });
    // No status text (HTTP/2 has none), and a blank code.
    for (const body of ['{"code":""}', '{"code":"  ","message":""}'])
      expect(serviceErrorFromResponse(new Response(null, { status: 403 }), body)).toMatchObject({
        code: "AccessDenied",
        message: "AccessDenied: HTTP 403 with no message (status 403)",
      });
    expect(answer({ code: " ", message: "m" })).toMatchObject({ code: "InvalidHTTPRequest" });
    // A gateway's header code, with the body's text where the header has none.
    const headers = { "x-bce-error-code": "ResourceNotFound" };
    expect(
      serviceErrorFromResponse(new Response(null, { status: 404, headers }), '{"message":"no such vm"}'),
    ).toMatchObject({ code: "ResourceNotFound", message: "ResourceNotFound: no such vm (status 404)" });
  });

  it("reads a gateway's X-Bce-Error-Message as UTF-8 where its bytes are UTF-8, as they are otherwise", () => {
    const utf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");
    const error = (message: string) =>
      serviceErrorFromResponse(
        new Response(null, {
          status: 400,
          headers: { "x-bce-error-code": "InvalidParam", "x-bce-error-message": message },
        }),
        "",
      );
    expect(error(utf8("参数错误: 镜像不存在")).message).toBe("InvalidParam: 参数错误: 镜像不存在 (status 400)");
    // Latin-1 text whose bytes are no UTF-8 stays as it came.
    expect(error("caf\u00e9 ferm\u00e9").message).toBe("InvalidParam: caf\u00e9 ferm\u00e9 (status 400)");
  });

  // A status line's reason phrase is read as the headers are: a character a byte.
  it("reads a status text as UTF-8 where its bytes are UTF-8, as it is otherwise", () => {
    const utf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");
    const error = (statusText: string, body: string) =>
      serviceErrorFromResponse(new Response(null, { status: 503, statusText }), body);
    expect(error(utf8("服务繁忙"), "").message).toBe("Http503: 服务繁忙 (status 503)");
    expect(error(utf8("服务繁忙"), '{"code":""}').message).toBe("Http503: 服务繁忙 (status 503)");
    expect(error("caf\u00e9", "").message).toBe("Http503: caf\u00e9 (status 503)");
  });

  it("reads BEC's gateway error from its headers, with an empty body or a body of its own", () => {
    for (const body of ["", "<html><body>Not Found</body></html>"]) {
      const headers = {
        "content-type": "application/json;charset=UTF-8",
        "x-bce-request-id": "d8752367-38e8-45e4-b4c7-e53be3137ce5",
        "x-bce-error-code": "ResourceNotFound",
        "x-bce-error-message": "Resource not found.",
      };
      const error = serviceErrorFromResponse(new Response(null, { status: 404, headers }), body);
      expect(error).toMatchObject({
        status: 404,
        code: "ResourceNotFound",
        requestId: "d8752367-38e8-45e4-b4c7-e53be3137ce5",
        message: "ResourceNotFound: Resource not found. (status 404, request id d8752367-38e8-45e4-b4c7-e53be3137ce5)",
      });
    }
  });

  it("hides a secret that the gateway's error headers echo", () => {
    const headers = { "x-bce-error-code": "AccessDenied", "x-bce-error-message": "token tok-SECRET-1 is not valid" };
    const error = serviceErrorFromResponse(new Response(null, { status: 403, headers }), "", ["tok-SECRET-1"]);
    expect(error.message).toBe("AccessDenied: token <redacted> is not valid (status 403)");
  });

  // An empty body: the gateway's header code first, then the Go SDK's code for the status, then `Http<status>`.
  it.each([
    [400, "InvalidHTTPRequest"],
    [403, "AccessDenied"],
    [412, "PreconditionFailed"],
    [500, "InternalError"],
    [502, "Http502"],
  ])("gives an empty %i answer the code %s, unless a header names one", (status, code) => {
    expect(serviceErrorFromResponse(new Response(null, { status }), "")).toMatchObject({ status, code });
    const headers = { "x-bce-error-code": "InvalidSessionToken" };
    expect(serviceErrorFromResponse(new Response(null, { status, headers }), "").code).toBe("InvalidSessionToken");
  });

  it("hides a secret that the body's request id echoes", () => {
    const echoed = serviceErrorFromResponse(
      new Response(null, { status: 400 }),
      JSON.stringify({ code: "InvalidParameter", message: "m", requestId: "rid-tok-SECRET-1" }),
      ["tok-SECRET-1"],
    );
    expect(echoed.requestId).toBe("rid-<redacted>");
  });

  it("bounds and escapes a code and a request id too", () => {
    const error = new BceServiceError({ status: 500, code: `C\n${"c".repeat(200)}`, message: "m", requestId: "r\r1" });
    expect(error.message).toBe(
      `C\\u000a${"c".repeat(98)}… (102 more characters): m (status 500, request id r\\u000d1)`,
    );
    expect(error.code).toBe(`C\n${"c".repeat(200)}`);
  });
});

// A JSON logger wrote `{"name","status","code","requestId"}`: an Error's message is not enumerable.
it("writes its name, message and fields as JSON", () => {
  const error = new BceServiceError({ status: 409, code: "Conflict", message: "token reused", requestId: "r-1" });
  expect(JSON.parse(JSON.stringify(error))).toEqual({
    name: "BceServiceError",
    message: "Conflict: token reused (status 409, request id r-1)",
    status: 409,
    code: "Conflict",
    requestId: "r-1",
  });
  expect(JSON.parse(JSON.stringify(new BceValidationError("body.imageId", "required", "is required")))).toEqual({
    name: "BceValidationError",
    message: "body.imageId: is required",
    field: "body.imageId",
    rule: "required",
  });
});

it("names each error after its class, and types the name as that literal", () => {
  const errors = {
    BceError: new BceError("m"),
    BceServiceError: new BceServiceError({ status: 500, code: "InternalError", message: "m", requestId: "" }),
    BceValidationError: new BceValidationError("body.imageId", "required", "m"),
    PasswordPolicyError: new PasswordPolicyError("length", "m"),
    BceNetworkError: new BceNetworkError("m", { errorCode: "ECONNRESET", requestSent: true }),
    BceTimeoutError: new BceTimeoutError(1000),
    CredentialsError: new CredentialsError("m"),
    BceAbortError: new BceAbortError("m"),
    BceResponseError: new BceResponseError({ status: 200, requestId: "", problems: ["m"] }),
  };
  for (const [name, error] of Object.entries(errors)) expect(error.name).toBe(name);
  // Checked by `pnpm typecheck`: a comparison with a misspelt name does not compile.
  expectTypeOf(errors.BceServiceError.name).toEqualTypeOf<"BceServiceError">();
  expectTypeOf(errors.BceTimeoutError.name).toEqualTypeOf<"BceTimeoutError">();
  expectTypeOf(errors.PasswordPolicyError.name).toEqualTypeOf<"PasswordPolicyError">();
  expectTypeOf(errors.BceValidationError.name).toEqualTypeOf<"BceValidationError" | "PasswordPolicyError">();
  // @ts-expect-error: no BceNetworkError is named "BceNetworkErorr"
  expect(errors.BceNetworkError.name === "BceNetworkErorr").toBe(false);
});
