// Stateful idempotency for BEC's clientToken: same token and body answer as the first call did and
// count once; a different body gets 403 IdempotentParameterMismatch (the spec's 403 example);
// without a token every call counts.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { startMock, type MockServer } from "../src/index.js";
import { expectBceError, REBUILD_PATH, REINSTALL_BODY, REINSTALL_PATH, signedPut } from "./helpers.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

const withToken = (token: string, body: unknown = REINSTALL_BODY, path = REINSTALL_PATH) =>
  signedPut(mock.url, `${path}?clientToken=${token}`, body);

it("answers a repeated token and body as the first call did, and counts one reinstall", async () => {
  const first = await withToken("t-1");
  const again = await withToken("t-1", {
    imageType: "bec",
    imageId: "im-1",
    keyConfig: { adminPass: "root@!123456", type: "password" },
  }); // key order differs
  expect(again.status).toBe(first.status);
  expect(await again.text()).toBe(await first.text());
  expect(again.headers.get("x-bce-request-id")).not.toBe(first.headers.get("x-bce-request-id"));
  expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  expect(mock.journal.entries().map((e) => e.idempotency)).toEqual(["first", "replay"]);
});

it("answers the same token with a different body, or for another VM, with 403 IdempotentParameterMismatch", async () => {
  await withToken("t-2");
  const body = await expectBceError(
    await withToken("t-2", { ...REINSTALL_BODY, imageId: "im-2" }),
    403,
    "IdempotentParameterMismatch",
  );
  expect(body.message).toBe("The request uses the same client token as a previous, but non-identical request.");
  await expectBceError(
    await withToken("t-2", REINSTALL_BODY, "/v1/vm/instance/vm-9/system/reinstall"),
    403,
    "IdempotentParameterMismatch",
  );
  expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
});

// A repeat is checked as a first call is: the first call's answer only for a request the spec takes.
it.each([
  ["an Accept the answer cannot meet", { headers: { accept: "text/html" } }, "", 406, "NotAcceptable"],
  ["a Prefer code the operation has no answer for", { headers: { prefer: "code=999" } }, "", 400, "InvalidHTTPRequest"],
  ["a Content-Type that is not JSON", { headers: { "content-type": "text/plain" } }, "", 400, "InvalidHTTPRequest"],
  ["the token given twice", {}, "&clientToken=other", 400, "InvalidHTTPRequest"],
] as const)("a repeat with %s gets that error, not the first call's answer", async (_, init, query, status, code) => {
  expect((await withToken("t-checked")).status).toBe(200);
  const res = await signedPut(mock.url, `${REINSTALL_PATH}?clientToken=t-checked${query}`, REINSTALL_BODY, init);
  await expectBceError(res, status, code);
  expect(mock.journal.entries().map((e) => e.idempotency)).toEqual(["first", undefined]);
  expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
});

it("counts every call without a token, and every distinct token", async () => {
  await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY);
  await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY);
  await withToken("a");
  await withToken("b");
  expect(mock.actions()).toEqual({ reinstallVmInstance: 4 });
});

it("remembers only calls that took effect: a token whose first call failed can still succeed", async () => {
  mock.faults.enqueue("reinstallVmInstance", { status: 503 });
  await expectBceError(await withToken("t-3"), 503, "ServiceUnavailable");
  await expectBceError(await withToken("t-3", { ...REINSTALL_BODY, imageId: "" }), 400, "InappropriateJSON");
  expect((await withToken("t-3")).status).toBe(200);
  expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
});

it("leaves an operation without an idempotency token alone (BCC rebuild counts every call)", async () => {
  await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" });
  await signedPut(mock.url, REBUILD_PATH, { imageId: "m-2" });
  expect(mock.actions()).toEqual({ rebuildInstance: 2 });
});

it("forgets tokens on reset", async () => {
  await withToken("t-4");
  mock.reset();
  expect((await withToken("t-4", { ...REINSTALL_BODY, imageId: "im-3" })).status).toBe(200);
});

it("takes a percent-encoded path as the path it decodes to (vm-%31 is vm-1)", async () => {
  await withToken("t-enc");
  const again = await withToken("t-enc", REINSTALL_BODY, "/v1/vm/instance/vm-%31/system/reinstall");
  expect(again.status).toBe(200);
  expect(mock.journal.entries().map((e) => e.idempotency)).toEqual(["first", "replay"]);
  expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
});

it("answers a body nested too deeply to serialize again as any other: no 5xx, and its replay is recognised", async () => {
  const deep = `{"keyConfig":{"type":"password","adminPass":"root@!123456"},"imageId":"im-1","z":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
  const first = await withToken("t-deep", deep);
  expect(first.status).toBe(200);
  const again = await withToken("t-deep", deep);
  expect(again.status).toBe(200);
  expect(mock.journal.entries().map((e) => e.idempotency)).toEqual(["first", "replay"]);
  await expectBceError(await withToken("t-deep", REINSTALL_BODY), 403, "IdempotentParameterMismatch");
});
