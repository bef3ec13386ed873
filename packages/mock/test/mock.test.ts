import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMock, type MockServer } from "../src/index.js";
import { expectBceError, FIXTURE, put } from "./helpers.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ spec: FIXTURE, port: 0, auth: false });
});
afterAll(() => mock.close());

const reinstall = (vmID = "vm-1") => `${mock.url}/v1/vm/instance/${vmID}/system/reinstall`;
const validReinstall = { imageId: "m-abc", imageType: "bec", keyConfig: { type: "password", adminPass: "x" } };
const rebuild = (query: string, version = "2") => `${mock.url}/v${version}/instance/i-1${query}`;

describe("BEC reinstall", () => {
  it("answers a valid request with the example body and a request id", async () => {
    const res = await put(reinstall(), validReinstall);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-bce-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ result: true, action: "reinstall", details: { vmId: "vm-abc123" } });
  });

  it("rejects an imageType outside the enum, naming the field", async () => {
    const body = await expectBceError(
      await put(reinstall(), { ...validReinstall, imageType: "ubuntu" }),
      400,
      "InappropriateJSON",
    );
    expect(body.message).toContain("imageType");
  });

  it("rejects a body without imageId", async () => {
    const { imageId: _, ...body } = validReinstall;
    const error = await expectBceError(await put(reinstall(), body), 400, "InappropriateJSON");
    expect(error.message).toContain("required property 'imageId'");
  });

  it("rejects a missing body", async () => {
    const res = await fetch(reinstall(), { method: "PUT" });
    await expectBceError(res, 400, "InvalidHTTPRequest");
  });

  it("answers malformed JSON with MalformedJSON", async () => {
    await expectBceError(await put(reinstall(), '{"imageId": ', true), 400, "MalformedJSON");
  });

  it("does not quote a malformed body in its answer: a password in it stays unsaid", async () => {
    const body = '{"imageId":"im-1","keyConfig":{"type":"password","adminPass":Secret123!}}';
    const res = await put(reinstall(), body, true);
    const text = await res.clone().text();
    await expectBceError(res, 400, "MalformedJSON");
    expect(text).not.toContain("Secret123");
    expect(JSON.parse(text).message).toBe("The JSON you provided was not well-formed.");
  });

  // RFC 8259 has JSON sent as UTF-8; read with its bad bytes replaced, a GBK body took effect.
  it("rejects a JSON body that is not UTF-8 with InvalidHTTPRequest, and takes no action", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"imageId":"im-'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","imageType":"bec","keyConfig":{"type":"password","adminPass":"x"}}'),
    ]);
    const before = mock.actions();
    for (const type of ["application/json", "application/json;charset=GBK"]) {
      const res = await fetch(reinstall(), { method: "PUT", headers: { "content-type": type }, body: bytes });
      const error = await expectBceError(res, 400, "InvalidHTTPRequest");
      expect(error.message).toBe("the body is not UTF-8, the encoding of JSON");
    }
    expect(mock.actions()).toEqual(before);
  });

  it("rejects a body that is not JSON", async () => {
    const res = await fetch(reinstall(), { method: "PUT", headers: { "content-type": "text/plain" }, body: "hello" });
    await expectBceError(res, 400, "InvalidHTTPRequest");
  });

  it("routes whatever Host the request carries (the spec servers are not matched)", async () => {
    const res = await fetch(reinstall(), {
      method: "PUT",
      headers: { "content-type": "application/json", host: "bec.baidubce.com" },
      body: JSON.stringify(validReinstall),
    });
    expect(res.status).toBe(200);
  });
});

describe("BCC rebuild and its empty ?rebuild flag", () => {
  it.each(["?rebuild", "?rebuild="])("accepts %s", async (query) => {
    const res = await put(rebuild(query), { imageId: "m-1" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-bce-request-id")).toBeTruthy();
    expect(await res.text()).toBe("");
  });

  it("accepts the flag among other query parameters", async () => {
    expect((await put(rebuild("?clientToken=abc&rebuild"), { imageId: "m-1" })).status).toBe(200);
  });

  it("rejects a request without the flag", async () => {
    const body = await expectBceError(await put(rebuild(""), { imageId: "m-1" }), 400, "InvalidHTTPRequest");
    expect(body.message).toContain("rebuild");
  });

  it.each(["?rebuild=x", "?rebuild=yes"])("rejects %s", async (query) => {
    const body = await expectBceError(await put(rebuild(query), { imageId: "m-1" }), 400, "InvalidHTTPRequest");
    expect(body.message).toContain("query.rebuild");
  });

  it("still validates the body when the flag is empty", async () => {
    await expectBceError(await put(rebuild("?rebuild"), {}), 400, "InappropriateJSON");
  });

  // BCE's common error table: InappropriateJSON is for JSON that is not what the operation takes;
  // a request whose query is wrong as well is an InvalidHTTPRequest, naming both.
  it("answers a bad query and a bad body together as InvalidHTTPRequest", async () => {
    const body = await expectBceError(await put(rebuild("?rebuild=x"), {}), 400, "InvalidHTTPRequest");
    expect(body.message).toContain("query.rebuild");
    expect(body.message).toContain("body");
  });

  it("answers an unknown version with InvalidVersion", async () => {
    await expectBceError(await put(rebuild("?rebuild", "3"), { imageId: "m-1" }), 404, "InvalidVersion");
  });

  it("tells only the version of a request for a version there is not (not the body or query it lacks)", async () => {
    // As the official JavaScript SDK starts an instance: another action, another version, no body.
    const res = await fetch(`${mock.url}/v1/instance/i-1?start=`, { method: "PUT" });
    const body = await expectBceError(res, 404, "InvalidVersion");
    expect(body.message).toMatch(/^path\.version: /);
    expect(body.message).not.toMatch(/[Bb]ody|rebuild/);
  });

  it("answers a missing version (/v/instance/...) with InvalidVersion too, naming it as the spec does", async () => {
    const body = await expectBceError(await put(rebuild("?rebuild", ""), { imageId: "m-1" }), 404, "InvalidVersion");
    expect(body.message).toBe("path.version: Request path must have required property 'version'");
  });

  it("names a missing path parameter as the spec does (instanceId, not Prism's instanceid)", async () => {
    const body = await expectBceError(
      await put(`${mock.url}/v2/instance/?rebuild`, { imageId: "m-1" }),
      400,
      "InvalidHTTPRequest",
    );
    expect(body.message).toBe("path.instanceId: Request path must have required property 'instanceId'");
  });

  // JSON, well formed, of the wrong type: Prism took it for no body at all.
  it("answers a body of JSON null with InappropriateJSON", async () => {
    const body = await expectBceError(await put(rebuild("?rebuild"), null), 400, "InappropriateJSON");
    expect(body.message).toBe("body: must be object, not null");
  });
});

describe("routing", () => {
  it("answers an unknown path with 404", async () => {
    const body = await expectBceError(await fetch(`${mock.url}/v1/nothing/here?x=1`), 404, "NotFound");
    expect(body.message).toBe("no operation of the spec has the path /v1/nothing/here");
  });

  it("answers a known path with the wrong method with 405 and an Allow header naming the spec's methods", async () => {
    const res = await fetch(rebuild("?rebuild"));
    expect(res.headers.get("allow")).toBe("PUT");
    await expectBceError(res, 405, "MethodNotAllowed");
    const del = await fetch(reinstall(), { method: "DELETE" });
    expect(del.headers.get("allow")).toBe("PUT");
    const body = await expectBceError(del, 405, "MethodNotAllowed");
    expect(body.message).toBe(`DELETE is not a method of ${new URL(reinstall()).pathname}; its methods are PUT`);
  });

  it("answers many requests on one keep-alive connection", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => put(rebuild("?rebuild"), { imageId: "m" }).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(20).fill(200));
  });
});
