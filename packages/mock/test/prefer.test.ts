// Prefer: code=, example=, dynamic=true, as Prism documents them, answered with BCE's error body.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSpecPath, startMock, type MockServer } from "../src/index.js";
import { expectBceError, REBUILD_PATH, REINSTALL_BODY, REINSTALL_PATH, signedPut } from "./helpers.js";

const examples = JSON.parse(readFileSync(defaultSpecPath(), "utf8")).components.examples as Record<
  string,
  { value: { code?: string; message?: string } }
>;

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock(); // the real bundle, signatures checked
});
afterAll(() => mock.close());

const prefer = (path: string, value: string, body: unknown = REINSTALL_BODY) =>
  signedPut(mock.url, path, body, { headers: { prefer: value } });

describe("Prefer", () => {
  it.each([
    ["code=500", 500, "InternalError"],
    ["code=503", 503, "ServiceUnavailable"],
    ["code=412", 412, "PreconditionFailed"],
    ["code=403, example=IdempotentParameterMismatch", 403, "IdempotentParameterMismatch"],
    ["code=403; example=AccessDenied", 403, "AccessDenied"],
    ["code=404", 404, "NoSuchObject"],
  ])("%s answers the spec example as a BCE error with this request id", async (value, status, code) => {
    const body = await expectBceError(await prefer(REINSTALL_PATH, value), status, code);
    expect(body.message).toBe(examples[`Error${code}`]!.value.message);
  });

  it("works for BCC too (rebuild has no 200 body but shares the error responses)", async () => {
    await expectBceError(await prefer(REBUILD_PATH, "code=500", { imageId: "m-1" }), 500, "InternalError");
  });

  it("a 404 is each operation's own: BEC's unknown instance, BCC's unknown version", async () => {
    await expectBceError(await prefer(REINSTALL_PATH, "code=404, example=InvalidVersion"), 400, "InvalidHTTPRequest");
    await expectBceError(await prefer(REBUILD_PATH, "code=404", { imageId: "m-1" }), 404, "InvalidVersion");
  });

  it("BCC rebuild, which takes no client token, has no IdempotentParameterMismatch answer to offer", async () => {
    const body = await expectBceError(
      await prefer(REBUILD_PATH, "code=403, example=IdempotentParameterMismatch", { imageId: "m-1" }),
      400,
      "InvalidHTTPRequest",
    );
    expect(body.message).toMatch(/^Prefer: rebuildInstance has no example named IdempotentParameterMismatch/);
    await expectBceError(
      await prefer(REBUILD_PATH, "code=403, example=AccessDenied", { imageId: "m-1" }),
      403,
      "AccessDenied",
    );
  });

  it("example= alone picks an example of the success answer; an unknown one is a 400 naming it", async () => {
    const res = await prefer(REINSTALL_PATH, "example=seedExample");
    expect(res.status).toBe(200);
    expect((await res.json()).action).toBe("reinstall");
    const body = await expectBceError(await prefer(REINSTALL_PATH, "example=nope"), 400, "InvalidHTTPRequest");
    expect(body.message).toMatch(
      /^Prefer: reinstallVmInstance has no example named nope; its examples, by answer: 200 /,
    );
    // The success answer's examples are told apart from the error answers', which need code= too.
    expect(body.message).toMatch(/: 200 seedExample, evolvedAnswer; 400 [^;]*InvalidHTTPRequest/);
    expect(body.message).toMatch(/\(one of another answer than the 200 needs its code= too\)$/);
  });

  it.each(["example=nope", "code=200, example=nope", "example=__proto__"])(
    "BCC (whose 200 has no body, so Prism would not look at the name): %s is a 400 naming it",
    async (value) => {
      const body = await expectBceError(
        await prefer(REBUILD_PATH, value, { imageId: "m-1" }),
        400,
        "InvalidHTTPRequest",
      );
      expect(body.message).toMatch(
        /^Prefer: rebuildInstance has no example named (nope|__proto__); its examples, by answer: /,
      );
    },
  );

  it.each([
    [
      REINSTALL_PATH,
      "example=InternalError",
      REINSTALL_BODY,
      /reinstallVmInstance's 200 answer \(the one answered without code=\); it belongs to its 500 answer: add code=500$/,
    ],
    [
      REBUILD_PATH,
      "example=InternalError",
      { imageId: "m-1" },
      /rebuildInstance's 200 answer \(the one answered without code=\); it belongs to its 500 answer: add code=500$/,
    ],
    [
      REBUILD_PATH,
      "code=200, example=AccessDenied",
      { imageId: "m-1" },
      /rebuildInstance's 200 answer; it belongs to its 403 answer: add code=403$/,
    ],
    [
      REINSTALL_PATH,
      "code=500, example=seedExample",
      REINSTALL_BODY,
      /reinstallVmInstance's 500 answer; it belongs to its 200 answer: add code=200$/,
    ],
  ])(
    "%s, %s: an example of another answer than the one picked is a 400 saying whose it is, for BEC and BCC alike",
    async (path, value, body, message) => {
      mock.reset();
      const error = await expectBceError(await prefer(path, value, body), 400, "InvalidHTTPRequest");
      expect(error.message).toMatch(/^Prefer: example=\w+ is not an example of /);
      expect(error.message).toMatch(message);
      expect(mock.actions()).toEqual({});
    },
  );

  it("a status the operation does not define is a 400, not a 5xx", async () => {
    const body = await expectBceError(await prefer(REINSTALL_PATH, "code=418"), 400, "InvalidHTTPRequest");
    expect(body.message).toMatch(/^Prefer: .*418/);
  });

  it.each(["code=abc", "code=5000", "dynamic=maybe", "example="])(
    "a malformed preference (%s) is a 400 naming it",
    async (value) => {
      const body = await expectBceError(await prefer(REINSTALL_PATH, value), 400, "InvalidHTTPRequest");
      expect(body.message).toMatch(/^Prefer: /);
    },
  );

  // Two Prefer headers arrive as one list (Node joins them with ", "). The last value was taken, so
  // `code=400` beside a `code=500` of another layer was answered 500 InternalError.
  it.each([
    ["code=400, code=500", "code"],
    ["code=503; example=ServiceUnavailable, example=InternalError", "example"],
    ["dynamic=true, dynamic=false", "dynamic"],
  ])("a preference given twice with different values (%s) is a 400 naming it", async (value, name) => {
    const body = await expectBceError(await prefer(REINSTALL_PATH, value), 400, "InvalidHTTPRequest");
    expect(body.message).toMatch(new RegExp(`^Prefer: ${name} is given twice`));
  });

  it("a preference repeated with the same value is taken once", async () => {
    await expectBceError(await prefer(REINSTALL_PATH, "code=503, code=503"), 503, "ServiceUnavailable");
  });

  it("dynamic=true generates a body from the schema, not the example", async () => {
    const res = await prefer(REINSTALL_PATH, "dynamic=true");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).not.toEqual(examples.BecReinstallResponseExample!.value);
    expect(typeof body.result).toBe("boolean");
    expect(res.headers.get("x-bce-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("dynamic=true with an error code generates an error body that still carries the request id", async () => {
    const res = await prefer(REINSTALL_PATH, "code=503, dynamic=true");
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.requestId).toBe(res.headers.get("x-bce-request-id"));
    expect(typeof body.code).toBe("string");
  });

  // The schema lists every code; a generated one was any of them (a 503 InternalError, a 500 RequestExpired).
  it.each([
    [503, ["ServiceUnavailable"]],
    [500, ["InternalError"]],
  ])("dynamic=true with code=%i answers one of that status's codes, with its message", async (status, codes) => {
    for (let i = 0; i < 24; i++) {
      const res = await prefer(REINSTALL_PATH, `code=${status}, dynamic=true`);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { code: string; message: string; requestId: string };
      expect(body.requestId).toBe(res.headers.get("x-bce-request-id"));
      expect(codes).toContain(body.code);
      expect(body.message).toBe(examples[`Error${body.code}`]!.value.message);
    }
  });

  it("does not skip the checks: an invalid body still gets 400, an unsigned request still gets the auth error", async () => {
    await expectBceError(
      await prefer(REINSTALL_PATH, "code=500", { ...REINSTALL_BODY, imageId: "" }),
      400,
      "InappropriateJSON",
    );
    const unsigned = await fetch(`${mock.url}${REINSTALL_PATH}`, {
      method: "PUT",
      headers: { prefer: "code=500", "content-type": "application/json" },
      body: JSON.stringify(REINSTALL_BODY),
    });
    await expectBceError(unsigned, 400, "InvalidHTTPAuthHeader");
  });

  it("a chosen error does not count as the operation taking effect", async () => {
    mock.reset();
    await prefer(REINSTALL_PATH, "code=500");
    expect(mock.actions()).toEqual({});
    await prefer(REINSTALL_PATH, "return=minimal"); // not Prism's: ignored
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  });
});
