// The official SDKs' requests (fixtures/sdk-corpus/), each signed and sent raw to the mock over
// loopback: the service side of the spec must accept what bce-sdk-go, bce-sdk-java and
// bce-sdk-python put on the wire. The clients stay stricter: the spec's x-client-rules refuse the
// nulls, empty identifiers and extra fields, and a client refuses such a body before sending it.
import { readdirSync, readFileSync } from "node:fs";
import { BceValidationError, signRequest } from "@bce-openapi/core";
import { validateSchema } from "@bce-openapi/core/internal/validation";
import { createBecClient } from "@bce-openapi/bec";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "@bce-openapi/mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { spec, UUID } from "./helpers.js";

interface Trace {
  path: string;
  commit: string;
  type: string;
}
interface CorpusRequest {
  name: string;
  operation: string;
  trace: Trace[];
  note: string;
  path: string;
  query: string;
  body: string;
}
interface CorpusFile {
  sdk: string;
  repository: string;
  serialization: string | null;
  signedHeaders: string[] | null;
  requests: CorpusRequest[];
  none?: string;
}

const dir = new URL("../fixtures/sdk-corpus/", import.meta.url);
const files: CorpusFile[] = readdirSync(dir)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, dir), "utf8")) as CorpusFile);
const requests = files.flatMap((file) => file.requests.map((request) => ({ file, request })));

const OPERATIONS: Record<string, { path: RegExp; schema: string }> = {
  reinstallVmInstance: {
    path: /^\/v1\/vm\/instance\/[A-Za-z0-9][A-Za-z0-9_.-]*\/system\/reinstall$/,
    schema: "VmInstanceReinstallRequest",
  },
  rebuildInstance: { path: /^\/v2\/instance\/[A-Za-z0-9][A-Za-z0-9_.-]*$/, schema: "RebuildInstanceRequest" },
};

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock?.close());
// The mock remembers clientTokens as the service does; corpus requests that share a token must
// not meet each other's first answer.
afterEach(() => mock?.reset());

describe("the corpus", () => {
  it("covers the three SDKs that implement the operations, both operations, and says why the fourth has none", () => {
    expect(files.map((f) => f.sdk).sort()).toEqual(["@baiducloud/sdk", "bce-sdk-go", "bce-sdk-java", "bce-sdk-python"]);
    for (const file of files) {
      if (file.requests.length === 0) expect(file.none, file.sdk).toMatch(/abstractMethod/);
      else expect(new Set(file.requests.map((r) => r.operation)), file.sdk).toEqual(new Set(Object.keys(OPERATIONS)));
    }
    expect(new Set(requests.map(({ request }) => request.name)).size).toBe(requests.length);
    expect(requests.length).toBeGreaterThanOrEqual(15);
  });

  it.each(requests.map(({ file, request }) => [request.name, file, request] as const))(
    "%s is traced to a file, type and commit",
    (_, file, request) => {
      expect(file.repository).toMatch(/^baidubce\/bce-sdk-(go|java|python)$/);
      expect(request.trace.length).toBeGreaterThan(0);
      for (const t of request.trace) {
        expect(t.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(t.path.length).toBeGreaterThan(0);
        expect(t.type.length).toBeGreaterThan(0);
      }
      expect(request.path).toMatch(OPERATIONS[request.operation]!.path);
      expect(() => JSON.parse(request.body)).not.toThrow();
    },
  );
});

describe("the mock accepts every SDK request, signed, as the service does", () => {
  it.each(requests.map(({ file, request }) => [request.name, file, request] as const))(
    "%s",
    async (_, file, request) => {
      const url = new URL(`${mock.url}${request.path}${request.query ? `?${request.query}` : ""}`);
      const headers: Record<string, string> = {
        host: url.host,
        "content-type": "application/json;charset=utf-8",
        "content-length": String(Buffer.byteLength(request.body)),
      };
      const signed = await signRequest(
        { method: "PUT", url, headers },
        DEFAULT_CREDENTIALS,
        file.signedHeaders ? { headersToSign: file.signedHeaders } : {},
      );
      // The query string goes out exactly as the SDK writes it (`?rebuild`, `?rebuild=`).
      const res = await fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body: request.body });
      const text = await res.text();
      expect(res.status, text).toBeGreaterThanOrEqual(200);
      expect(res.status, text).toBeLessThan(300);
      expect(res.headers.get("x-bce-request-id")).toMatch(UUID);
      if (request.operation === "reinstallVmInstance") expect(JSON.parse(text)).toMatchObject({ result: true });
    },
  );
});

describe("the mock is not simply open", () => {
  it.each([
    [
      "BEC without imageId",
      "/v1/vm/instance/vm-1/system/reinstall",
      "",
      '{"keyConfig":{"type":"password","adminPass":"root@!123456"}}',
    ],
    ["BEC with a numeric imageType", "/v1/vm/instance/vm-1/system/reinstall", "", '{"imageId":"im-1","imageType":5}'],
    ["BCC with a plain-text adminPass", "/v2/instance/i-1", "rebuild", '{"imageId":"m-1","adminPass":"1qaz@WSX"}'],
    ["BCC with a string for a boolean", "/v2/instance/i-1", "rebuild", '{"imageId":"m-1","isOpenHostEye":"yes"}'],
  ])("refuses %s with 400 InappropriateJSON", async (_, path, query, body) => {
    const url = new URL(`${mock.url}${path}${query ? `?${query}` : ""}`);
    const headers = {
      host: url.host,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
    };
    const signed = await signRequest({ method: "PUT", url, headers }, DEFAULT_CREDENTIALS);
    const res = await fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "InappropriateJSON" });
  });
});

describe("the clients stay stricter than the service", () => {
  const issues = (request: CorpusRequest, clientRules: boolean) =>
    validateSchema(
      JSON.parse(request.body),
      { $ref: `#/components/schemas/${OPERATIONS[request.operation]!.schema}` },
      { root: spec, path: "body", clientRules },
    );

  it("the service side of the spec accepts every body", () => {
    for (const { request } of requests) expect(issues(request, false), request.name).toEqual([]);
  });

  it("x-client-rules refuse every body with nulls, empty identifiers, extra fields, no keyConfig or a top-level adminPass", () => {
    const clientWouldSend = requests
      .filter(({ request }) => issues(request, true).length === 0)
      .map(({ request }) => request.name);
    expect(clientWouldSend).toEqual([
      "go-bec-reinstall-key-pair",
      "python-bec-reinstall-admin-pass",
      "python-bec-reinstall-key-pair-user-data",
      "python-bcc-rebuild-password",
      "python-bcc-rebuild-key-pair",
    ]);
    const rules = (name: string) =>
      issues(requests.find(({ request }) => request.name === name)!.request, true).map((i) => `${i.path} ${i.rule}`);
    expect(rules("go-bec-reinstall-userdata-without-keyconfig")).toContain("body.keyConfig required");
    // bce-sdk-go's own test sends the password twice, in keyConfig and at the top: the deprecated one is not sent.
    expect(rules("go-bec-reinstall-password")).toEqual(["body.adminPass not"]);
    expect(rules("java-bec-reinstall-password")).toEqual(
      expect.arrayContaining([
        "body.vmID additionalProperties",
        "body.userData type",
        "body.keyConfig.bccKeyPairIdList type",
      ]),
    );
    expect(rules("go-bcc-rebuild-v1-key-pair-empty-password")).toEqual(
      expect.arrayContaining(["body.adminPass minLength", "body.cleanLastUserData type"]),
    );
    expect(rules("go-bcc-rebuild-v2-password")).toEqual(
      expect.arrayContaining(["body.keypairId minLength", "body.isOpenHostEye type"]),
    );
    expect(rules("java-bcc-rebuild-password")).toEqual(
      expect.arrayContaining(["body.keypairId type", "body.requestCredentials additionalProperties"]),
    );
  });

  it("the BEC client refuses the Java SDK's body before anything is sent", async () => {
    const sent: Request[] = [];
    const bec = createBecClient({
      endpoint: mock.url,
      credentials: DEFAULT_CREDENTIALS,
      fetch: async (request: Request) => {
        sent.push(request);
        return new Response(null, { status: 599 });
      },
    });
    const java = requests.find(({ request }) => request.name === "java-bec-reinstall-password")!.request;
    const error = await bec.reinstallVmInstance("vm-6ahy6dli", JSON.parse(java.body)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BceValidationError);
    expect(sent).toEqual([]);
  });
});
