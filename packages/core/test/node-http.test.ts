// In Node the transport sends with node:http (`#platform`, server branch) when the client is given
// no fetch: real loopback servers here, started and stopped by each test. What fetch did must
// hold: the signed request arrives whole and verifies, connections are kept alive, the answer is
// bounded, and every failure is the same BceError fetch gave.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { inspect } from "node:util";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  answerText,
  BceAbortError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceTimeoutError,
  BceValidationError,
  PlainRequest,
  Transport,
  verifyRequest,
  type CallContext,
  type TransportOptions,
} from "../src/internal/index.js";
import { httpSend } from "../src/platform/server.js";
import { answerError } from "../src/transport.js";

const credentials = { accessKeyId: "ak", secretAccessKey: "sk-0123456789abcdef" };
const servers: Server[] = [];

afterEach(async () => {
  vi.unstubAllGlobals();
  vi.resetModules();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback server that records every request it reads whole and answers with `answer`. */
async function serve(
  answer: (request: IncomingMessage, response: ServerResponse, body: string) => void,
  host = "127.0.0.1",
): Promise<{
  url: string;
  received: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[];
  connections: () => number;
}> {
  const received: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      answer(request, response, body);
    });
  });
  server.on("connection", () => connections++);
  servers.push(server);
  server.listen(0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, received, connections: () => connections };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (_: unknown, res: ServerResponse) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "x-bce-request-id": "rid-1", ...headers });
    res.end(text);
  };

function transport(options: TransportOptions = {}): Transport {
  return new Transport({ retry: { maxAttempts: 1 }, ...options });
}

/** Runs `run` while `created` is given each client socket node:net makes (diagnostics_channel). */
async function watchingSockets(created: (socket: Socket) => void, run: () => Promise<void>): Promise<void> {
  const listener = (message: unknown) => created((message as { socket: Socket }).socket);
  subscribe("net.client.socket", listener);
  try {
    await run();
  } finally {
    unsubscribe("net.client.socket", listener);
  }
}

/** The signature check a server makes of a request it received. */
const verdictOn = (sent: { method: string; url: string; headers: IncomingMessage["headers"] }) =>
  verifyRequest(
    { method: sent.method, path: sent.url, headers: sent.headers as Record<string, string> },
    { getSecretAccessKey: () => credentials.secretAccessKey },
  );

const put = (url: string, body = '{"imageId":"m-1"}') =>
  new PlainRequest(url, {
    method: "PUT",
    headers: new Headers({ "content-type": "application/json" }),
    body,
  });

/** What one PUT to `url` ends with, a rejection as a value. */
const outcomeOf = (url: string, options?: TransportOptions, call: Partial<CallContext> = {}) =>
  transport(options)
    .send(put(url), { credentials, idempotent: true, ...call })
    .catch((e: unknown) => e);

/** `error` is a BceResponseError with these problems. */
function expectProblems(error: unknown, problems: string[]): BceResponseError {
  expect(error).toBeInstanceOf(BceResponseError);
  expect((error as BceResponseError).problems).toEqual(problems);
  return error as BceResponseError;
}

describe("node:http in Node", () => {
  it("is the way the transport sends in Node, not in Deno or Bun (whose node:http is built on their fetch)", async () => {
    expect(httpSend).toBeTypeOf("function");
    vi.stubGlobal("Deno", { version: { deno: "2.1.0" } });
    vi.resetModules();
    expect((await import("../src/platform/server.js")).httpSend).toBeUndefined();
    vi.unstubAllGlobals();
    vi.stubGlobal("process", { ...process, versions: { ...process.versions, bun: "1.2.0" } });
    vi.resetModules();
    expect((await import("../src/platform/server.js")).httpSend).toBeUndefined();
  });

  it("sends the signed request whole: it verifies, its body and length arrive, the answer comes back read", async () => {
    const server = await serve(json(200, { result: true, 名: "值" }));
    const body = JSON.stringify({ imageId: "m-1", userData: "你好 👋" });
    const response = await transport().send(
      put(`${server.url}/v1/vm/instance/vm-1/system/reinstall?clientToken=t-1`, body),
      {
        credentials,
        idempotent: true,
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-bce-request-id")).toBe("rid-1");
    expect(JSON.parse(await answerText(response))).toEqual({ result: true, 名: "值" });
    const [sent] = server.received;
    expect(sent!.body).toBe(body);
    expect(sent!.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
    expect(sent!.headers.host).toBe(new URL(server.url).host);
    expect(await verdictOn(sent!)).toMatchObject({ ok: true, accessKeyId: "ak" });
  });

  it("keeps the connection alive from one call to the next", async () => {
    const server = await serve(json(200, { ok: true }));
    const t = transport();
    for (let i = 0; i < 5; i++) {
      const response = await t.send(put(`${server.url}/x`), { credentials, idempotent: true });
      expect(response.status).toBe(200);
    }
    expect(server.received).toHaveLength(5);
    expect(server.connections()).toBe(1);
  });

  it("sends a call without an idempotency token on a connection of its own, closed after the answer", async () => {
    // A kept-alive connection the server closes (after 300 ms idle, say, with no Keep-Alive hint)
    // as a request is written resets it: the service may have acted or not, and a BCC rebuild
    // cannot be retried. A new connection has no such race; calls with a token keep theirs.
    const server = await serve(json(200, { ok: true }));
    const t = transport();
    for (let i = 0; i < 3; i++) {
      const response = await t.send(put(`${server.url}/x`), { credentials, idempotent: false });
      expect(response.status).toBe(200);
    }
    expect(server.connections()).toBe(3);
    expect(server.received.map((r) => r.headers.connection)).toEqual(["close", "close", "close"]);
    // The signature holds: Connection is not a signed header.
    expect(await verdictOn(server.received[0]!)).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++) await t.send(put(`${server.url}/x`), { credentials, idempotent: true });
    expect(server.connections()).toBe(4);
    expect(server.received[3]!.headers.connection).toBe("keep-alive");
    // A GET changes nothing: a `raw` one (no token) keeps its connection too.
    const get = new PlainRequest(`${server.url}/x`, { method: "GET", headers: new Headers() });
    await t.send(get, { credentials, idempotent: false });
    expect(server.connections()).toBe(4);
  });

  it("closes an idle connection before the server's Keep-Alive timeout does, so no call is written to a closing one", async () => {
    // The server says it closes idle connections after 2 s (`Keep-Alive: timeout=2`, Node announces
    // whole seconds) and does after 2.9 s: the client must close first (a second before the announced
    // time), so the server sees the client's end, not its own timeout, with 1.9 s to spare for a busy machine.
    const server = createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    server.keepAliveTimeout = 2_900;
    servers.push(server);
    const ends: Promise<string>[] = [];
    server.on("connection", (socket) => {
      ends.push(
        new Promise((resolve) => {
          socket.on("end", () => resolve("the client closed it"));
          socket.on("close", () => resolve("the server closed it"));
        }),
      );
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const response = await transport().send(put(`http://127.0.0.1:${port}/x`), { credentials, idempotent: true });
    expect(response.headers.get("keep-alive")).toBe("timeout=2");
    expect(ends).toHaveLength(1);
    expect(await ends[0]).toBe("the client closed it");
  });

  it("sends the Host that was signed to an IPv6 address, brackets and port included", async () => {
    const server = await serve(json(200, {}), "::1");
    await transport().send(put(`${server.url}/x`), { credentials, idempotent: true });
    const [sent] = server.received;
    expect(sent!.headers.host).toBe(new URL(server.url).host);
    expect(sent!.headers.host).toMatch(/^\[::1\]:\d+$/);
    expect(await verdictOn(sent!)).toMatchObject({ ok: true });
  });

  it("hands back error answers with their status, headers and body, and a 204 with none", async () => {
    const server = await serve((req, res) => {
      if (req.url === "/gone") json(404, { code: "NoSuchVm", message: "no", requestId: "rid-2" })(req, res);
      else res.writeHead(204).end();
    });
    const t = transport();
    const gone = await t.send(put(`${server.url}/gone`), { credentials, idempotent: true });
    expect(gone).toBeInstanceOf(Response); // openapi-fetch reads an error answer's body
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: "NoSuchVm" });
    const empty = await t.send(put(`${server.url}/empty`), { credentials, idempotent: true });
    expect(empty.status).toBe(204);
    expect(await answerText(empty)).toBe("");
  });

  it("gives code of the caller's a real Response: a raw call's, and the afterAttempt hook's", async () => {
    const server = await serve(json(200, { result: true }));
    const seen: unknown[] = [];
    const t = transport({ hooks: { afterAttempt: ({ response }) => void seen.push(response) } });
    // A plain request (a client method's call, no middleware): the hook still gets a Response.
    const plain = await t.send(put(`${server.url}/x`), { credentials, idempotent: true });
    expect(JSON.parse(await answerText(plain))).toEqual({ result: true });
    // A Request (a raw call, or one a middleware saw): the answer is a Response with its body.
    const request = new Request(`${server.url}/x`, { method: "PUT", body: "{}" });
    const raw = await t.send(request, { credentials, idempotent: false });
    expect(raw).toBeInstanceOf(Response);
    expect(raw.headers.get("x-bce-request-id")).toBe("rid-1");
    expect(await raw.json()).toEqual({ result: true });
    expect(seen).toHaveLength(2);
    for (const response of seen) {
      expect(response).toBeInstanceOf(Response);
      expect(await (response as Response).json()).toEqual({ result: true });
    }
  });

  it.each([
    ["node:http (the default)", undefined],
    ["fetch: globalThis.fetch", (request: Request) => globalThis.fetch(request)],
    ["the global fetch", "global"],
  ] as const)(
    "with %s, a 301, 302, 307 or 308 elsewhere is not followed: nothing reaches the other host",
    async (_, fetch) => {
      if (fetch === "global") vi.stubGlobal("process", { ...process, versions: { ...process.versions, bun: "1.2.0" } });
      vi.resetModules();
      const fresh = await import("../src/internal/index.js");
      const elsewhere = await serve(json(200, { result: true }));
      for (const status of [301, 302, 307, 308]) {
        const server = await serve((_, res) => res.writeHead(status, { location: `${elsewhere.url}/steal` }).end());
        const sender = new fresh.Transport({
          retry: { maxAttempts: 1 },
          ...(typeof fetch === "function" && { fetch }),
        });
        const request = new fresh.PlainRequest(`${server.url}/x`, {
          method: "PUT",
          headers: new Headers(),
          body: "{}",
        });
        const response = await sender.send(request, {
          credentials: { ...credentials, sessionToken: "session-token-1" },
          idempotent: false,
        });
        expect(response.status).toBe(status);
        expect(server.received).toHaveLength(1);
      }
      expect(elsewhere.received).toEqual([]);
    },
  );

  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ] as const)("undoes a %s content coding, as fetch does, within maxResponseBytes", async (coding, encode) => {
    const text = JSON.stringify({ result: true, blob: "x".repeat(3000) });
    const server = await serve((_, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": coding });
      res.end(encode(Buffer.from(text)));
    });
    const response = await transport().send(put(`${server.url}/x`), { credentials, idempotent: true });
    expect(await answerText(response)).toBe(text);
    // Small on the wire, too large once decoded.
    const error = await outcomeOf(`${server.url}/x`, { maxResponseBytes: 1024 });
    expectProblems(error, ["the answer body is larger than 1024 bytes"]);
    expect(server.received[0]!.headers["accept-encoding"]).toBeUndefined();
  });

  it.each([
    ["deflate", (b: Buffer) => deflateRawSync(b)],
    ["gzip, br", (b: Buffer) => brotliCompressSync(gzipSync(b))],
    ["GZIP , deflate", (b: Buffer) => deflateSync(gzipSync(b))],
    // A list with a coding fetch does not know is left as it came.
    ["gzip, x-unknown", (b: Buffer) => b],
    ["gzip,", (b: Buffer) => b],
  ] as const)("reads %s as fetch reads it (raw deflate, a list undone last first)", async (coding, encode) => {
    const text = JSON.stringify({ result: true, blob: "y".repeat(2000) });
    const server = await serve((_, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": coding });
      res.end(encode(Buffer.from(text)));
    });
    const response = await transport().send(put(`${server.url}/x`), { credentials, idempotent: true });
    expect(await answerText(response)).toBe(text);
    // The oracle: Node's own fetch, on the same answer.
    expect(await (await fetch(`${server.url}/x`, { method: "PUT" })).text()).toBe(text);
  });

  // A reinstall the service did is not turned into an error by a body fetch reads: its decoders
  // flush leniently, so a missing trailer or a stray byte after the data costs nothing.
  it.each([
    ["gzip with a byte after its end", "gzip", (b: Buffer) => Buffer.concat([gzipSync(b), Buffer.from("\n")])],
    ["gzip without its 8-byte trailer", "gzip", (b: Buffer) => gzipSync(b).subarray(0, -8)],
    ["deflate without its checksum", "deflate", (b: Buffer) => deflateSync(b).subarray(0, -4)],
    ["br with a byte after its end", "br", (b: Buffer) => Buffer.concat([brotliCompressSync(b), Buffer.from("\n")])],
  ] as const)("reads %s as fetch reads it", async (_, coding, encode) => {
    const text = JSON.stringify({ result: true, action: "reinstall", blob: "z".repeat(2000) });
    const server = await serve((_, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": coding });
      res.end(encode(Buffer.from(text)));
    });
    const viaFetch = await (await fetch(`${server.url}/x`, { method: "PUT" })).text().catch((e: Error) => e);
    const response = await transport().send(put(`${server.url}/x`), { credentials, idempotent: true });
    // The oracle: Node's own fetch, on the same answer.
    expect(await answerText(response)).toBe(viaFetch);
    expect(viaFetch).toBe(text);
  });

  // The same with node:http and with fetch: an answer that came whole, refused, not retried as cut off.
  it.each([
    ["node:http", "gzip", undefined],
    ["fetch", "gzip", (request: Request) => fetch(request)],
    ["node:http", "br", undefined],
    ["fetch", "br", (request: Request) => fetch(request)],
    ["node:http", "deflate", undefined],
    ["fetch", "deflate", (request: Request) => fetch(request)],
  ])(
    "refuses a body that is not what its content coding says with BceResponseError (%s, %s)",
    async (_, coding, send) => {
      const server = await serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": coding });
        res.end('{"not":"encoded at all"}');
      });
      const error = await outcomeOf(`${server.url}/x`, { ...(send && { fetch: send }), retry: { maxAttempts: 3 } });
      expectProblems(error, [`the answer body is not valid ${coding}`]);
      expect(server.received).toHaveLength(1);
    },
  );

  it.each([
    ["over maxResponseBytes once decoded", gzipSync(Buffer.from(JSON.stringify({ blob: "x".repeat(4096) })))],
    ["not what its coding says", Buffer.from('{"not":"gzip"}')],
  ] as const)(
    "a bodiless 2xx whose gzip body is %s resolves with no bytes, as with fetch; an error answer stays a BceServiceError",
    async (_, wire) => {
      let status = 200;
      const server = await serve((_, res) => {
        res.writeHead(status, {
          "content-type": "application/json",
          "content-encoding": "gzip",
          "x-bce-request-id": "rid-1",
        });
        res.end(wire);
      });
      const options = { maxResponseBytes: 1024 };
      for (const fetch of [undefined, globalThis.fetch]) {
        const response = await outcomeOf(`${server.url}/x`, { ...options, fetch }, { bodiless: true });
        expect(response).not.toBeInstanceOf(Error);
        expect((response as Response).status).toBe(200);
        expect(await answerText(response as Response)).toBe("");
      }
      status = 500;
      const error = await outcomeOf(`${server.url}/x`, { ...options, retry: { maxAttempts: 1 } }, { bodiless: true });
      expect(answerError(error as Response)).toMatchObject({ name: "BceServiceError", status: 500 });
    },
  );

  it("takes a bodiless 2xx at its head: a body that stalls does not hold the call until its timeout", async () => {
    const dropped: Promise<unknown>[] = [];
    const server = await serve((_, res) => {
      dropped.push(once(res.socket!, "close"));
      res.writeHead(200, { "content-type": "application/json", "content-length": "100", "x-bce-request-id": "rid-1" });
      res.write('{"a":'); // and nothing more: the server keeps the connection open
    });
    for (const fetch of [undefined, globalThis.fetch]) {
      // The call's timeout is far beyond the test's: only an answer taken at its head resolves in time.
      const response = await outcomeOf(`${server.url}/x`, { timeoutMs: 600_000, fetch }, { bodiless: true });
      expect(response).not.toBeInstanceOf(Error);
      expect((response as Response).status).toBe(200);
      expect(await answerText(response as Response)).toBe("");
    }
    // Neither sender keeps the stalled connection: the client drops both.
    await Promise.all(dropped);
    expect(dropped).toHaveLength(2);
    // A call that reads its body waits for it, and its timeout ends it.
    expect(await outcomeOf(`${server.url}/x`, { timeoutMs: 200 })).toBeInstanceOf(BceTimeoutError);
  });

  // Drained for a second otherwise: a program that made one rebuild and nothing more waited that
  // second to exit, the connection holding it open.
  it("lets a bodiless 2xx on a connection of its own (no idempotency token) go at its head, its body not drained", async () => {
    const closed: Promise<unknown>[] = [];
    const server = await serve((_, res) => {
      closed.push(once(res.socket!, "close", { signal: AbortSignal.timeout(30_000) }));
      res.writeHead(200, { "content-length": "10", "x-bce-request-id": "rid-1" });
      res.write("x"); // and nothing more
    });
    // The drain's timer never fires: only a connection let go at once closes.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const response = await transport().send(put(`${server.url}/x`), {
        credentials,
        idempotent: false,
        bodiless: true,
      });
      expect(response.status).toBe(200);
      await Promise.all(closed);
      expect(closed).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps the connection of an empty bodiless 2xx for the next call", async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { "x-bce-request-id": "rid-1" });
      res.end();
    });
    const t = transport();
    for (let i = 0; i < 3; i++) {
      const response = await t.send(put(`${server.url}/x`), { credentials, idempotent: true, bodiless: true });
      expect(response.status).toBe(200);
    }
    expect(server.received).toHaveLength(3);
    expect(server.connections()).toBe(1);
  });

  // node:http sent a caller's Host, but fetch sends the URL's whatever was signed: the host is the
  // endpoint's, whichever way the request goes.
  it("refuses a Host the caller gave, naming it, and sends nothing", async () => {
    const server = await serve(json(200, {}));
    const request = new PlainRequest(`${server.url}/x`, {
      method: "PUT",
      headers: new Headers({ "content-type": "application/json", host: "bec.baidubce.com" }),
      body: "{}",
    });
    await expect(transport().send(request, { credentials, idempotent: true })).rejects.toMatchObject({
      name: "BceValidationError",
      field: "headers.host",
    });
    expect(server.received).toHaveLength(0);
  });

  it("refuses an answer larger than maxResponseBytes with BceResponseError", async () => {
    const server = await serve(json(200, { blob: "x".repeat(4096) }));
    const error = await outcomeOf(`${server.url}/big`, { maxResponseBytes: 1024 });
    expect(expectProblems(error, ["the answer body is larger than 1024 bytes"]).requestId).toBe("rid-1");
    // The client's own limit, not a mismatch with the API description.
    expect((error as Error).message).toBe(
      "the answer was not read whole (maxResponseBytes): the answer body is larger than 1024 bytes (status 200: the service took the call, request id rid-1)",
    );
  });

  it("reads an answer of exactly maxResponseBytes whole", async () => {
    const body = JSON.stringify({ blob: "x".repeat(1024 - 11) });
    expect(body).toHaveLength(1024);
    const server = await serve((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
    const response = await transport({ maxResponseBytes: 1024 }).send(put(`${server.url}/x`), {
      credentials,
      idempotent: true,
    });
    expect(await answerText(response)).toBe(body);
  });

  it("keeps an error answer larger than maxResponseBytes an error answer, read up to the limit, and retries it as its status says", async () => {
    // A load balancer's large 503 page: retried as a small one is (the call has a token), not a
    // BceResponseError that ends the call.
    let answers = 0;
    const server = await serve((_, res) => {
      if (++answers === 1)
        res
          .writeHead(503, { "content-type": "text/html", "x-bce-request-id": "rid-503" })
          .end(`<html>${"x".repeat(8192)}</html>`);
      else json(200, { result: true })(_, res);
    });
    const response = await transport({ maxResponseBytes: 1024, retry: { maxAttempts: 2, baseDelayMs: 1 } }).send(
      put(`${server.url}/x`),
      { credentials, idempotent: true },
    );
    expect(response.status).toBe(200);
    expect(server.received).toHaveLength(2);

    // One attempt: the call's answer is the 503, its body the first 1024 bytes.
    answers = 0;
    const last = await transport({ maxResponseBytes: 1024 }).send(put(`${server.url}/x`), {
      credentials,
      idempotent: true,
    });
    expect(last.status).toBe(503);
    expect(last.headers.get("x-bce-request-id")).toBe("rid-503");
    expect(await answerText(last)).toBe(`<html>${"x".repeat(1018)}`);
    expect(answerError(last)).toMatchObject({ status: 503, code: "Http503", requestId: "rid-503" });
  });

  // An error answer stays one whatever its body: its status is what a retry is judged by.
  it.each([
    ["not what its coding says", "gzip", () => Buffer.from("Service Unavailable"), "both"],
    ["over maxResponseBytes once decoded", "gzip", () => gzipSync(Buffer.alloc(8192)), "both"],
    ["under more codings than fetch undoes", "gzip, gzip, gzip, gzip, gzip, gzip", () => Buffer.from("x"), "node:http"],
  ] as const)(
    "keeps a 503 whose body is %s a retried BceServiceError, its body read as empty",
    async (_, coding, body, senders) => {
      const server = await serve((_, res) => {
        res.writeHead(503, { "content-encoding": coding, "x-bce-request-id": "rid-503" });
        res.end(body());
      });
      const options = { maxResponseBytes: 1024, retry: { maxAttempts: 2, baseDelayMs: 0 } };
      for (const fetch of senders === "both" ? [undefined, globalThis.fetch] : [undefined]) {
        server.received.length = 0;
        const last = await transport({ ...options, fetch }).send(put(`${server.url}/x`), {
          credentials,
          idempotent: true,
        });
        expect(server.received).toHaveLength(2);
        expect(last.status).toBe(503);
        expect(answerError(last)).toMatchObject({ name: "BceServiceError", status: 503, requestId: "rid-503" });
      }
    },
  );

  it("refuses a success under more content codings than fetch undoes, as fetch does, without decoding them", async () => {
    let body = Buffer.from('{"ok":true}');
    for (let i = 0; i < 6; i++) body = gzipSync(body);
    const server = await serve((_, res) =>
      res
        .writeHead(200, { "content-type": "application/json", "content-encoding": Array(6).fill("gzip").join(", ") })
        .end(body),
    );
    expectProblems(await outcomeOf(`${server.url}/x`), ["the answer has 6 content codings, more than the 5 undone"]);
    // The oracle: Node's fetch refuses it too.
    await expect(fetch(`${server.url}/x`, { method: "PUT" }).then((r) => r.text())).rejects.toThrow();
  });

  it("undoes a content coding within a maxResponseBytes larger than the largest Buffer", async () => {
    // zlib refuses a maxOutputLength over buffer.constants.MAX_LENGTH: a limit meaning "no limit"
    // (Number.MAX_SAFE_INTEGER) made every gzip answer "not valid gzip".
    const server = await serve((_, res) =>
      res
        .writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
        .end(gzipSync('{"ok":true}')),
    );
    for (const maxResponseBytes of [2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
      const response = await transport({ maxResponseBytes }).send(put(`${server.url}/x`), {
        credentials,
        idempotent: true,
      });
      expect(await answerText(response)).toBe('{"ok":true}');
    }
  });

  // A code that says no connection was made (EHOSTUNREACH), given by a connection that was made: the
  // network failed while the request was out (ICMP errors on a connection whose packets go
  // unanswered). The service may have acted: BCC's rebuild must not be sent again on its word.
  it("a connection that was made and fails with EHOSTUNREACH: requestSent, and a call with no token is not retried", async () => {
    const sockets: Socket[] = [];
    await watchingSockets(
      (socket) => sockets.push(socket),
      async () => {
        const server = await serve(() => {
          // The request has arrived whole: the client's socket fails as the kernel would fail it.
          sockets.at(-1)!.destroy(Object.assign(new Error("connect EHOSTUNREACH"), { code: "EHOSTUNREACH" }));
        });
        const error = await outcomeOf(
          `${server.url}/x`,
          { retry: { maxAttempts: 2, baseDelayMs: 1 } },
          { idempotent: false },
        );
        expect(error).toBeInstanceOf(BceNetworkError);
        expect(error).toMatchObject({ errorCode: "EHOSTUNREACH", requestSent: true });
        expect(server.received).toHaveLength(1);
      },
    );
  });

  // A connect that fails at once (no route to an IP literal) destroys the socket before node:http
  // hands it over: no connection was made, whatever the moment it is told of.
  it("a connection that fails before node:http hands it over (ENETUNREACH at once): not requestSent, and retried", async () => {
    const unreachable = Object.assign(new Error("connect ENETUNREACH"), { code: "ENETUNREACH" });
    let connects = 0;
    await watchingSockets(
      (socket) => {
        connects++;
        queueMicrotask(() => socket.destroy(unreachable));
      },
      async () => {
        const server = await serve(json(200, {}));
        const error = await outcomeOf(
          `${server.url}/x`,
          { retry: { maxAttempts: 2, baseDelayMs: 1 } },
          { idempotent: false },
        );
        expect(error).toBeInstanceOf(BceNetworkError);
        expect(error).toMatchObject({ errorCode: "ENETUNREACH", requestSent: false });
        // A call with no token is retried on what surely did not leave.
        expect(connects).toBe(2);
        expect(server.received).toHaveLength(0);
      },
    );
  });

  it("refuses a status no HTTP answer may end with as BceResponseError, a body over maxResponseBytes too", async () => {
    const server = await serve((_, res) => res.writeHead(600).end(JSON.stringify({ message: "x".repeat(200) })));
    expectProblems(await outcomeOf(`${server.url}/x`), ["600 is not a final HTTP status"]);
    // (No Response can carry the status: the part read is not kept as an error answer's, as a 5xx's is.)
    expectProblems(await outcomeOf(`${server.url}/x`, { maxResponseBytes: 50 }), ["600 is not a final HTTP status"]);
  });

  // An interim 100 Continue the request did not ask for (RFC 9110 15.2: a client must be able to
  // read one): node:http passes over it to the final answer; Node's fetch (undici) fails the call
  // as a network failure with no status, as the README says.
  it("reads the final answer after a 100 Continue it did not ask for; with Node's fetch the call fails", async () => {
    const server = await serve((request) =>
      request.socket.end(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nx-bce-request-id: rid-100\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n{"result":true}',
      ),
    );
    const request = new Request(`${server.url}/x`, { method: "PUT", body: "{}" });
    const response = await transport().send(request, { credentials, idempotent: false });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: true });
    const error = await outcomeOf(
      `${server.url}/x`,
      { fetch: (request: Request) => fetch(request) },
      { idempotent: false },
    );
    expect(error).toBeInstanceOf(BceNetworkError);
    expect(error).toMatchObject({ requestSent: true, errorCode: "UND_ERR_SOCKET" });
    expect((error as BceNetworkError).answerStatus).toBeUndefined();
    expect(server.received).toHaveLength(2);
  });

  // node:http gives a 101 to an 'upgrade' listener, and with none destroys the socket without an
  // error: the call, its timeout and its caller's abort included, waited forever.
  it("ends a call answered 101 Switching Protocols (an upgrade it never asked for) with BceResponseError", async () => {
    const server = await serve((request) =>
      request.socket.write(
        "HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: h2c\r\nx-bce-request-id: rid-101\r\n\r\n",
      ),
    );
    // Generous: a loaded machine must not turn the 101 into a timeout.
    const error = await outcomeOf(`${server.url}/x`, { timeoutMs: 30_000 });
    expect(expectProblems(error, ["101 is not a final HTTP status"])).toMatchObject({
      status: 101,
      requestId: "rid-101",
    });
  });

  // Its status is named: a 200 cut off is an answer the service acted on.
  it.each([
    ["node:http", undefined],
    ["fetch", (request: Request) => fetch(request)],
  ])(
    "reports a body cut off mid-way as a BceNetworkError after the request was sent, with its status (%s)",
    async (_, send) => {
      const server = await serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"partial":');
        setImmediate(() => res.socket?.destroy());
      });
      const error = await outcomeOf(`${server.url}/x`, { ...(send && { fetch: send }), retry: { maxAttempts: 1 } });
      expect(error).toBeInstanceOf(BceNetworkError);
      expect(error).toMatchObject({ requestSent: true, answerStatus: 200 });
      expect((error as Error).message).toMatch(
        new RegExp(
          `^the answer from ${new URL(server.url).host} \\(status 200: the service took the call\\) was cut off`,
        ),
      );
    },
  );

  // The service answered, in bytes no HTTP parser takes: not "failed on the network", and not retried
  // when the call has no idempotency token (the service may have acted).
  it.each([
    ["node:http", undefined],
    ["fetch", (request: Request) => fetch(request)],
  ])("reports an answer whose head cannot be parsed as one that came but cannot be read (%s)", async (_, send) => {
    const server = await serve((request) => request.socket.end("HTTP/1.1 200 OK\r\nbad header line\r\n\r\n{}"));
    const error = await outcomeOf(
      `${server.url}/x`,
      { ...(send && { fetch: send }), retry: { maxAttempts: 3 } },
      {
        idempotent: false,
      },
    );
    expect(error).toBeInstanceOf(BceNetworkError);
    expect(error).toMatchObject({ requestSent: true, errorCode: expect.stringMatching(/^HPE_/) });
    expect((error as Error).message).toMatch(
      new RegExp(`^an answer came from ${new URL(server.url).host} but is not HTTP that can be read \\(HPE_`),
    );
    expect(server.received).toHaveLength(1);
  });

  // A parser's error holds the bytes it could not read (node:http's rawPacket, undici's data): from
  // a server that echoes the request, the session token, the signature and the body.
  it.each([
    ["node:http", undefined],
    ["fetch", (request: Request) => fetch(request)],
  ])("keeps no byte of an answer it cannot read in the error or its causes (%s)", async (_, send) => {
    const server = await serve((request, _response, body) =>
      request.socket.end(
        `ECHO ${request.headers["x-bce-security-token"]} ${request.headers.authorization} ${body}\r\n\r\n`,
      ),
    );
    const sessionToken = "session-token-0123456789";
    const error = await transport({ ...(send && { fetch: send }) })
      .send(put(`${server.url}/x`, '{"adminPass":"plain-Pass-0123"}'), {
        credentials: { ...credentials, sessionToken },
        idempotent: true,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ requestSent: true, errorCode: expect.stringMatching(/^HPE_/) });
    const signature = String(server.received[0]?.headers.authorization).split("/").at(-1)!;
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    // The chain still says what failed, to its parser's code.
    let innermost = error as Error & { code?: unknown };
    while (innermost.cause instanceof Error) innermost = innermost.cause as Error & { code?: unknown };
    expect(innermost).not.toBe(error);
    expect(innermost.code).toMatch(/^HPE_/);
    const printed = [
      inspect(error, { depth: Infinity, showHidden: true }),
      JSON.stringify(error),
      Object.values(innermost).map(String).join(" "),
    ].join("\n");
    for (const secret of [sessionToken, signature, "plain-Pass-0123", "ECHO"]) expect(printed).not.toContain(secret);
  });

  it("says of a 2xx whose body no parser takes that the service took the call", async () => {
    const server = await serve((request) =>
      request.socket.end("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
    );
    const error = await outcomeOf(`${server.url}/x`, { retry: { maxAttempts: 3 } }, { idempotent: false });
    expect(error).toMatchObject({ requestSent: true, answerStatus: 200, errorCode: expect.stringMatching(/^HPE_/) });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^an answer came from ${new URL(server.url).host} but is not HTTP that can be read \\(status 200: the service took the call\\) \\(HPE_`,
      ),
    );
    expect(server.received).toHaveLength(1);
  });

  it("reports a refused connection as ECONNREFUSED, the request not sent", async () => {
    const server = await serve(json(200, {}));
    const url = server.url;
    const [listening] = servers.splice(0);
    await new Promise((resolve) => listening!.close(resolve));
    const error = await outcomeOf(`${url}/x`, {}, { idempotent: false });
    expect(error).toBeInstanceOf(BceNetworkError);
    expect(error).toMatchObject({
      errorCode: "ECONNREFUSED",
      requestSent: false,
      // Where it went, so a wrong endpoint shows in the message.
      message: `the request to ${new URL(url).host} failed on the network (ECONNREFUSED)`,
    });
  });

  it("ends an answer that stalls mid-body at the attempt's timeout with BceTimeoutError", async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"slow":'); // and nothing more
    });
    // The answer's status is told (a 2xx: the service acted), by either sender. The timeout leaves
    // the head, sent at once, seconds to arrive on a busy machine.
    for (const fetch of [undefined, globalThis.fetch]) {
      const error = await outcomeOf(`${server.url}/x`, { timeoutMs: 3_000, fetch });
      expect(error).toBeInstanceOf(BceTimeoutError);
      expect(error).toMatchObject({
        timeoutMs: 3_000,
        answerStatus: 200,
        message:
          "no complete answer within 3000 ms (an answer came, but not all of its body; status 200: the service took the call)",
      });
    }
    // No answer came: none is told.
    const silent = await serve(() => {});
    for (const fetch of [undefined, globalThis.fetch]) {
      const error = await outcomeOf(`${silent.url}/x`, { timeoutMs: 300, fetch });
      expect(error).toBeInstanceOf(BceTimeoutError);
      expect(error).not.toHaveProperty("answerStatus");
      expect((error as Error).message).toBe("no complete answer within 300 ms");
    }
  });

  // The reason is the caller's, whatever it is: another call's error too (a batch that cancels the
  // rest with the first failure), which must not become this call's (a refusal before sending, or the
  // service's answer, where this request had left).
  const reasons = [
    ["an Error", () => new Error("user cancelled")],
    ["another call's BceValidationError", () => new BceValidationError("body.adminPass", "minLength", "is too short")],
    [
      "another call's BceServiceError",
      () => new BceServiceError({ status: 400, code: "InvalidParameter", message: "bad", requestId: "rid-a" }),
    ],
    ["another call's BceResponseError", () => new BceResponseError({ status: 200, requestId: "", problems: ["x"] })],
  ] as const;
  const transports = [
    ["node:http", undefined],
    ["fetch", globalThis.fetch],
  ] as const;

  it.each(transports.flatMap(([via, fetch]) => reasons.map(([what, reason]) => [via, what, fetch, reason] as const)))(
    "ends the call when the caller aborts while the server holds the request (%s, %s): BceAbortError",
    async (_, __, fetch, reason) => {
      let seen!: () => void;
      const arrived = new Promise<void>((resolve) => {
        seen = resolve;
      });
      const server = await serve(() => seen()); // never answers
      const controller = new AbortController();
      const call = outcomeOf(`${server.url}/x`, { fetch }, { signal: controller.signal });
      await arrived;
      const given = reason();
      controller.abort(given);
      const error = await call;
      expect(error).toBeInstanceOf(BceAbortError);
      expect((error as Error).cause).toBe(given);
    },
  );

  it.each(transports.flatMap(([via, fetch]) => reasons.map(([what, reason]) => [via, what, fetch, reason] as const)))(
    "ends the call when the caller aborts while the answer's body comes (%s, %s): BceAbortError with its status",
    async (_, __, fetch, reason) => {
      // Aborted once the client has read the answer's head: node:http publishes it on a diagnostics
      // channel, and a fetch resolves with it (told a turn later, once the transport reads the body).
      let headCame!: () => void;
      const head = new Promise<void>((resolve) => {
        headCame = resolve;
      });
      const server = await serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"requestId":'); // the rest never comes
      });
      const controller = new AbortController();
      const watching = fetch
        ? { fetch: (request: Request) => fetch(request).finally(() => setImmediate(headCame)) }
        : {};
      if (!fetch) subscribe("http.client.response.finish", headCame);
      try {
        const call = outcomeOf(`${server.url}/x`, watching, { signal: controller.signal });
        await head;
        const given = reason();
        controller.abort(given);
        const error = await call;
        expect(error).toBeInstanceOf(BceAbortError);
        expect(error).toMatchObject({ answerStatus: 200 });
        expect((error as Error).cause).toBe(given);
      } finally {
        if (!fetch) unsubscribe("http.client.response.finish", headCame);
      }
    },
  );

  it("sends an https endpoint through node:https, with the certificate checked", async () => {
    const fixtures = new URL("./fixtures/loopback-tls/", import.meta.url);
    const server = createTlsServer(
      { key: readFileSync(new URL("key.pem", fixtures)), cert: readFileSync(new URL("cert.pem", fixtures)) },
      (_, res) => res.end("{}"),
    );
    servers.push(server);
    let handshakes = 0;
    server.on("tlsClientError", () => handshakes++);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const error = await outcomeOf(`https://127.0.0.1:${port}/x`);
    // No client trusts this certificate: the TLS handshake reached the server and was refused.
    expect(error).toBeInstanceOf(BceNetworkError);
    expect(error).toMatchObject({ errorCode: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    // The server's side of the refused handshake, reported when it gets its turn (generous, for a loaded machine).
    await vi.waitFor(() => expect(handshakes).toBe(1), { timeout: 30_000 });
  });

  // Nothing of a request leaves before its connection's TLS handshake is done: one that fails (here
  // on a certificate no client trusts) sent nothing, whatever its code, and a call with no token is
  // sent again; a connection that fails once the handshake is done may have carried the request.
  it("over TLS: a failed handshake sent nothing (a call with no token retried), a connection cut after it did", async () => {
    const fixtures = new URL("./fixtures/loopback-tls/", import.meta.url);
    let received = 0;
    const server = createTlsServer(
      { key: readFileSync(new URL("key.pem", fixtures)), cert: readFileSync(new URL("cert.pem", fixtures)) },
      (request) => {
        received++;
        request.socket.destroy();
      },
    );
    servers.push(server);
    let refused = 0;
    server.on("tlsClientError", () => refused++);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    const twice = { retry: { maxAttempts: 2, baseDelayMs: 1 } };
    const unsent = await outcomeOf(url, twice, { idempotent: false });
    expect(unsent).toBeInstanceOf(BceNetworkError);
    expect(unsent).toMatchObject({ errorCode: "DEPTH_ZERO_SELF_SIGNED_CERT", requestSent: false });
    await vi.waitFor(() => expect(refused).toBe(2), { timeout: 30_000 });
    expect(received).toBe(0);
    // The certificate taken (as NODE_TLS_REJECT_UNAUTHORIZED=0 has every TLS connection do): the
    // handshake is done, the request arrives, and its connection is cut.
    vi.stubEnv("NODE_TLS_REJECT_UNAUTHORIZED", "0");
    try {
      const cut = await outcomeOf(url, twice, { idempotent: false });
      expect(cut).toBeInstanceOf(BceNetworkError);
      expect(cut).toMatchObject({ errorCode: "ECONNRESET", requestSent: true });
      expect(received).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
