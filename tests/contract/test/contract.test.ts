// Both clients against the mock (Prism serving the real bundle, signatures checked), over loopback.
import { BceServiceError, BceValidationError } from "@bce-openapi/core";
import { unwrap } from "@bce-openapi/core/internal";
import { createBccClient } from "@bce-openapi/bcc";
import { createBecClient, type ReinstallVmInstanceInput, type VmInstanceReinstallRequest } from "@bce-openapi/bec";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "@bce-openapi/mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examples, expectValid, UUID } from "./helpers.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock?.close());

const clients = () => ({
  bec: createBecClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS }),
  bcc: createBccClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS }),
});

describe("the seeds' example requests", () => {
  it("BEC reinstall: the example request gets a body that validates against the spec", async () => {
    const { $metadata, ...answer } = await clients().bec.reinstallVmInstance(
      "vm-6ahy6dli",
      examples.becRequest as ReinstallVmInstanceInput,
    );
    expectValid("VmInstanceReinstallResult", answer);
    expect(answer).toEqual(examples.becResponse);
    expect($metadata).toEqual({
      httpStatusCode: 200,
      requestId: expect.stringMatching(UUID),
      attempts: 1,
      totalRetryDelay: 0,
      clientToken: expect.stringMatching(UUID),
    });
  });

  it("BCC rebuild: the example request (ciphertext as given) is accepted and yields the request id", async () => {
    const { adminPass, ...rest } = examples.bccRequest as { adminPass: string; imageId: string };
    expectValid("RebuildInstanceRequest", examples.bccRequest);
    const { requestId, $metadata } = await clients().bcc.rebuildInstance("i-YufwpQAe", {
      ...rest,
      adminPass: { encrypted: adminPass },
    });
    expect(requestId).toMatch(UUID);
    expect($metadata).toEqual({ httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 });
  });

  it("BCC rebuild: the seed's plaintext password is encrypted by the client into the spec's example ciphertext", async () => {
    let sent: unknown;
    const bcc = createBccClient({
      endpoint: mock.url,
      credentials: DEFAULT_CREDENTIALS,
      fetch: async (request) => {
        sent = await request.clone().json();
        return fetch(request);
      },
    });
    await bcc.rebuildInstance("i-YufwpQAe", { imageId: "m-mRjO3cjs", adminPass: "1qaz@WSX" });
    expect(sent).toEqual(examples.bccRequest);
  });
});

/** Send a body straight to the mock through the typed raw client (signed, not checked client-side). */
async function rawReinstall(body: unknown) {
  const result = await clients().bec.raw.PUT("/v1/vm/instance/{vmID}/system/reinstall", {
    params: { path: { vmID: "vm-1" } },
    body: body as VmInstanceReinstallRequest,
  });
  return () => unwrap(result);
}

const validBec = examples.becRequest as ReinstallVmInstanceInput & { keyConfig: { adminPass: string } };
const withPassword = (adminPass: string) => ({ ...validBec, keyConfig: { ...validBec.keyConfig, adminPass } });
const { imageId: _imageId, ...withoutImageId } = validBec;

describe.each([
  ["adminPass too short", withPassword("ab1!")],
  ["adminPass too long", withPassword(`Aa1!${"x".repeat(29)}`)],
  ["adminPass missing a digit", withPassword("abcdefgh!")],
  ["adminPass with a symbol outside the list", withPassword("abcd1234&")],
  ["no imageId", withoutImageId],
  ["imageType not a string", { ...validBec, imageType: 7 }],
])("an invalid BEC request: %s", (_, body) => {
  it("is answered 400 InappropriateJSON by the mock, surfacing as a BceServiceError", async () => {
    const surface = await rawReinstall(body);
    const error = (() => {
      try {
        surface();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BceServiceError);
    expect(error).toMatchObject({ status: 400, code: "InappropriateJSON", requestId: expect.stringMatching(UUID) });
  });

  it("is refused by the client before sending, naming the field", async () => {
    let sent = 0;
    const bec = createBecClient({
      endpoint: mock.url,
      credentials: DEFAULT_CREDENTIALS,
      fetch: (r) => {
        sent++;
        return fetch(r);
      },
    });
    const error = await bec
      .reinstallVmInstance("vm-1", body as unknown as ReinstallVmInstanceInput)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect((error as BceValidationError).field).toMatch(/^body\.(keyConfig\.adminPass|imageId|imageType)$/);
    expect(sent).toBe(0);
  });
});

describe("the BCC path and flag", () => {
  const rebuildRaw = (version: string, query: Record<string, string>) =>
    clients().bcc.raw.PUT("/v{version}/instance/{instanceId}", {
      // Casts: the types forbid exactly these mistakes; the mock must refuse them on the wire too.
      params: { path: { version: version as "2", instanceId: "i-1" }, query: query as { rebuild: "" } },
      body: { imageId: "m-mRjO3cjs" },
    });

  it("an unknown version is refused with a 4xx BceServiceError", async () => {
    const result = await rebuildRaw("3", { rebuild: "" });
    expect(() => unwrap(result)).toThrow(BceServiceError);
    expect(result.response.status).toBeGreaterThanOrEqual(400);
    expect(result.response.status).toBeLessThan(500);
  });

  it("a rebuild without the flag is refused with 400", async () => {
    const result = await rebuildRaw("2", {});
    expect(() => unwrap(result)).toThrow(BceServiceError);
    expect(result.response.status).toBe(400);
  });

  it.each([
    ["?rebuild", "bare flag (Go, Java)"],
    ["?rebuild=", "empty value (Python, JS)"],
  ])("both wire forms of the flag are accepted: %s, %s", async (query) => {
    const bcc = createBccClient({
      endpoint: mock.url,
      credentials: DEFAULT_CREDENTIALS,
      // Rewrite the signed request's query on the wire: both forms canonicalize to `rebuild=`,
      // so the signature holds for either.
      fetch: async (request) =>
        fetch(request.url.replace(/\?rebuild=?$/, query), {
          method: request.method,
          headers: request.headers,
          body: await request.arrayBuffer(),
        }),
    });
    await expect(bcc.rebuildInstance("i-1", { imageId: "m-mRjO3cjs" })).resolves.toMatchObject({
      requestId: expect.stringMatching(UUID),
    });
  });
});

describe("each client knows only its own service", () => {
  it("the BCC path is a type error on the BEC client, and the BEC path on the BCC client", () => {
    const { bec, bcc } = clients();
    // The calls are never made: only their types are checked (tsc --noEmit runs over this file).
    const never = false as boolean;
    if (never) {
      // @ts-expect-error BEC knows nothing of /v{version}/instance/{instanceId}
      void bec.raw.PUT("/v{version}/instance/{instanceId}", {});
      // @ts-expect-error BCC knows nothing of the BEC reinstall path
      void bcc.raw.PUT("/v1/vm/instance/{vmID}/system/reinstall", {});
    }
    expect(Object.keys(bec)).toEqual(expect.arrayContaining(["raw", "reinstallVmInstance"]));
    expect(bcc).not.toHaveProperty("reinstallVmInstance");
    expect(bec).not.toHaveProperty("rebuildInstance");
  });
});
