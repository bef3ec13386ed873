// Adding an operation to the spec is all it takes to get a working, typed, signed method: a copy
// of the BEC bundle with two more operations (a GET with a path and a query parameter and an
// open-enum answer, a POST with a body and no answer body) is generated here, type-checked with
// tsc, and called against a loopback server that verifies each request's signature.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BceValidationError, verifyRequest } from "@bce-openapi/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundle, generateInto, typecheck } from "./helpers.js";

const credentials = { accessKeyId: "fixture-ak", secretAccessKey: "fixture-secret-access-key-0123" };

function fixtureBundle() {
  const doc = bundle("bec");
  const vmId = { $ref: "#/components/parameters/VmID" };
  const error = { $ref: "#/components/responses/BadRequest" };
  // The bundle's root servers serve it, as they serve the reinstall.
  doc.paths["/v1/vm/instance/{vmID}"] = {
    get: {
      operationId: "getVmInstance",
      summary: "Describe a VM instance",
      "x-bce-retry": "unsafe",
      parameters: [
        vmId,
        { name: "withImage", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] } },
      ],
      responses: {
        "200": {
          description: "ok",
          content: { "application/json": { schema: { $ref: "#/components/schemas/VmSummary" } } },
        },
        "400": error,
      },
    },
  };
  doc.paths["/v1/vm/instance/{vmID}/tag"] = {
    post: {
      operationId: "tagVmInstance",
      summary: "Tag a VM instance",
      parameters: [vmId],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["tags"],
              additionalProperties: false,
              properties: {
                tags: { type: "array", items: { type: "string", minLength: 1 } },
                // The service takes a null note; the client sends none (an inline body's client rules).
                note: { type: ["string", "null"], "x-client-rules": { type: "string" } },
              },
            },
          },
        },
      },
      responses: { "200": { description: "ok, no body" }, "400": error },
    },
  };
  doc.components.schemas.VmPowerState = {
    "x-bce-open-enum": true,
    anyOf: [
      { type: "string", enum: ["ON", "OFF"] },
      { type: "string", description: "a state added later" },
    ],
  };
  doc.components.schemas.VmSummary = {
    type: "object",
    required: ["vmId", "state"],
    properties: { vmId: { type: "string" }, state: { $ref: "#/components/schemas/VmPowerState" } },
  };
  return doc;
}

// Compiled by tsc with the generated code: what must type-check, and what must not.
const consumer = `
import { createFixtureClient, type GetVmInstanceResult, type TagVmInstanceResult } from "./generated/client.js";
import type { VmPowerState } from "./generated/schema.js";

const client = createFixtureClient({ endpoint: "http://127.0.0.1:1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });

export async function use(): Promise<void> {
  const vm: GetVmInstanceResult = await client.getVmInstance("vm-1", { withImage: "true", timeoutMs: 1000 });
  const state: VmPowerState = vm.state;
  const known: VmPowerState = "ON";
  const later: VmPowerState = "HIBERNATING";
  const attempts: number = vm.$metadata.attempts;
  const tagged: TagVmInstanceResult = await client.tagVmInstance("vm-1", { tags: ["a"] });
  const requestId: string = tagged.requestId;
  void [state, known, later, attempts, requestId];
  // @ts-expect-error withImage takes the spec's values only
  await client.getVmInstance("vm-1", { withImage: "yes" });
  // @ts-expect-error the VM id is a string
  await client.getVmInstance(42);
  // @ts-expect-error the body's items are strings
  await client.tagVmInstance("vm-1", { tags: [1] });
  // @ts-expect-error the body is required
  await client.tagVmInstance("vm-1");
  // @ts-expect-error the client rules refuse a null note, so its type does
  await client.tagVmInstance("vm-1", { tags: ["a"], note: null });
  await client.tagVmInstance("vm-1", { tags: ["a"], note: "n" });
  // @ts-expect-error an open enum still takes strings only
  const wrong: VmPowerState = 5;
  void wrong;
}
`;

interface Seen {
  method: string;
  url: string;
  body: string;
  verdict: Awaited<ReturnType<typeof verifyRequest>>;
}

describe("a fixture spec with two more operations", () => {
  let generated: Awaited<ReturnType<typeof generateInto>>;
  let server: Server;
  let endpoint: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    generated = await generateInto(fixtureBundle(), "Fixture");
    writeFileSync(join(generated.dir, "src", "consumer.ts"), consumer);
    server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const verdict = await verifyRequest(
        { method: req.method!, path: req.url!, headers: req.headers as Record<string, string> },
        { getSecretAccessKey: (ak) => (ak === credentials.accessKeyId ? credentials.secretAccessKey : undefined) },
      );
      seen.push({ method: req.method!, url: req.url!, body: Buffer.concat(chunks).toString("utf8"), verdict });
      if (!verdict.ok) {
        res.writeHead(400, { "content-type": "application/json", "x-bce-request-id": "rid-bad" });
        res.end(JSON.stringify({ code: verdict.code, message: verdict.message }));
      } else if (req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json", "x-bce-request-id": "rid-get" });
        // vm-9's state breaks the spec (a number): for the response-check test.
        res.end(JSON.stringify({ vmId: "vm-1", state: req.url!.includes("vm-9") ? 9 : "HIBERNATING" }));
      } else {
        res.writeHead(200, { "x-bce-request-id": "rid-post", "content-length": "0" });
        res.end();
      }
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.close();
    if (server) await once(server, "close");
    generated?.remove();
  });

  it("generates methods that type-check with tsc, and refuse wrong types", async () => {
    const { ok, output } = await typecheck(generated.dir);
    expect(output).toBe("");
    expect(ok).toBe(true);
    expect(generated.files["client.ts"]).toContain(
      "getVmInstance(vmId: string, options?: GetVmInstanceCallOptions): Promise<GetVmInstanceResult>;",
    );
    expect(generated.files["client.ts"]).toContain(
      "tagVmInstance(vmId: string, body: TagVmInstanceInput, options?: TagVmInstanceCallOptions): Promise<TagVmInstanceResult>;",
    );
    expect(generated.files["schema.ts"]).toContain('VmPowerState: "ON" | "OFF" | (string & {});');
  }, 300_000); // a whole tsc run: seconds alone, minutes on a machine the rest of the suite keeps busy

  it("calls the GET with its path and query parameters, signed, and resolves with the body and $metadata", async () => {
    const { createFixtureClient } = await import(`${generated.generated}/client.ts`);
    const client = createFixtureClient({ endpoint, credentials, retry: { maxAttempts: 1 } });
    const before = seen.length;
    await expect(client.getVmInstance("vm-1", { withImage: "true" })).resolves.toEqual({
      vmId: "vm-1",
      state: "HIBERNATING",
      $metadata: { httpStatusCode: 200, requestId: "rid-get", attempts: 1, totalRetryDelay: 0 },
    });
    expect(seen.slice(before)).toEqual([
      {
        method: "GET",
        url: "/v1/vm/instance/vm-1?withImage=true",
        body: "",
        verdict: expect.objectContaining({ ok: true, accessKeyId: "fixture-ak" }),
      },
    ]);
  });

  it("calls the POST with its body, signed, and resolves with the request id", async () => {
    const { createFixtureClient } = await import(`${generated.generated}/client.ts`);
    const client = createFixtureClient({ endpoint, credentials, retry: { maxAttempts: 1 } });
    const before = seen.length;
    await expect(client.tagVmInstance("vm-2", { tags: ["a", "b"] })).resolves.toEqual({
      requestId: "rid-post",
      $metadata: { httpStatusCode: 200, requestId: "rid-post", attempts: 1, totalRetryDelay: 0 },
    });
    const [request] = seen.slice(before);
    expect(request).toMatchObject({ method: "POST", url: "/v1/vm/instance/vm-2/tag", verdict: { ok: true } });
    expect(JSON.parse(request!.body)).toEqual({ tags: ["a", "b"] });
  });

  it("checks the answer against the new operation's response schema when asked (strict)", async () => {
    const { createFixtureClient } = await import(`${generated.generated}/client.ts`);
    const strict = createFixtureClient({ endpoint, credentials, validateResponses: "strict" });
    // The open enum takes the state the spec does not list; a number is refused.
    await expect(strict.getVmInstance("vm-1")).resolves.toMatchObject({ state: "HIBERNATING" });
    const error = await strict.getVmInstance("vm-9").catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "BceResponseError",
      problems: ["body.state: must match at least one of 2 schemas"],
    });
  });

  it("checks the new operations' arguments from the spec before sending", async () => {
    const { createFixtureClient } = await import(`${generated.generated}/client.ts`);
    const client = createFixtureClient({ endpoint, credentials });
    const before = seen.length;
    await expect(client.getVmInstance("../x")).rejects.toMatchObject({
      name: "BceValidationError",
      field: "vmId",
      rule: "pattern",
    });
    await expect(client.getVmInstance("vm-1", { withImage: "yes" })).rejects.toMatchObject({
      field: "withImage",
      rule: "enum",
    });
    const error = await client.tagVmInstance("vm-1", { tags: [""] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: "body.tags[0]", rule: "minLength" });
    // What the types refuse, the checks refuse too: the inline body's client rules.
    await expect(client.tagVmInstance("vm-1", { tags: ["a"], note: null } as never)).rejects.toMatchObject({
      field: "body.note",
      rule: "type",
    });
    expect(seen.length).toBe(before);
  });
});
