// The clients sign as BCE wants, and the mock (signatures checked, as the real service does)
// turns every way a signature can be wrong into the right typed error.
import { BceServiceError, buildAuthorization, formatBceDate } from "@bce-openapi/core";
import { createBccClient } from "@bce-openapi/bcc";
import { createBecClient, type ReinstallVmInstanceInput } from "@bce-openapi/bec";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "@bce-openapi/mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examples, UUID } from "./helpers.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock?.close());

const body = examples.becRequest as ReinstallVmInstanceInput;
const once = { maxAttempts: 1 };

async function failure(call: Promise<unknown>): Promise<BceServiceError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BceServiceError);
  return error as BceServiceError;
}

describe("clients sign correctly", () => {
  it("with the default headers, with STS credentials, and with only host;x-bce-date", async () => {
    const bec = createBecClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS });
    await expect(bec.reinstallVmInstance("vm-1", body)).resolves.toMatchObject({ result: true });
    const sts = createBccClient({
      endpoint: mock.url,
      credentials: { ...DEFAULT_CREDENTIALS, sessionToken: "sts-token" },
    });
    await expect(sts.rebuildInstance("i-1", { imageId: "m-1" })).resolves.toMatchObject({
      requestId: expect.stringMatching(UUID),
    });
    const minimal = createBccClient({
      endpoint: mock.url,
      credentials: DEFAULT_CREDENTIALS,
      signing: { headersToSign: ["host", "x-bce-date"] },
    });
    await expect(minimal.rebuildInstance("i-1", { imageId: "m-1" })).resolves.toMatchObject({
      requestId: expect.stringMatching(UUID),
    });
  });

  it("the mock accepts the empty signedHeaders form other implementations send", async () => {
    const url = new URL(`${mock.url}/v2/instance/i-1?rebuild`);
    const payload = JSON.stringify({ imageId: "m-1" });
    const timestamp = formatBceDate(Date.now());
    const headers = {
      host: url.host,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(payload)),
      "x-bce-date": timestamp,
    };
    const { authorization, signedHeaders } = await buildAuthorization({
      method: "PUT",
      path: url.pathname,
      query: url.search,
      headers,
      ...DEFAULT_CREDENTIALS,
      timestamp,
    });
    const empty = authorization.replace(`/${signedHeaders.join(";")}/`, "//");
    expect(empty).toMatch(/^bce-auth-v1\/[^/]+\/[^/]+\/1800\/\/[0-9a-f]{64}$/);
    const res = await fetch(url, { method: "PUT", headers: { ...headers, authorization: empty }, body: payload });
    expect(res.status).toBe(200);
  });
});

describe("a mock given STS keys wants their session token, as the service does", () => {
  const sts = { accessKeyId: "sts-ak", secretAccessKey: "sts-secret-access-key-0123456789" };
  let stsMock: MockServer;
  beforeAll(async () => {
    stsMock = await startMock({ port: 0, credentials: [{ ...sts, sessionToken: "sts-token-1" }] });
  });
  afterAll(() => stsMock?.close());

  it("a client with the token is served; one that forgets it gets 403 AccessDenied, once", async () => {
    const withToken = createBccClient({ endpoint: stsMock.url, credentials: { ...sts, sessionToken: "sts-token-1" } });
    await expect(withToken.rebuildInstance("i-1", { imageId: "m-1" })).resolves.toMatchObject({
      $metadata: { httpStatusCode: 200, attempts: 1 },
    });
    const forgot = createBecClient({ endpoint: stsMock.url, credentials: sts });
    const error = await failure(forgot.reinstallVmInstance("vm-1", body));
    expect(error).toMatchObject({ status: 403, code: "AccessDenied" });
    expect(error.message).not.toContain("sts-token-1");
    // Not retried: the service refused the call, and a repeat would be refused the same way.
    expect(stsMock.journal.entries().filter((e) => e.path.startsWith("/v1/"))).toHaveLength(1);
  });
});

describe("a bad signature is a typed error with the code BCE gives", () => {
  it("wrong secret key: 400 SignatureDoesNotMatch", async () => {
    const bec = createBecClient({
      endpoint: mock.url,
      credentials: { ...DEFAULT_CREDENTIALS, secretAccessKey: "wrong-secret-key-000000" },
    });
    expect(await failure(bec.reinstallVmInstance("vm-1", body))).toMatchObject({
      status: 400,
      code: "SignatureDoesNotMatch",
    });
  });

  it("unknown access key: 403 InvalidAccessKeyId", async () => {
    const bcc = createBccClient({
      endpoint: mock.url,
      credentials: { accessKeyId: "nobody", secretAccessKey: "some-secret-key-0000000" },
    });
    expect(await failure(bcc.rebuildInstance("i-1", { imageId: "m-1" }))).toMatchObject({
      status: 403,
      code: "InvalidAccessKeyId",
    });
  });

  it("expired timestamp: 400 RequestExpired", async () => {
    // Signatures valid for 1 s from a clock 2 minutes behind: expired, and the clocks are too close
    // (under 5 minutes) for the client to take the mock's time and try again.
    const behind = () => Date.now() - 120_000;
    const bec = createBecClient({
      endpoint: mock.url,
      credentials: DEFAULT_CREDENTIALS,
      signing: { clock: behind, expirationInSeconds: 1 },
      retry: once,
    });
    expect(await failure(bec.reinstallVmInstance("vm-1", body))).toMatchObject({ status: 400, code: "RequestExpired" });
  });

  it("a signed header changed on the way: 400 SignatureDoesNotMatch", async () => {
    const bcc = createBccClient({
      endpoint: mock.url,
      credentials: DEFAULT_CREDENTIALS,
      retry: once,
      fetch: async (request) => {
        const headers = new Headers(request.headers);
        headers.set("content-type", "application/json; charset=utf-8"); // signed by default
        return fetch(request.url, { method: request.method, headers, body: await request.arrayBuffer() });
      },
    });
    expect(await failure(bcc.rebuildInstance("i-1", { imageId: "m-1" }))).toMatchObject({
      status: 400,
      code: "SignatureDoesNotMatch",
    });
  });

  it("no Authorization header at all: 400 InvalidHTTPAuthHeader", async () => {
    const res = await fetch(`${mock.url}/v1/vm/instance/vm-1/system/reinstall`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const error = await res.json();
    expect(res.status).toBe(400);
    expect(error).toMatchObject({ code: "InvalidHTTPAuthHeader", requestId: res.headers.get("x-bce-request-id") });
  });
});
