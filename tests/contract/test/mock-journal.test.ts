// What a consumer's test can assert through the mock's journal: what its app put on the wire.
// Here the app is each client: BEC encodes userData and sends one clientToken; BCC encrypts
// adminPass with the secret key, so the plaintext never leaves; both sign every request. The
// journal itself keeps no plaintext password (BEC's keyConfig.adminPass reads <redacted>).
import { encodeUserData, encryptAdminPass } from "@bce-openapi/core";
import { createBccClient } from "@bce-openapi/bcc";
import { createBecClient } from "@bce-openapi/bec";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "@bce-openapi/mock";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { examples } from "./helpers.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

it("BEC: the journal shows the encoded userData, the clientToken and a verified signature, with the signature redacted", async () => {
  const bec = createBecClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS });
  const userData = "#!/bin/sh\necho hello";
  const result = await bec.reinstallVmInstance("vm-6ahy6dli", {
    ...(examples.becRequest as object),
    userData,
  } as Parameters<typeof bec.reinstallVmInstance>[1]);
  const [entry] = await mock.journal.waitFor(1);
  expect(entry).toMatchObject({
    method: "PUT",
    path: "/v1/vm/instance/vm-6ahy6dli/system/reinstall",
    operationId: "reinstallVmInstance",
    signature: "verified",
    idempotency: "first",
    answer: { status: 200 },
  });
  expect(new URLSearchParams(entry!.query).get("clientToken")).toBeTruthy();
  // BEC sends keyConfig.adminPass in plain text; the journal redacts it and keeps the rest.
  const sent = { ...examples.becRequest, userData: encodeUserData(userData) } as unknown as {
    keyConfig: Record<string, unknown>;
  };
  expect(JSON.parse(entry!.body)).toEqual({ ...sent, keyConfig: { ...sent.keyConfig, adminPass: "<redacted>" } });
  expect(entry!.body).not.toContain(String(sent.keyConfig.adminPass));
  expect(entry!.headers.authorization).toMatch(/^bce-auth-v1\/mock-access-key-id\/[^/]+\/\d+\/[^/]*\/<redacted>$/);
  expect(entry!.headers["x-bce-date"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(result).toMatchObject({ result: true });
});

it("BCC: the journal shows adminPass encrypted with the secret key; the plaintext never reached the wire", async () => {
  const bcc = createBccClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS });
  const { requestId } = await bcc.rebuildInstance("i-YufwpQAe", { imageId: "m-mRjO3cjs", adminPass: "1qaz@WSX" });
  const [entry] = await mock.journal.waitFor(1);
  expect(entry!.requestId).toBe(requestId);
  expect(entry!.query === "rebuild" || entry!.query === "rebuild=").toBe(true);
  expect(JSON.parse(entry!.body)).toEqual({
    imageId: "m-mRjO3cjs",
    adminPass: await encryptAdminPass("1qaz@WSX", DEFAULT_CREDENTIALS.secretAccessKey),
  });
  expect(JSON.stringify(mock.journal.entries())).not.toContain("1qaz@WSX");
  expect(JSON.stringify(mock.journal.entries())).not.toContain(DEFAULT_CREDENTIALS.secretAccessKey);
});
