// The request id travels in the response header the spec declares on every answer: the clients
// read it from there and the mock sends it there, so a spec that renames it fails here.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BceServiceError } from "@bce-openapi/core";
import { createBecClient } from "@bce-openapi/bec";
import { DEFAULT_CREDENTIALS, startMock } from "@bce-openapi/mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examples, spec } from "./helpers.js";

type Node = { $ref?: string; [key: string]: unknown };
const bundle = spec as unknown as Node & {
  paths: Record<string, Record<string, { responses?: Record<string, Node> }>>;
};
const resolve = (node: Node): Node =>
  node.$ref
    ? resolve(
        node.$ref
          .slice(2)
          .split("/")
          .reduce((n: Node, key) => n[key] as Node, bundle),
      )
    : node;

/** The names of the headers whose description calls them the request's id, per answer of every operation. */
const declared = Object.values(bundle.paths)
  .flatMap((item) => Object.values(item))
  .flatMap((op) => Object.entries(op.responses ?? {}))
  .map(([status, response]) => {
    const headers = Object.entries((resolve(response).headers ?? {}) as Record<string, Node>);
    return [status, headers.filter(([, h]) => /request/i.test(String(resolve(h).description))).map(([n]) => n)];
  });
const header = String((declared[0]?.[1] as string[] | undefined)?.[0]).toLowerCase();
const ID = "5b4c8a1e-0d7f-4e2a-9c3b-6a1f2e3d4c5b";

describe("the request id header", () => {
  it("is one header, declared on every answer of every operation", () => {
    expect(declared.length).toBeGreaterThan(10);
    for (const [status, names] of declared) expect({ status, names }).toEqual({ status, names: [header] });
  });

  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const failed = req.url?.includes("vm-fail");
        res.writeHead(failed ? 409 : 200, { "content-type": "application/json", [header]: ID });
        res.end(JSON.stringify(failed ? { code: "Conflict", message: "Scripted." } : examples.becResponse));
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("is where a client reads the id of an answer and of an error", async () => {
    const bec = createBecClient({ endpoint: url, credentials: DEFAULT_CREDENTIALS, retry: { maxAttempts: 1 } });
    const body = examples.becRequest as Parameters<typeof bec.reinstallVmInstance>[1];
    expect((await bec.reinstallVmInstance("vm-6ahy6dli", body)).$metadata.requestId).toBe(ID);
    const error = await bec.reinstallVmInstance("vm-fail", body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceServiceError);
    expect((error as BceServiceError).requestId).toBe(ID);
  });

  it("is where the mock sends it", async () => {
    const mock = await startMock({ port: 0 });
    try {
      const bec = createBecClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS });
      const answer = await bec.reinstallVmInstance("vm-6ahy6dli", examples.becRequest as never);
      expect(answer.$metadata.requestId).toBe(mock.journal.entries().at(-1)?.requestId);
      const res = await fetch(`${mock.url}/v1/vm/instance/vm-1/system/reinstall`, { method: "PUT" });
      expect(res.headers.get(header)).toBe(((await res.json()) as { requestId: string }).requestId);
    } finally {
      await mock.close();
    }
  });
});
