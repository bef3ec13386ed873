// createServiceClient and the credentials resolver, with a fake fetch: what the typed client
// (`raw`) and the clients' per-call options do. Over real sockets: tests/contract/test/faults.test.ts.
import { getEventListeners } from "node:events";
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { describe, expect, it, vi } from "vitest";
import {
  answerText,
  BceAbortError,
  BceError,
  BceValidationError,
  CREDENTIALS_REFRESH_WINDOW_MS,
  CREDENTIALS_STALE_MS,
  CredentialsError,
  createServiceClient,
  credentialsResolver,
  serverUrl,
  splitOptions,
  unwrap,
  userAgent,
  VERSION,
  type BceClientOptions,
  type CallStats,
} from "../src/internal/index.js";
import { credentialsFromEnv } from "../src/credentials.js";
import { type CallOptions, checkCallOptions } from "../src/transport.js";

interface Paths {
  "/things/{id}": {
    parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
    put: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody: { content: { "application/json": { name: string } } };
      responses: { 200: { headers: { [name: string]: unknown }; content: { "application/json": { ok: boolean } } } };
    };
  };
}

const credentials = { accessKeyId: "ak", secretAccessKey: "sk-0123456789abcdef" };

function recorder(status = 200, body = '{"ok":true}') {
  const sent: Request[] = [];
  return {
    sent,
    fetch: async (request: Request) => {
      sent.push(request);
      return new Response(body, {
        status,
        headers: { "content-type": "application/json", "x-bce-request-id": "rid-1" },
      });
    },
  };
}

const client = (options: BceClientOptions = {}) =>
  createServiceClient<Paths>({ credentials, ...options }, "http://service.test", "things");

describe("raw: the typed openapi-fetch client", () => {
  // Sent, it failed at every attempt as a network error, retried as if the request had left.
  it.each([["ftp:"], ["data:"], ["blob:"]])(
    "a middleware's Request of the scheme %s is refused, nothing sent",
    async (scheme) => {
      const rec = recorder();
      const service = client({ fetch: rec.fetch, retry: { maxAttempts: 3 } });
      service.raw.use({
        onRequest: ({ request }) => new Request(request.url.replace(/^http:/, scheme), request),
      });
      const error = await service.raw
        .PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceValidationError);
      expect(error).toMatchObject({
        field: "url",
        rule: "format",
        message: `url: must use http or https, not ${scheme}`,
      });
      expect(rec.sent).toHaveLength(0);
    },
  );

  it("middleware sees a real Request and a real Response, and what it adds is sent and signed", async () => {
    const rec = recorder();
    const service = client({ fetch: rec.fetch });
    const seen: unknown[] = [];
    service.raw.use({
      onRequest({ request }) {
        seen.push(request);
        request.headers.set("x-bce-trace", "t-1");
      },
      async onResponse({ response }) {
        seen.push(response, await response.clone().json());
      },
    });
    const result = await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    expect(seen[0]).toBeInstanceOf(Request);
    expect(seen[1]).toBeInstanceOf(Response);
    expect(seen[2]).toEqual({ ok: true });
    expect(result.data).toEqual({ ok: true });
    // A raw call parsed as JSON: unwrap gives the value back (it used to give undefined).
    expect(unwrap(result)).toEqual({ ok: true });
    const sent = rec.sent[0]!;
    expect(sent.headers.get("x-bce-trace")).toBe("t-1");
    expect(sent.headers.get("authorization")).toMatch(/;x-bce-date;x-bce-trace\//);
    expect(await sent.text()).toBe('{"name":"n"}');
  });

  it("a raw call resolves as openapi-fetch's do: an error answer is `error`; a 2xx body that is not JSON rejects with openapi-fetch's SyntaxError", async () => {
    const call = (status: number, body: string, parseAs?: "text") =>
      client({ fetch: recorder(status, body).fetch, retry: { maxAttempts: 1 } }).raw.PUT("/things/{id}", {
        params: { path: { id: "a" } },
        body: { name: "n" },
        ...(parseAs && { parseAs }),
      });
    const error = '{"code":"InternalError","message":"m","requestId":"r"}';
    await expect(call(500, error)).resolves.toMatchObject({ error: JSON.parse(error), response: { status: 500 } });
    await expect(call(200, "<html>")).rejects.toBeInstanceOf(SyntaxError);
    await expect(call(200, "<html>", "text")).resolves.toMatchObject({ data: "<html>" });
  });

  it("an error answer nested too deeply for JSON.stringify is still a BceServiceError, its code kept", async () => {
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    const bodies = [
      [`{"code":"InternalError","message":"m","requestId":"r","detail":${deep}}`, "InternalError"],
      [deep, "InternalError"],
    ] as const;
    for (const [body, code] of bodies) {
      // Without middleware the transport's own bytes are read; with one that replaces the Response,
      // what openapi-fetch parsed is (and JSON.stringify throws a RangeError on it).
      for (const replace of [false, true]) {
        const service = client({ fetch: recorder(500, body).fetch, retry: { maxAttempts: 1 } });
        if (replace) service.raw.use({ onResponse: ({ response }) => new Response(response.body, response) });
        const result = await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
        expect(() => JSON.stringify(result.error)).toThrow(RangeError);
        expect(() => unwrap(result)).toThrow(expect.objectContaining({ name: "BceServiceError", status: 500, code }));
      }
    }
  });

  it("the per-call options of a client method go through the same middleware, and fill the call's stats", async () => {
    const rec = recorder();
    const service = client({ fetch: rec.fetch });
    const requests: Request[] = [];
    const bodies: unknown[] = [];
    service.raw.use({
      onRequest: ({ request }) => void requests.push(request),
      onResponse: async ({ response }) => void bodies.push(await response.clone().json()),
    });
    const stats: CallStats = { attempts: 0, totalRetryDelay: 0 };
    const result = await service.raw.PUT("/things/{id}", {
      params: { path: { id: "a" } },
      body: { name: "n" },
      parseAs: "text",
      ...service.callOptions({ credentials, idempotent: true, stats }),
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toBeInstanceOf(Request);
    expect(bodies).toEqual([{ ok: true }]);
    expect(result.data).toBe('{"ok":true}');
    expect(stats).toEqual({
      attempts: 1,
      totalRetryDelay: 0,
      answer: expect.any(Response),
      secretForms: expect.any(Function),
    });
  });

  it("a client method's call with no middleware: hooks see a real Request with the body, and the UTF-8 length is sent and signed", async () => {
    const rec = recorder();
    const hooked: Request[] = [];
    const service = client({ fetch: rec.fetch, hooks: { beforeAttempt: ({ request }) => void hooked.push(request) } });
    const name = "名字 é 😀";
    const options = service.callOptions({ credentials, idempotent: true });
    // No middleware: openapi-fetch builds plain parts, not a Request (the transport sends them once).
    expect(options.Request).toBeDefined();
    const result = await service.raw.PUT("/things/{id}", {
      params: { path: { id: "a" } },
      body: { name },
      parseAs: "stream",
      ...options,
    });
    expect(await answerText(result.response)).toBe('{"ok":true}');
    const text = JSON.stringify({ name });
    expect(hooked).toHaveLength(1);
    expect(hooked[0]).toBeInstanceOf(Request);
    expect(await hooked[0]!.text()).toBe(text);
    const sent = rec.sent[0]!;
    expect(sent.headers.get("content-length")).toBe(String(new TextEncoder().encode(text).byteLength));
    expect(sent.headers.get("authorization")).toMatch(/\/content-length;content-type;host;/);
    expect(await sent.text()).toBe(text);
  });

  it("a middleware added after the client was made sees the client methods' requests as real Requests", async () => {
    const rec = recorder();
    const service = client({ fetch: rec.fetch });
    expect(service.callOptions({ credentials, idempotent: true }).Request).toBeDefined();
    const seen: unknown[] = [];
    service.raw.use({ onRequest: ({ request }) => void seen.push(request) });
    const options = service.callOptions({ credentials, idempotent: true });
    expect(options.Request).toBeUndefined();
    await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" }, ...options });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Request);
  });

  // A URL drops a "." segment and climbs a ".." one: `{ id: ".." }` sent the signed PUT of
  // /things/{id}/... one level up; a missing value went out as the literal "{id}".
  it.each([
    ["..", { path: { id: ".." } }],
    [".", { path: { id: "." } }],
    ["empty", { path: { id: "" } }],
    ["undefined", { path: { id: undefined } }],
    ["null", { path: { id: null } }],
    ["an array of ..", { path: { id: [".."] } }],
    ["no path parameters at all", {}],
  ])("a path parameter that would change the path (%s) is refused naming it, nothing sent", async (_, params) => {
    const rec = recorder();
    const error = await client({ fetch: rec.fetch })
      .raw.PUT("/things/{id}", { params, body: { name: "n" } } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: "id" });
    expect(rec.sent).toHaveLength(0);
  });

  it("path parameters the URL carries as they are (encoded, or within a segment) are sent", async () => {
    const rec = recorder();
    const service = client({ fetch: rec.fetch });
    // A value in braces is a value too: encoded, it reads like an unfilled template, but was given.
    for (const id of ["a", "..a", "a/..", "%2e%2e", 5, "{x}", "{}"])
      await service.raw.PUT("/things/{id}", { params: { path: { id: id as string } }, body: { name: "n" } });
    expect(rec.sent.map((r) => new URL(r.url).pathname)).toEqual([
      "/things/a",
      "/things/..a",
      "/things/a%2F..",
      "/things/%252e%252e",
      "/things/5",
      "/things/%7Bx%7D",
      "/things/%7B%7D",
    ]);
  });

  // A name Object.prototype has, and the parameters do not: missing, not `function Object() {…}`.
  it.each(["constructor", "toString"])("a path parameter {%s} not given is refused as missing", async (name) => {
    const rec = recorder();
    const error = await client({ fetch: rec.fetch })
      .raw.PUT(`/things/{${name}}` as never, { params: { path: { id: "a" } }, body: { name: "n" } } as never)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "BceValidationError", field: name, rule: "required" });
    expect(rec.sent).toHaveLength(0);
  });

  // A parameter named __proto__ (a template's own) is read as a value, not as a prototype.
  it("a path parameter named __proto__ is sent as its value", async () => {
    const rec = recorder();
    const service = client({ fetch: rec.fetch });
    const path = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    await service.raw.PUT("/things/{__proto__}" as never, { params: { path }, body: { name: "n" } } as never);
    expect(rec.sent.map((r) => new URL(r.url).pathname)).toEqual(["/things/x"]);
  });

  it("a call with no options at all, or through raw.request, is refused naming its missing path parameter", async () => {
    const rec = recorder();
    const service = client({ fetch: rec.fetch });
    for (const call of [
      () => service.raw.PUT("/things/{id}", undefined as never),
      () => service.raw.request("put", "/things/{id}", { body: { name: "n" } } as never),
      () => service.raw.request("put", "/things/{id}", { params: { path: null }, body: { name: "n" } } as never),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "BceValidationError", field: "id", rule: "required" });
    }
    expect(rec.sent).toHaveLength(0);
  });

  it.each([".attacker.example/v1/x", "@attacker.example/v1/x", ":8443/v1/x", "v1/x", "", undefined, 5])(
    "a raw path not starting with / (%s), which the endpoint's host would not keep, is refused, nothing sent",
    async (path) => {
      const rec = recorder();
      const service = client({ fetch: rec.fetch });
      for (const call of [
        () => service.raw.PUT(path as never, { body: { name: "n" } } as never),
        () => service.raw.request("put", path as never, { body: { name: "n" } } as never),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BceValidationError);
        expect(error).toMatchObject({
          field: "path",
          rule: "format",
          message: 'path: must start with "/": it is appended to the endpoint URL',
        });
      }
      expect(rec.sent).toHaveLength(0);
    },
  );

  // A URL ends a segment at "?" or "#", and drops the spaces and controls that end it: each climbs too.
  it.each([
    "/../x",
    "/things/../../x",
    "/%2e%2e/x",
    "/%2E./x",
    "/./things/a",
    "/..?x=1",
    "/..#f",
    "/%2e%2e?x",
    "/.. ",
    "/..\u0001",
    "/things/.?x",
  ])(
    "a raw path that holds a dot segment (%j), which would leave the endpoint's base path, is refused, nothing sent",
    async (path) => {
      const rec = recorder();
      const service = createServiceClient<Paths>({ credentials, fetch: rec.fetch }, "http://gw.test/bcc-proxy");
      const error = await service.raw.GET(path as never, {} as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceValidationError);
      expect(error).toMatchObject({
        field: "path",
        rule: "format",
        message: expect.stringMatching(/drops or climbs$/),
      });
      expect(rec.sent).toHaveLength(0);
    },
  );

  // In a segment of a template too: only a parameter's value is percent-encoded.
  it.each([
    "/\\..\\..\\x",
    "/..\t/x",
    "/.\n./x",
    "/a/..\\x",
    "/things\r/a",
    "/..\\{id}",
    "/{id}\\..\\..\\x",
    "/.\t.{id}",
  ])(
    "a raw path with a backslash, tab or line break (%j), which a URL reads as / or drops, is refused, nothing sent",
    async (path) => {
      const rec = recorder();
      const service = createServiceClient<Paths>({ credentials, fetch: rec.fetch }, "http://gw.test/bcc-proxy");
      const params = { params: { path: { id: path.endsWith("{id}") ? "" : "v" } } };
      const error = await service.raw.GET(path as never, params as never).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: "BceValidationError",
        field: "path",
        rule: "format",
        message: "path: must not hold a backslash, tab or line break, which a URL reads as / or drops",
      });
      expect(rec.sent).toHaveLength(0);
    },
  );

  it.each([
    ["{id}?rebuild", "..", "..", "drops or climbs"],
    ["{id}?rebuild", ".", ".", "drops or climbs"],
    ["{id}?rebuild", "", "", "leaves empty"],
    // With the template's own escaped dot, as a URL reads it.
    ["%2e{id}?rebuild", ".", "%2e.", "drops or climbs"],
    ["%2E{id}", "", "%2E", "drops or climbs"],
  ])(
    "a path parameter that makes the segment %j a dot segment (%j) is refused, nothing sent",
    async (template, id, made, what) => {
      const rec = recorder();
      const service = createServiceClient<Paths>({ credentials, fetch: rec.fetch }, "http://gw.test/bcc-proxy");
      const error = await service.raw
        .PUT(`/things/${template}` as never, { params: { path: { id } }, body: { name: "n" } } as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceValidationError);
      expect(error).toMatchObject({
        field: "id",
        message: `id: must not make the path segment ${JSON.stringify(made)}, which a URL ${what}`,
      });
      expect(rec.sent).toHaveLength(0);
    },
  );

  // openapi-fetch percent-encodes an object's values, not its keys: a key could make segments.
  it.each([
    ["/things/{id}", { "x/../../../admin/delete": "" }],
    ["/things/{id*}", { "x/../../admin/x": "" }],
    ["/things/{.id}", { "/../../../admin": "" }],
  ])("a path parameter whose object keys put a / in %s is refused, nothing sent", async (template, id) => {
    const rec = recorder();
    const service = createServiceClient<Paths>({ credentials, fetch: rec.fetch }, "http://gw.test/bcc-proxy");
    const error = await service.raw
      .PUT(template as never, { params: { path: { id } }, body: { name: "n" } } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({
      field: "id",
      message: 'id: must not put a "/" in the path (an object\'s keys go in as they are)',
    });
    expect(rec.sent).toHaveLength(0);
  });

  // What openapi-fetch cannot put in a request is refused by name, as a client method's would be,
  // not left to reject with its URIError or TypeError.
  it.each([
    [
      "a path parameter with a lone surrogate",
      { params: { path: { id: "\ud800" } } },
      "id",
      "holds a lone surrogate, which is not valid Unicode",
    ],
    [
      "a path parameter that is a Symbol",
      { params: { path: { id: Symbol("s") } } },
      "id",
      "could not be put in the URL (see cause)",
    ],
    [
      "a path parameter whose getter throws",
      {
        params: {
          path: {
            get id() {
              throw new Error("read");
            },
          },
        },
      },
      "id",
      "could not be put in the URL (see cause)",
    ],
    [
      "a query whose getter throws",
      {
        params: {
          path: { id: "a" },
          query: {
            get q() {
              throw new Error("read");
            },
          },
        },
      },
      "query",
      "could not be put in the URL (see cause)",
    ],
    [
      "options whose params getter throws",
      {
        get params() {
          throw new Error("read");
        },
      },
      "options",
      "could not be read: a getter or a Proxy threw (see cause)",
    ],
    // Read with response[parseAs](), it threw once the call had been carried out.
    [
      "a parseAs openapi-fetch has no reader for",
      { params: { path: { id: "a" } }, body: { name: "n" }, parseAs: "bogus" },
      "parseAs",
      "must be one of json, text, blob, arrayBuffer, stream",
    ],
    [
      "a query value with a lone surrogate",
      { params: { path: { id: "a" }, query: { q: "\ud800" } } },
      "query",
      "holds a lone surrogate, which is not valid Unicode",
    ],
    [
      "a body with a cycle",
      {
        params: { path: { id: "a" } },
        body: (() => {
          const o: Record<string, unknown> = {};
          o.self = o;
          return o;
        })(),
      },
      "body",
      "must be JSON data: no BigInt, no cycles, no nesting too deep to serialize, nothing that throws when read (see cause)",
    ],
    [
      "a body with a BigInt",
      { params: { path: { id: "a" } }, body: { n: 1n } },
      "body",
      "must be JSON data: no BigInt, no cycles, no nesting too deep to serialize, nothing that throws when read (see cause)",
    ],
    // JSON.stringify leaves these out without a word: the call went out without the field.
    [
      "a body field that is a function",
      { params: { path: { id: "a" } }, body: { name: "n", secret: () => "pw" } },
      "body.secret",
      "is a function, which JSON cannot carry",
    ],
    [
      "a body item that is a Symbol",
      { params: { path: { id: "a" } }, body: { list: ["a", Symbol("s")] } },
      "body.list[1]",
      "is a Symbol, which JSON cannot carry",
    ],
    [
      "a body that is a Symbol",
      { params: { path: { id: "a" } }, body: Symbol("s") },
      "body",
      "is a Symbol, which JSON cannot carry",
    ],
  ])(
    "a raw call with %s is refused with a BceValidationError naming it, nothing sent",
    async (_, init, field, message) => {
      const rec = recorder();
      const error = await client({ fetch: rec.fetch })
        .raw.PUT("/things/{id}", init as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceValidationError);
      expect(error).toMatchObject({ field, message: `${field}: ${message}` });
      expect(rec.sent).toHaveLength(0);
    },
  );

  // Checked as the client's endpoint and headers are: a "#" sent the signed call to "/", a "?" put
  // the path in the query, user info and a header's line break came back in a TypeError quoting them.
  it.each([
    [
      "a baseUrl with a fragment",
      { baseUrl: "http://service.test#" },
      "baseUrl",
      "must not hold a query, fragment or user info",
    ],
    [
      "a baseUrl with a query",
      { baseUrl: "http://service.test?q=1" },
      "baseUrl",
      "must not hold a query, fragment or user info",
    ],
    [
      "a baseUrl with user info",
      { baseUrl: "http://u:secret-value@service.test" },
      "baseUrl",
      "must not hold a query, fragment or user info",
    ],
    ["a baseUrl that is a number", { baseUrl: 5 }, "baseUrl", "must be a string or a URL"],
    [
      "a header with a line break",
      { headers: { "x-api-key": "secret-value\r\nx" } },
      "headers.x-api-key",
      "holds a control character, which a header cannot carry",
    ],
    [
      "a header parameter with a line break",
      { params: { header: { "x-api-key": "secret-value\nx" } } },
      "params.header.x-api-key",
      "holds a control character, which a header cannot carry",
    ],
    ["a signal that is none", { signal: "x" }, "signal", "must be an AbortSignal"],
    // openapi-fetch reads an array's items as headers named 0, 1, …
    [
      "headers given as pairs",
      { headers: [["x-api-key", "secret-value\nx"]] },
      "headers",
      "must be a record of header names to values, or a Headers",
    ],
    [
      "a header parameter's list with a line break",
      { params: { header: { "x-api-key": ["a", "secret-value\nx"] } } },
      "params.header.x-api-key",
      "holds a control character, which a header cannot carry",
    ],
    [
      "a header with a character beyond Latin-1",
      { headers: { "x-a": "ok", "x-b": "secret-value中" } },
      "headers.x-b",
      "holds a character beyond U+00FF, which a header cannot carry",
    ],
    // Not a raw call's: the client's apply (they were checked, and then not used).
    [
      "a timeoutMs",
      { timeoutMs: 50 },
      "timeoutMs",
      "is not an option of a raw call (the client's applies; a raw call takes its signal)",
    ],
    [
      "a retry",
      { retry: { maxAttempts: 1 } },
      "retry",
      "is not an option of a raw call (the client's applies; a raw call takes its signal)",
    ],
    [
      "a header parameter that is no name",
      { params: { header: { "bad name": "v" } } },
      'params.header["bad name"]',
      "is not a header name",
    ],
  ])(
    "a raw call with %s is refused with a BceValidationError naming it, nothing sent",
    async (_, init, field, message) => {
      const rec = recorder();
      const options = { ...init, params: { path: { id: "a" }, ...(init as { params?: object }).params } };
      const error = await client({ fetch: rec.fetch })
        .raw.PUT("/things/{id}", options as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceValidationError);
      expect(error).toMatchObject({ field, message: `${field}: ${message}` });
      expect(String((error as Error).message)).not.toContain("secret-value");
      expect(rec.sent).toHaveLength(0);
    },
  );

  it("a raw call's headers are read once: a getter's or toString's second answer is not what is sent", async () => {
    const rec = recorder();
    const reads = [0, 0, 0];
    // Each source answers "key-1" when first asked, a value no header can carry after.
    const changing = (source: number) => () => (reads[source]!++ === 0 ? "key-1" : "secret-value\nx");
    const list: string[] = [];
    Object.defineProperty(list, 0, { get: changing(1), enumerable: true });
    const first = changing(0);
    const headers = {
      get "x-api-key"() {
        return first();
      },
      "x-list": list,
      "x-object": { toString: changing(2) },
    };
    await client({ fetch: rec.fetch }).raw.PUT("/things/{id}", { params: { path: { id: "a" } }, headers } as never);
    expect(reads).toEqual([1, 1, 1]);
    const sent = rec.sent[0]!.headers;
    expect([sent.get("x-api-key"), sent.get("x-list"), sent.get("x-object")]).toEqual(["key-1", "key-1", "key-1"]);
  });

  it.each([
    [
      "a header value that is a Symbol",
      { headers: { "x-a": Symbol("s") } },
      "headers",
      "must map header names to values a header can carry",
    ],
    [
      "a baseUrl whose toString throws",
      {
        baseUrl: {
          [Symbol.toStringTag]: "URL",
          toString: () => {
            throw new RangeError("secret-value");
          },
        },
      },
      "baseUrl",
      "must be a string or a URL",
    ],
  ])(
    "a raw call with %s is refused with a BceValidationError, the caller's error its cause",
    async (_, init, field, message) => {
      const rec = recorder();
      const error = await client({ fetch: rec.fetch })
        .raw.PUT("/things/{id}", { params: { path: { id: "a" } }, ...init } as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceValidationError);
      expect(error).toMatchObject({ field, message: `${field}: ${message}` });
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(rec.sent).toHaveLength(0);
    },
  );

  it("a raw call's null signal, empty or null baseUrl are none: the client's endpoint, no signal", async () => {
    const rec = recorder();
    const service = client({ fetch: rec.fetch });
    for (const init of [{ signal: null }, { baseUrl: "" }, { baseUrl: null }])
      await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, ...init } as never);
    expect(rec.sent.map((r) => r.url)).toEqual(Array(3).fill("http://service.test/things/a"));
  });

  it("an endpoint that is a URL of another realm is taken as one", async () => {
    const rec = recorder();
    // As one looks here (whatwg-url's, an iframe's): tagged URL, not an instance of ours.
    const endpoint = {
      [Symbol.toStringTag]: "URL",
      toString: () => "http://other-realm.test/base",
    } as unknown as URL;
    expect(endpoint instanceof URL).toBe(false);
    await client({ fetch: rec.fetch, endpoint }).raw.PUT("/things/{id}", { params: { path: { id: "a" } } } as never);
    expect(rec.sent[0]!.url).toBe("http://other-realm.test/base/things/a");
  });

  it("a raw call's own baseUrl is used as the endpoint is (its trailing slash dropped), header parameters given as null left out", async () => {
    const rec = recorder();
    await client({ fetch: rec.fetch }).raw.PUT("/things/{id}", {
      baseUrl: " http://other.test/base/ ",
      params: { path: { id: "a" }, header: { "x-a": "1", "x-b": null } },
    } as never);
    expect(rec.sent.map((r) => [r.url, r.headers.get("x-a"), r.headers.has("x-b")])).toEqual([
      ["http://other.test/base/things/a", "1", false],
    ]);
  });

  it("a key of a polluted Object.prototype is neither sent in the query nor taken as a retry option", async () => {
    // A 429 is retried whatever the request: four attempts, the default the caller left in force.
    const rec = recorder(429);
    // As a polluting assignment makes them: enumerable, so `for...in` lists them.
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.polluted = "x";
    polluted.maxAttempts = 1;
    try {
      const service = client({ fetch: rec.fetch, retry: { baseDelayMs: 0 } });
      await service.raw.PUT("/things/{id}", {
        params: { path: { id: "a" }, query: { q: "1" } as never },
        body: { name: "n" },
      });
    } finally {
      delete polluted.polluted;
      delete polluted.maxAttempts;
    }
    expect(rec.sent.map((request) => request.url)).toEqual(Array(4).fill("http://service.test/things/a?q=1"));
  });

  it("what openapi-fetch reads of its options, set on a polluted Object.prototype, changes nothing sent", async () => {
    const rec = recorder();
    // Each would send the signed call elsewhere, or change what it asks: another host, another
    // query (no clientToken, no ?rebuild), another body, headers of another's, a middleware's answer.
    const evil = {
      baseUrl: "http://evil.test",
      querySerializer: () => "evil=1",
      bodySerializer: () => '{"evil":1}',
      pathSerializer: () => "http://evil.test/path",
      headers: { "x-bce-evil": "1" },
      header: { "x-bce-evil-param": "1" },
      middleware: [{ onRequest: () => new Response('{"evil":1}') }],
      params: { query: { evil: "1" }, header: { "x-bce-evil-params": "1" } },
      parseAs: "text",
      Request: class extends Request {
        override get url() {
          return "http://evil.test/request";
        }
      },
    };
    const polluted = Object.prototype as Record<string, unknown>;
    Object.assign(polluted, evil);
    let answer: unknown;
    try {
      const service = client({ fetch: rec.fetch });
      answer = await service.raw.PUT("/things/{id}", {
        params: { path: { id: "a" }, query: { q: "1" } as never },
        body: { name: "n" },
      });
      // A call that gives no params of its own: the polluted ones are not its query or headers either.
      await service.raw.PUT("/things/b" as never, { body: { name: "n" } } as never);
    } finally {
      for (const key of Object.keys(evil)) delete polluted[key];
    }
    expect(rec.sent.map((request) => request.url)).toEqual([
      "http://service.test/things/a?q=1",
      "http://service.test/things/b",
    ]);
    for (const request of rec.sent) {
      expect(await request.text()).toBe('{"name":"n"}');
      expect([...request.headers.keys()].filter((name) => name.includes("evil"))).toEqual([]);
    }
    expect(answer).toMatchObject({ data: { ok: true } });
  });

  it("a misspelt credentials key is refused when the client is made, naming the right one; other keys pass", () => {
    for (const [key, meant] of [
      ["sesionToken", "sessionToken"],
      ["accesKeyId", "accessKeyId"],
      ["secretAccesKey", "secretAccessKey"],
      ["expiraton", "expiration"],
      // Other SDKs' names.
      ["securityToken", "sessionToken"],
      ["ak", "accessKeyId"],
      ["sk", "secretAccessKey"],
      ["secretKey", "secretAccessKey"],
    ] as const) {
      const keys = { accessKeyId: "ak", secretAccessKey: "sk-0123456789abcdef", [key]: "x" };
      expect(() => client({ credentials: keys as never })).toThrow(
        new BceValidationError(`credentials.${key}`, "unknown", `is not an option; did you mean credentials.${meant}?`),
      );
    }
    // An STS answer given as it came: its other fields are no misspelling.
    const sts = { ...credentials, sessionToken: "tok-0123456789", createTime: "2026-01-01T00:00:00Z", userId: "u-1" };
    expect(() => client({ credentials: sts })).not.toThrow();
  });

  it("a signal already aborted rejects with BceAbortError and sends nothing", async () => {
    const rec = recorder();
    const service = client({ fetch: rec.fetch });
    const error = await service.raw
      .PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" }, signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceAbortError);
    expect(rec.sent).toHaveLength(0);
  });

  it("sends a user agent naming the package, its version, the API and the runtime; the app id is appended", async () => {
    const rec = recorder();
    await client({ fetch: rec.fetch, userAgentAppId: "shop-42" }).raw.PUT("/things/{id}", {
      params: { path: { id: "a" } },
      body: { name: "n" },
    });
    expect(rec.sent[0]!.headers.get("user-agent")).toBe(
      `bce-openapi-js/${VERSION} api/things node/${process.versions.node} app/shop-42`,
    );
  });

  it("a user agent of the caller's own (headers option) wins", async () => {
    const rec = recorder();
    await client({ fetch: rec.fetch, headers: { "User-Agent": "mine/1" } }).raw.PUT("/things/{id}", {
      params: { path: { id: "a" } },
      body: { name: "n" },
    });
    expect(rec.sent[0]!.headers.get("user-agent")).toBe("mine/1");
  });
});

describe("userAgent", () => {
  it("is sent as x-bce-user-agent where there is no Node, Deno or Bun (browsers keep their own User-Agent)", () => {
    const saved = globalThis.process;
    let agent: ReturnType<typeof userAgent>;
    try {
      (globalThis as { process?: unknown }).process = undefined;
      agent = userAgent("bec", undefined);
    } finally {
      globalThis.process = saved;
    }
    expect(agent).toEqual({ header: "x-bce-user-agent", value: `bce-openapi-js/${VERSION} api/bec browser` });
  });

  it.each(["", "has space", "x".repeat(65), "名前"])("refuses the app id %j", (appId) => {
    expect(() => userAgent("bec", appId)).toThrow(
      expect.objectContaining({ name: "BceValidationError", field: "userAgentAppId" }),
    );
  });

  it("names this package's version, as package.json gives it", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe("client options are checked when the client is made", () => {
  it.each([
    ["validateResponses", { validateResponses: "loose" }],
    // A config file's null is not the default, as for every other option.
    ["validateResponses", { validateResponses: null }],
    ["retry.maxAttempts", { retry: { maxAttempts: NaN } }],
    ["retry.baseDelayMs", { retry: { baseDelayMs: -1 } }],
    ["timeoutMs", { timeoutMs: NaN }],
    ["maxResponseBytes", { maxResponseBytes: 0 }],
    ["logger", { logger: "console" }],
    ["logger", { logger: { warning: () => {}, log: () => {} } }],
    ["logger", { logger: {} }],
    ["logger.warn", { logger: { warn: "console.warn" } }],
    ["logger.error", { logger: { info: () => {}, error: null } }],
    ["hooks.beforeAttempt", { hooks: { beforeAttempt: 1 } }],
    ["fetch", { fetch: "fetch" }],
  ])("%s", (field, options) => {
    expect(() => client(options as BceClientOptions)).toThrow(
      expect.objectContaining({ name: "BceValidationError", field }),
    );
  });

  // Read as objects, arrays have no options: `[{ endpoint, credentials }]` would send the call to the
  // production service, signed with the environment's keys.
  it.each([
    [
      "options",
      () => createServiceClient<Paths>([{ endpoint: "http://mock.test", credentials }] as never, "http://prod.test"),
    ],
    ["retry", () => client({ retry: [{ maxAttempts: 1 }] } as never)],
    ["signing", () => client({ signing: [] } as never)],
    ["hooks", () => client({ hooks: [] } as never)],
    ["logger", () => client({ logger: [] } as never)],
    ["retry", () => checkCallOptions({ retry: [] } as never)],
    ["options", () => splitOptions([{ clientToken: "t" }], ["clientToken"])],
    // A Map's entries, or a Date's, are no keys of their own: read as an object, each is no options.
    [
      "options",
      () => createServiceClient<Paths>(new Map([["endpoint", "http://mock.test"]]) as never, "http://prod.test"),
    ],
    ["options", () => createServiceClient<Paths>(new Date() as never, "http://prod.test")],
    ["retry", () => client({ retry: new Map([["maxAttempts", 1]]) } as never)],
    ["hooks", () => client({ hooks: new Map() } as never)],
    ["signing", () => client({ signing: new Date() } as never)],
  ])("refuses an array where an object of options belongs (%s)", (field, make) => {
    expect(make).toThrow(expect.objectContaining({ name: "BceValidationError", field, rule: "type" }));
  });

  // fetch refused some of these at every attempt (a BceNetworkError, retried), node:http others,
  // and transfer-encoding went out beside the transport's content-length. fetch sends no Host
  // but the URL's: one of the caller's was signed, not sent, and the service refused the signature.
  const transportHeaders = [
    ["transfer-encoding", "chunked"],
    ["Content-Length", "3"],
    ["expect", "100-continue"],
    ["keep-alive", "timeout=5"],
    ["upgrade", "websocket"],
    ["trailer", "x-bce-checksum"],
    // fetch takes only close or keep-alive (UND_ERR_INVALID_ARG at every attempt, retried).
    ["Connection", "upgrade"],
    ["Host", "bec.baidubce.com"],
  ];
  it.each(transportHeaders)(
    "refuses the header %s, the transport's to set, in the headers option, naming it",
    (name, value) => {
      expect(() => client({ headers: { [name!]: value! } })).toThrow(
        expect.objectContaining({
          name: "BceValidationError",
          field: `headers.${name!.toLowerCase()}`,
          rule: "format",
        }),
      );
    },
  );

  it("refuses a content-type other than JSON in the headers option: every method's body is JSON", async () => {
    for (const type of ["text/plain", "application/jsonp", "application/x-www-form-urlencoded"])
      expect(() => client({ headers: { "Content-Type": type } })).toThrow(
        expect.objectContaining({
          name: "BceValidationError",
          field: "headers.content-type",
          rule: "format",
          message: "headers.content-type: must be application/json if given: every method sends its body as JSON",
        }),
      );
    // JSON's is taken, and sent; a raw call's own headers may still give any other.
    const rec = recorder();
    const service = client({ fetch: rec.fetch, headers: { "content-type": "application/json; charset=utf-8" } });
    await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    await service.raw.PUT("/things/{id}", {
      params: { path: { id: "a" } },
      body: { name: "n" },
      headers: { "content-type": "text/plain" },
    });
    expect(rec.sent.map((request) => request.headers.get("content-type"))).toEqual([
      "application/json; charset=utf-8",
      "text/plain",
    ]);
    // One only a polluted Object.prototype holds is not the option's.
    const polluted = Object.prototype as Record<string, unknown>;
    polluted["content-type"] = "text/plain";
    try {
      expect(() => client({ headers: { "x-trace-id": "1" } })).not.toThrow();
    } finally {
      delete polluted["content-type"];
    }
  });

  it.each(transportHeaders)(
    "refuses the header %s in a raw call's own headers, or set by a middleware, naming it, before anything is sent",
    async (name, value) => {
      const rec = recorder();
      const refused = expect.objectContaining({
        name: "BceValidationError",
        field: `headers.${name!.toLowerCase()}`,
        rule: "format",
      });
      const put = (service: ReturnType<typeof client>, headers?: Record<string, string>) =>
        service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" }, headers });
      await expect(put(client({ fetch: rec.fetch }), { [name!]: value! })).rejects.toEqual(refused);
      const service = client({ fetch: rec.fetch });
      service.raw.use({ onRequest: ({ request }) => void request.headers.set(name!, value!) });
      await expect(put(service)).rejects.toEqual(refused);
      // A client method's call, through the same middleware.
      await expect(
        service.raw.PUT("/things/{id}", {
          params: { path: { id: "a" } },
          body: { name: "n" },
          ...service.callOptions({ credentials, idempotent: true }),
        }),
      ).rejects.toEqual(refused);
      expect(rec.sent).toHaveLength(0);
    },
  );

  // Headers takes these, node:http does not: it refused them after the request counted as sent, a
  // BceNetworkError with requestSent true, retried three times.
  it.each([
    ["a control character", "s3cr3t\u0001"],
    ["DEL", "s3cr3t\u007f"],
  ])(
    "refuses a header value with %s in the headers option, a raw call's headers or a middleware's, naming the header, never the value",
    async (_, value) => {
      const refused = expect.objectContaining({
        name: "BceValidationError",
        field: "headers.x-trace-id",
        rule: "format",
        message: expect.not.stringContaining("s3cr3t"),
      });
      expect(() => client({ headers: { "x-trace-id": value } })).toThrow(refused);
      const rec = recorder();
      const put = (service: ReturnType<typeof client>, headers?: Record<string, string>) =>
        service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" }, headers });
      await expect(put(client({ fetch: rec.fetch }), { "x-trace-id": value })).rejects.toEqual(refused);
      const service = client({ fetch: rec.fetch });
      service.raw.use({ onRequest: ({ request }) => void request.headers.set("x-trace-id", value) });
      await expect(put(service)).rejects.toEqual(refused);
      expect(rec.sent).toHaveLength(0);
    },
  );

  it("refuses a header value no header can carry in the headers option, naming its header and what is wrong, never the value", () => {
    for (const [value, problem] of [
      ["s3cr3t\nx", "holds a control character, which a header cannot carry"],
      ["s3cr3t\u0000", "holds a control character, which a header cannot carry"],
      ["s3cr3t密", "holds a character beyond U+00FF, which a header cannot carry"],
    ]) {
      const field = "headers.x-b";
      const error = (() => {
        try {
          client({ headers: { "x-a": "1", "x-b": value! } });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toMatchObject({ name: "BceValidationError", field, message: `${field}: ${problem}` });
      expect(error!.message).not.toContain("s3cr3t");
    }
    // Named in lower case (as a header's other faults are), in a list, a Map or pairs alike.
    const control = "holds a control character, which a header cannot carry";
    for (const headers of [
      { "X-B": "s3cr3t\nx" },
      { "x-b": ["a", "s3cr3t\nx"] },
      new Map([["x-b", "s3cr3t\nx"]]),
      [["x-b", "s3cr3t\nx"]],
    ])
      expect(() => client({ headers: headers as never })).toThrow(
        expect.objectContaining({ field: "headers.x-b", message: `headers.x-b: ${control}` }),
      );
  });

  it("refuses a header name no header can have in the headers option, naming it (quoted), never a value", () => {
    for (const name of ["x-bce-ünï", "x trace", "x:y"]) {
      const field = `headers[${JSON.stringify(name)}]`;
      expect(() => client({ headers: { ok: "1", [name]: "s3cr3t" } })).toThrow(
        expect.objectContaining({ name: "BceValidationError", field, message: `${field}: is not a header name` }),
      );
    }
  });

  it("takes the headers a caller may set: connection close or keep-alive, and names that only look like framing ones", () => {
    for (const headers of <Record<string, string>[]>[
      { Connection: "close" },
      { connection: "Keep-Alive" },
      { "x-content-length": "3", te: "trailers" },
    ])
      expect(() => client({ headers })).not.toThrow();
  });

  it("options that cannot be read (a revoked Proxy) are refused naming them, the Proxy's error as cause", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => createServiceClient<Paths>(proxy, "http://prod.test")).toThrow(
      expect.objectContaining({ name: "BceValidationError", field: "options", cause: expect.any(TypeError) }),
    );
  });

  // Too far from ours to be typos, yet ignored they would send the call to the production service,
  // signed with the environment's keys, or with the default limits.
  it.each([
    ["baseUrl", "endpoint"],
    ["BaseURL", "endpoint"],
    ["endpointUrl", "endpoint"],
    ["AK", "credentials.accessKeyId"],
    ["ak", "credentials.accessKeyId"],
    ["sk", "credentials.secretAccessKey"],
    ["securityToken", "credentials.sessionToken"],
    ["maxAttempts", "retry.maxAttempts"],
    ["maxRetries", "retry.maxAttempts"],
    ["connectionTimeoutInMillis", "timeoutMs"],
    // "_" and "-" are ignored as case is: the names of Python's clients and SDKs.
    ["endpoint_url", "endpoint"],
    ["base_url", "endpoint"],
    ["Base-URL", "endpoint"],
    ["security_token", "credentials.sessionToken"],
    ["connection_timeout_in_mills", "timeoutMs"],
    ["max_error_retry", "retry.maxAttempts"],
    // The official SDKs' other names.
    ["socketTimeoutInMillis", "timeoutMs"],
    ["maxErrorRetry", "retry.maxAttempts"],
    ["maxDelayInMillis", "retry.maxDelayMs"],
    ["baseIntervalInMillis", "retry.baseDelayMs"],
    ["ExpireSeconds", "signing.expirationInSeconds"],
    ["expirationPeriodInSeconds", "signing.expirationInSeconds"],
    ["stsToken", "credentials.sessionToken"],
    // The JavaScript SDK's (its BceConfig): the scheme is the endpoint's.
    ["protocol", "endpoint"],
  ])("refuses %s, another SDK's name for an option, naming ours", (field, meant) => {
    expect(() => client({ [field]: "http://127.0.0.1:4010" } as BceClientOptions)).toThrow(
      expect.objectContaining({
        name: "BceValidationError",
        field,
        rule: "unknown",
        message: `${field}: is not an option; did you mean ${meant}?`,
      }),
    );
  });

  // The JavaScript SDK's proxy and signing function: ignored, the signed call would go around the
  // proxy, or be signed with other keys than the ones meant.
  it.each([
    [
      "proxy",
      { host: "127.0.0.1", port: 3128 },
      "fetch (one that sends through the proxy, such as undici's fetch with a ProxyAgent dispatcher)",
    ],
    ["createSignature", () => "auth", "credentials (a function that answers with temporary keys)"],
  ])("refuses %s, another SDK's option, saying how ours does it", (field, value, meant) => {
    expect(() => client({ [field]: value } as BceClientOptions)).toThrow(
      expect.objectContaining({
        name: "BceValidationError",
        field,
        rule: "unknown",
        message: `${field}: is not an option; did you mean ${meant}?`,
      }),
    );
  });

  it("leaves other keys alone, and takes another SDK's name the client has as its own option", () => {
    // One configuration object for several clients, with settings of the caller's own.
    // Generic names pass beside the option of ours they would name.
    const endpoint = "http://service.test";
    expect(() =>
      client({
        region: "bj",
        appName: "demo",
        host: "db.internal",
        url: "postgres://db",
        endpoint,
      } as BceClientOptions),
    ).not.toThrow();
    // Generic names that are another SDK's only within one of our options' objects pass at the top.
    expect(() =>
      client({ retries: 3, retry: {}, now: 1, timestamp: 1, _: 1, "": 1 } as BceClientOptions),
    ).not.toThrow();
    // A key left undefined sends nothing anywhere.
    expect(() => client({ baseUrl: undefined, maxRetries: undefined } as BceClientOptions)).not.toThrow();
    // A client with a server variable named `host` takes it as its own.
    expect(() =>
      createServiceClient<Paths>({ credentials, host: "h" } as BceClientOptions, "http://service.test", "things", [
        "host",
      ]),
    ).not.toThrow();
  });

  // Without the option of ours they name, they were meant as ours: ignored, `url: mock.url` sent
  // the signed call to the production service, and `retries: 0` left four attempts in force.
  it.each([
    ["url", "endpoint", "endpoint", { url: "http://127.0.0.1:4010" }],
    ["URL", "endpoint", "endpoint", { URL: "http://127.0.0.1:4010" }],
    ["host", "endpoint", "endpoint", { host: "127.0.0.1:4010" }],
    ["retries", "retry.maxAttempts (retries + 1)", "retry", { retries: 0 }],
    ["Retries", "retry.maxAttempts (retries + 1)", "retry", { Retries: 0, maxAttempts: undefined }],
  ])("refuses the generic name %s given without %s", (field, meant, top, options) => {
    const fetch = vi.fn();
    expect(() => client({ ...options, fetch } as BceClientOptions)).toThrow(
      expect.objectContaining({
        name: "BceValidationError",
        field,
        rule: "unknown",
        message: `${field}: is not an option; did you mean ${meant}? Given with ${top}, it is left alone, as other code's setting.`,
      }),
    );
    expect(fetch).not.toHaveBeenCalled();
  });

  // A server variable (BCC's region) picks the production host it names: still the production
  // service, so a url beside it, meant for the mock, is refused as without it.
  it("refuses url beside a server variable such as region, which is not an endpoint", () => {
    expect(() =>
      createServiceClient<Paths>(
        { credentials, region: "bj", url: "http://127.0.0.1:4010" } as BceClientOptions,
        () => "http://service.test",
        "things",
        ["region"],
      ),
    ).toThrow(expect.objectContaining({ name: "BceValidationError", field: "url", rule: "unknown" }));
  });

  // `retry: false` turned nothing off: four attempts went on. Refused, saying what does.
  it.each([[false], [null], [0], [3], ["off"]])("refuses retry: %s, for a client and for a call", (retry) => {
    const expected = expect.objectContaining({
      name: "BceValidationError",
      field: "retry",
      rule: "type",
      message: "retry: must be an object ({ maxAttempts: 1 } turns retries off)",
    });
    expect(() => client({ retry } as unknown as BceClientOptions)).toThrow(expected);
    expect(() => checkCallOptions({ retry } as unknown as CallOptions)).toThrow(expected);
  });

  it.each([[false], [null], [0]])("refuses signing: %s", (signing) => {
    expect(() => client({ signing } as unknown as BceClientOptions)).toThrow(
      expect.objectContaining({ name: "BceValidationError", field: "signing", message: "signing: must be an object" }),
    );
  });

  // Ignored, a misspelt retry limit would leave the default (4 attempts) in force.
  it.each([
    ["retry.maxAttempt", "retry.maxAttempts", { maxAttempt: 1 }],
    ["retry.MaxAttempts", "retry.maxAttempts", { MaxAttempts: 1 }],
    ["retry.maxDelay", "retry.maxDelayMs", { maxDelay: 10 }],
    ["retry.shouldRetyr", "retry.shouldRetry", { shouldRetyr: () => false }],
    // Another SDK's name for the limit (the BCE SDKs', axios-retry's): too far from ours to be a typo.
    ["retry.maxRetries", "retry.maxAttempts", { maxRetries: 1 }],
    ["retry.MaxRetries", "retry.maxAttempts", { MaxRetries: 1 }],
    ["retry.maxErrorRetry", "retry.maxAttempts", { maxErrorRetry: 1 }],
    ["retry.retries", "retry.maxAttempts", { retries: 1 }],
    ["retry.max_attempts", "retry.maxAttempts", { max_attempts: 1 }],
    ["retry.base_delay_ms", "retry.baseDelayMs", { base_delay_ms: 1 }],
  ])("refuses the misspelt retry option %s, for a client and for a call", (field, meant, retry) => {
    const expected = expect.objectContaining({
      name: "BceValidationError",
      field,
      rule: "unknown",
      message: `${field}: is not an option; did you mean ${meant}?`,
    });
    expect(() => client({ retry } as BceClientOptions)).toThrow(expected);
    expect(() => checkCallOptions({ retry } as CallOptions)).toThrow(expected);
  });

  // Ignored, a misspelt hook would never be called and a misspelt signature lifetime left at its default.
  it.each([
    ["hooks.afterAttemp", "hooks.afterAttempt", { hooks: { afterAttemp: () => {} } }],
    ["hooks.BeforeAttempt", "hooks.beforeAttempt", { hooks: { BeforeAttempt: () => {} } }],
    ["signing.expirationInSecond", "signing.expirationInSeconds", { signing: { expirationInSecond: 60 } }],
    ["signing.headerToSign", "signing.headersToSign", { signing: { headerToSign: ["host"] } }],
    ["signing.clocks", "signing.clock", { signing: { clocks: () => 0 } }],
    // Other names for them: the Go SDK's SignOptions, the mock's clock.
    ["signing.ExpireSeconds", "signing.expirationInSeconds", { signing: { ExpireSeconds: 60 } }],
    ["signing.timestamp", "signing.clock", { signing: { timestamp: 0 } }],
    ["signing.now", "signing.clock", { signing: { now: () => 0 } }],
    ["credentials.stsToken", "credentials.sessionToken", { credentials: { ...credentials, stsToken: "t" } }],
    [
      "credentials.security_token",
      "credentials.sessionToken",
      { credentials: { ...credentials, security_token: "t" } },
    ],
  ])("refuses the misspelt option %s", (field, meant, options) => {
    expect(() => client(options as BceClientOptions)).toThrow(
      expect.objectContaining({
        name: "BceValidationError",
        field,
        rule: "unknown",
        message: `${field}: is not an option; did you mean ${meant}?`,
      }),
    );
  });

  // openapi-fetch builds a Request with the call's signal, and Node's fetch keeps a listener on a
  // Request's signal until the Request is garbage-collected: on one long-lived signal, listeners
  // gathered past the room the clients make (a MaxListenersExceededWarning).
  it("leaves no listener on a caller's signal shared by calls once they settle, with a middleware and on raw calls", async () => {
    const rec = recorder();
    const service = client({ fetch: rec.fetch });
    service.raw.use({ onRequest: ({ request }) => request });
    const signal = new AbortController().signal;
    const put = (init: object) =>
      service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" }, ...init });
    for (let i = 0; i < 3; i++) {
      await put({ signal });
      expect(getEventListeners(signal, "abort")).toHaveLength(0);
      await put({ ...service.callOptions({ credentials, idempotent: true, signal }) });
      expect(getEventListeners(signal, "abort")).toHaveLength(0);
    }
    expect(rec.sent).toHaveLength(6);
    // The Request follows the caller's signal: aborted, the call is too.
    const controller = new AbortController();
    controller.abort(new Error("user gave up"));
    await expect(put({ signal: controller.signal })).rejects.toMatchObject({ name: "BceAbortError" });
    expect(rec.sent).toHaveLength(6);
  });

  // Node's fetch gives a shared signal room for 1500 listeners, one per request; a client method's
  // call put two on it (the transport's and the one a Request's own signal followed it with), so
  // 751 calls in flight printed a MaxListenersExceededWarning.
  it("puts one listener per client method call in flight on a shared signal, two once a middleware is added", async () => {
    let started = 0;
    let release!: () => void;
    let gate!: Promise<void>;
    const service = client({
      fetch: async () => {
        started++;
        await gate;
        return new Response('{"ok":true}', { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    const signal = new AbortController().signal;
    const call = () =>
      service.raw.PUT("/things/{id}", {
        params: { path: { id: "a" } },
        body: { name: "n" },
        // As a client method calls: the transport has read the body (answerText).
        parseAs: "stream",
        ...service.callOptions({ credentials, idempotent: true, signal }),
      });
    const inFlight = async (calls: number) => {
      started = 0;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      const pending = Array.from({ length: calls }, call);
      await vi.waitFor(() => expect(started).toBe(calls), { timeout: 30_000 });
      const listeners = getEventListeners(signal, "abort").length;
      release();
      await Promise.all(pending);
      expect(getEventListeners(signal, "abort")).toHaveLength(0);
      return listeners;
    };
    expect(await inFlight(3)).toBe(3);
    service.raw.use({ onRequest: ({ request }) => request });
    expect(await inFlight(3)).toBe(6);
  });

  it("reads only the caller's own options: an endpoint inherited from a polluted Object.prototype is not taken", async () => {
    const rec = recorder();
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.endpoint = "http://attacker.test";
    try {
      const service = client({ fetch: rec.fetch });
      await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    } finally {
      delete polluted.endpoint;
    }
    expect(rec.sent.map((request) => new URL(request.url).host)).toEqual(["service.test"]);
  });

  // Read by own keys alone, each of these was no options at all: the calls went to the default
  // endpoint (the production service), signed with the environment's keys.
  it("a raw call's header the transport refuses is refused before a credentials provider is asked", async () => {
    const rec = recorder();
    let asked = 0;
    const service = client({
      fetch: rec.fetch,
      credentials: async () => {
        asked++;
        return credentials;
      },
    });
    const error = await service.raw
      .PUT("/things/{id}", { params: { path: { id: "a" } }, headers: { host: "elsewhere.test" }, body: { name: "n" } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "BceValidationError", field: "headers.host" });
    expect(asked).toBe(0);
    expect(rec.sent).toEqual([]);
  });

  it("reads options as `options.endpoint` reads them: a class's getters, a prototype's, a non-enumerable one", async () => {
    const rec = recorder(429);
    const retry = new (class {
      get maxAttempts() {
        return 1;
      }
    })();
    class Config {
      get endpoint() {
        return "http://mine.test";
      }
      get credentials() {
        return credentials;
      }
      get fetch() {
        return rec.fetch;
      }
      get retry() {
        return retry;
      }
    }
    const given = { endpoint: "http://mine.test", credentials, fetch: rec.fetch, retry };
    const hidden = Object.defineProperties(
      {},
      Object.fromEntries(Object.entries(given).map(([k, value]) => [k, { value }])),
    );
    const each = [new Config(), Object.create(given), hidden];
    for (const options of each) {
      const service = createServiceClient<Paths>(options, "http://default.test", "things");
      await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    }
    // One attempt each (maxAttempts 1, though 429 is retried), to the endpoint given.
    expect(rec.sent.map((request) => new URL(request.url).host)).toEqual(Array(each.length).fill("mine.test"));
  });

  it("refuses a misspelt option a class gives, and takes none only another realm's polluted Object.prototype holds", async () => {
    const rec = recorder();
    class Misspelt {
      get endpiont() {
        return "http://mine.test";
      }
      get fetch() {
        return rec.fetch;
      }
    }
    expect(() => createServiceClient<Paths>(new Misspelt(), "http://default.test", "things")).toThrow(
      expect.objectContaining({ name: "BceValidationError", field: "endpiont" }),
    );
    // Options made in a vm context whose Object.prototype a polluting assignment reached.
    const options = runInNewContext(
      'Object.prototype.endpoint = "http://attacker.test"; Object.prototype.hooks = {}; ({ fetch, credentials })',
      { fetch: rec.fetch, credentials },
    );
    await createServiceClient<Paths>(options, "http://service.test", "things").raw.PUT("/things/{id}", {
      params: { path: { id: "a" } },
      body: { name: "n" },
    });
    expect(rec.sent.map((request) => new URL(request.url).host)).toEqual(["service.test"]);
  });

  it("reads each hook once, and calls it on the caller's object", async () => {
    const rec = recorder();
    const calls: string[] = [];
    let reads = 0;
    class Hooks {
      tag = "mine";
      get beforeAttempt() {
        reads++;
        return reads === 1
          ? function (this: Hooks) {
              calls.push(`checked ${this.tag}`);
            }
          : () => calls.push("another");
      }
    }
    const service = client({ fetch: rec.fetch, hooks: new Hooks() as never });
    await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    expect(calls).toEqual(["checked mine"]);
    expect(reads).toBe(1);
  });

  it("takes the options of a prototype that has none of its own (Object.create(null) defaults)", async () => {
    const rec = recorder();
    const defaults = Object.assign(Object.create(null), {
      endpoint: "http://mine.test",
      fetch: rec.fetch,
      credentials,
    });
    await createServiceClient<Paths>(Object.create(defaults), "http://default.test", "things").raw.PUT("/things/{id}", {
      params: { path: { id: "a" } },
      body: { name: "n" },
    });
    expect(rec.sent.map((request) => new URL(request.url).host)).toEqual(["mine.test"]);
  });

  it("refuses options whose prototype chain has no end (a Proxy's), naming the options", () => {
    const endless: object = new Proxy({}, { getPrototypeOf: () => endless });
    expect(() => createServiceClient<Paths>(endless as never, "http://default.test", "things")).toThrow(
      expect.objectContaining({ name: "BceValidationError", field: "options" }),
    );
  });

  it("a client with no signing, logger or credentials token of its own takes none from a polluted Object.prototype", async () => {
    const rec = recorder(429);
    const polluted = Object.prototype as Record<string, unknown>;
    const called: string[] = [];
    const evil = {
      sessionToken: "polluted-token",
      clock: () => Date.UTC(2001, 0, 1),
      expirationInSeconds: 7,
      headersToSign: ["host"],
      random: () => {
        called.push("random");
        return 0;
      },
      info: () => called.push("info"),
      debug: () => called.push("debug"),
    };
    Object.assign(polluted, evil);
    try {
      const service = client({ fetch: rec.fetch, logger: { warn() {} }, retry: { maxAttempts: 2, baseDelayMs: 0 } });
      await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    } finally {
      for (const key of Object.keys(evil)) delete polluted[key];
    }
    expect(called).toEqual([]);
    for (const request of rec.sent) {
      expect(request.headers.has("x-bce-security-token")).toBe(false);
      expect(request.headers.get("x-bce-date")).not.toMatch(/^2001-/);
      expect(request.headers.get("authorization")).toMatch(/\/1800\/content-length;content-type;host;/);
    }
  });

  it("calls a retry's shouldRetry and a signing clock of a class on the caller's object (private fields work)", async () => {
    const rec = recorder(500);
    class Retry {
      #limit = 2;
      get maxAttempts() {
        return 5;
      }
      baseDelayMs = 0;
      shouldRetry({ attempt }: { attempt: number }) {
        return attempt < this.#limit;
      }
    }
    class Signing {
      #time = Date.UTC(2026, 0, 2);
      clock() {
        return this.#time;
      }
    }
    const service = client({ fetch: rec.fetch, retry: new Retry() as never, signing: new Signing() as never });
    const result = await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    expect(result.response.status).toBe(500);
    expect(rec.sent).toHaveLength(2);
    expect(rec.sent[0]!.headers.get("x-bce-date")).toBe("2026-01-02T00:00:00Z");
  });

  it("refuses a misspelt credentials key a class gives, as an own one is", () => {
    class Keys {
      accessKeyId = "ak";
      secretAccessKey = "sk-0123456789abcdef";
      get sesionToken() {
        return "token";
      }
    }
    expect(() => client({ credentials: new Keys() as never })).toThrow(
      expect.objectContaining({ name: "BceValidationError", field: "credentials.sesionToken" }),
    );
  });

  it("a raw call whose signal's `aborted` throws once the fetch has failed settles, with a BceError", async () => {
    const controller = new AbortController();
    let broken = false;
    Object.defineProperty(controller.signal, "aborted", {
      get() {
        if (broken) throw new Error("aborted getter");
        return false;
      },
    });
    const service = client({
      retry: { maxAttempts: 1 },
      fetch: async () => {
        broken = true;
        throw new TypeError("fetch failed");
      },
    });
    const error = await service.raw
      .PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" }, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceError);
  });

  it("hooks and signing take nothing from a polluted Object.prototype (a hook would be shown every body, a clock would date every signature)", async () => {
    const rec = recorder();
    const polluted = Object.prototype as Record<string, unknown>;
    const shown: unknown[] = [];
    Object.assign(polluted, {
      beforeAttempt: (event: unknown) => shown.push(event),
      afterAttempt: (event: unknown) => shown.push(event),
      clock: () => Date.UTC(2001, 0, 1),
      expirationInSeconds: 7,
      headersToSign: ["host"],
    });
    try {
      const service = client({ fetch: rec.fetch, hooks: {}, signing: {} });
      await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    } finally {
      for (const key of ["beforeAttempt", "afterAttempt", "clock", "expirationInSeconds", "headersToSign"])
        delete polluted[key];
    }
    expect(shown).toEqual([]);
    const [request] = rec.sent;
    expect(request!.headers.get("x-bce-date")).not.toMatch(/^2001-/);
    expect(request!.headers.get("authorization")).toMatch(
      /^bce-auth-v1\/ak\/[^/]+\/1800\/content-length;content-type;host;/,
    );
  });

  it("reads the credentials, fetch and headers options once: what is checked is what is sent with", async () => {
    const rec = recorder();
    const reads = { credentials: 0, fetch: 0, headers: 0 };
    // Getters that give a valid value first and an invalid one after (another SDK's name for the token).
    const options = {
      get credentials() {
        return ++reads.credentials === 1 ? credentials : { ...credentials, securityToken: "t" };
      },
      get fetch() {
        return ++reads.fetch === 1 ? rec.fetch : "not a function";
      },
      get headers() {
        return ++reads.headers === 1 ? { "x-app": "a" } : { "x-app": "a\u0001" };
      },
    };
    const service = createServiceClient<Paths>(options as BceClientOptions, "http://service.test", "things");
    expect(reads).toEqual({ credentials: 1, fetch: 1, headers: 1 });
    await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    expect(rec.sent.map((request) => request.headers.get("x-app"))).toEqual(["a"]);
  });

  it("leaves other retry keys alone", () => {
    expect(() => client({ retry: { maxAttempts: 2, note: "x" } } as BceClientOptions)).not.toThrow();
    expect(() => client({ retry: { maxAttempts: 2, maxRetries: undefined } } as BceClientOptions)).not.toThrow();
  });

  it("validateResponses is off unless asked, and the logger is never missing", () => {
    const service = client();
    expect(service.validateResponses).toBe("off");
    expect(typeof service.logger.warn).toBe("function");
    expect(client({ validateResponses: "warn" }).validateResponses).toBe("warn");
    expect(() => client({ validateResponses: "strict" })).not.toThrow(BceValidationError);
  });
});

describe("credentials", () => {
  const keys = (n: number) => ({ accessKeyId: `ak-${n}`, secretAccessKey: `secret-value-${n}-0123456789` });

  // A session token (or an expiration) only a polluted Object.prototype has would be signed into
  // every request (or fail every call): keys are an object's own or its class's (getters), and
  // environment variables are the environment's own.
  it("takes no key of a polluted Object.prototype: not from the option, a provider or the environment", async () => {
    const polluted = Object.prototype as Record<string, unknown>;
    const added = { sessionToken: "injected-token", expiration: "garbage", BCE_SESSION_TOKEN: "injected-env-token" };
    Object.assign(polluted, added);
    try {
      expect(await credentialsResolver(keys(1))()).toEqual(keys(1));
      expect(await credentialsResolver(async () => keys(2))()).toEqual(keys(2));
      expect(
        credentialsFromEnv({ BCE_ACCESS_KEY_ID: "ak-3", BCE_SECRET_ACCESS_KEY: "secret-value-3-0123456789" }),
      ).toEqual(keys(3));
      class Keys {
        get accessKeyId() {
          return "ak-4";
        }
        get secretAccessKey() {
          return "secret-value-4-0123456789";
        }
        get sessionToken() {
          return "token-4";
        }
      }
      expect(await credentialsResolver(new Keys())()).toEqual({ ...keys(4), sessionToken: "token-4" });
    } finally {
      for (const key of Object.keys(added)) delete polluted[key];
    }
  });

  it("a provider that throws rejects with CredentialsError whose cause is its error, and no secret in it", async () => {
    const cause = new Error("STS unreachable");
    let calls = 0;
    const resolve = credentialsResolver(async () => {
      if (calls++ === 0) return { ...keys(1), expiration: new Date(0) };
      throw cause;
    });
    await resolve();
    const error = await resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).cause).toBe(cause);
    const text = `${(error as Error).message}\n${(error as Error).stack}\n${String((error as Error).cause)}`;
    expect(text).not.toContain("secret-value-1");
  });

  it("a provider that returns something unusable rejects with CredentialsError naming what is wrong", async () => {
    await expect(credentialsResolver(async () => ({ ...keys(1), expiration: "tomorrow" }))()).rejects.toThrow(
      /expiration/,
    );
    await expect(credentialsResolver((() => null) as never)()).rejects.toBeInstanceOf(CredentialsError);
    // Date.parse would read these as dates; ISO 8601 with an offset is what STS gives.
    // ... and an impossible day or hour, which Date.parse rolls over (02-30 to 03-02).
    for (const expiration of [
      "0",
      "1",
      "2030-01-01",
      "Tue, 01 Jan 2030 00:00:00 GMT",
      "2030-01-01T00:00:00",
      "2030-02-30T00:00:00Z",
      "2031-02-29T00:00:00Z",
      "2030-04-31T00:00:00+08:00",
      "2030-01-01T24:00:00Z",
      "2030-01-01T23:59:60Z",
    ])
      await expect(credentialsResolver(async () => ({ ...keys(1), expiration }))()).rejects.toThrow(
        "credentials provider: expiration must be a Date or an ISO 8601 date and time with its offset, such as 2030-01-01T00:00:00Z",
      );
    for (const expiration of [
      "2030-01-01T00:00:00Z",
      "2030-01-01T08:00:00.5+08:00",
      "2030-01-01T00:00Z",
      "2032-02-29T23:59:59-0530",
      "2030-12-31T00:00:00Z",
    ])
      await expect(credentialsResolver(async () => ({ ...keys(1), expiration }))()).resolves.toEqual(keys(1));
  });

  // As the credentials option's keys are: ignored, the token would be left out of the signature.
  it.each([
    ["securityToken", "credentials.sessionToken"],
    ["sesionToken", "credentials.sessionToken"],
    ["sk", "credentials.secretAccessKey"],
    ["expirtion", "credentials.expiration"],
  ])("a provider whose answer holds %s rejects with CredentialsError naming ours", async (field, meant) => {
    const error = await credentialsResolver(async () => ({ ...keys(1), [field]: "secret-value-9" }))().catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({
      message: `credentials provider: credentials.${field}: is not an option; did you mean ${meant}?`,
      cause: expect.objectContaining({ name: "BceValidationError", field: `credentials.${field}`, rule: "unknown" }),
    });
    // Other keys pass: an STS answer given as it came carries more.
    await expect(
      credentialsResolver(async () => ({ ...keys(1), userId: "u", roleArn: "r" }) as never)(),
    ).resolves.toEqual(keys(1));
  });

  it("without an expiration the provider is asked for every call", async () => {
    let n = 0;
    const resolve = credentialsResolver(() => keys(++n));
    expect((await resolve()).accessKeyId).toBe("ak-1");
    expect((await resolve()).accessKeyId).toBe("ak-2");
  });

  it.each([
    ["a Date", (at: number) => new Date(at)],
    ["an ISO string", (at: number) => new Date(at).toISOString()],
  ])(
    "with an expiration (%s) the keys are kept until shortly before it, then asked for again",
    async (_, expiration) => {
      let now = Date.UTC(2026, 0, 1);
      const lifetime = 3600_000;
      let n = 0;
      const provider = vi.fn(() => ({ ...keys(++n), expiration: expiration(now + lifetime) }));
      const resolve = credentialsResolver(provider, () => now);
      expect((await resolve()).accessKeyId).toBe("ak-1");
      now += lifetime - CREDENTIALS_REFRESH_WINDOW_MS - 1;
      expect((await resolve()).accessKeyId).toBe("ak-1");
      expect(provider).toHaveBeenCalledTimes(1);
      now += 1; // inside the refresh window: this call goes on with the keys it has, and asks beside it
      expect((await resolve()).accessKeyId).toBe("ak-1");
      expect(provider).toHaveBeenCalledTimes(2);
      // The keys handed out carry no expiration and are a frozen copy.
      const got = await resolve();
      expect(got).toEqual(keys(2));
      expect(Object.isFrozen(got)).toBe(true);
      expect(provider).toHaveBeenCalledTimes(2);
    },
  );

  describe("keys near their expiration, the provider asked anew", () => {
    const lifetime = 3600_000;
    const start = Date.UTC(2026, 0, 1);
    /** A provider whose keys expire an hour after it answers; `down` makes it fail, `hang` never answer. */
    const setup = () => {
      const state = { now: start, n: 0, down: false, hang: false };
      const provider = vi.fn(() => {
        if (state.hang) return new Promise<never>(() => {});
        if (state.down) throw new Error("STS is down");
        return { ...keys(++state.n), expiration: new Date(state.now + lifetime) };
      });
      return { state, provider, resolve: credentialsResolver(provider, () => state.now) };
    };
    /** Once the request made beside a call has settled (no timer of the resolver's is involved). */
    const settled = () => new Promise((done) => setTimeout(done, 0));

    it("failing, or not answering, with over a minute left: calls go on with the keys they have", async () => {
      const { state, provider, resolve } = setup();
      expect((await resolve()).accessKeyId).toBe("ak-1");
      state.now += lifetime - CREDENTIALS_REFRESH_WINDOW_MS; // five minutes left
      state.down = true;
      const calls = await Promise.all(Array.from({ length: 5 }, () => resolve({ timeoutMs: 1000 })));
      expect(calls.map((c) => c.accessKeyId)).toEqual(Array(5).fill("ak-1"));
      await settled();
      // The calls made together shared one request; the next call, after it failed, asks again.
      expect(provider).toHaveBeenCalledTimes(2);
      expect((await resolve()).accessKeyId).toBe("ak-1");
      expect(provider).toHaveBeenCalledTimes(3);
      // Not answering at all: still the keys they have, and no second request while it hangs for
      // less than the calls' timeoutMs; after that, the next call asks again.
      state.down = false;
      state.hang = true;
      expect((await resolve({ timeoutMs: 1000 })).accessKeyId).toBe("ak-1");
      state.now += 1000;
      expect((await resolve({ timeoutMs: 1000 })).accessKeyId).toBe("ak-1");
      expect(provider).toHaveBeenCalledTimes(4);
      state.now += 1;
      state.hang = false;
      expect((await resolve({ timeoutMs: 1000 })).accessKeyId).toBe("ak-1");
      expect(provider).toHaveBeenCalledTimes(5);
      await settled();
      expect((await resolve({ timeoutMs: 1000 })).accessKeyId).toBe("ak-2");
    });

    it("a failure beside a call is told to the resolver's listener, with the time the keys have left", async () => {
      const { state } = setup();
      const told: [unknown, number][] = [];
      const provider = vi.fn(() => {
        if (state.down) throw new Error("STS is down");
        return { ...keys(++state.n), expiration: new Date(state.now + lifetime) };
      });
      const resolve = credentialsResolver(
        provider,
        () => state.now,
        (error, left) => told.push([error, left]),
      );
      await resolve();
      state.now += lifetime - 3 * 60_000; // three minutes left
      state.down = true;
      // Three calls at once share one request: its failure is told once.
      await Promise.all([resolve(), resolve(), resolve()]);
      await settled();
      expect(provider).toHaveBeenCalledTimes(2);
      expect(told).toEqual([[expect.any(CredentialsError), 3 * 60_000]]);
      expect((told[0]![0] as CredentialsError).cause).toEqual(new Error("STS is down"));
    });

    it("a failure beside a call reaches the client's logger as a warning, without the provider's error", async () => {
      const warn = vi.fn();
      let down = false;
      let n = 0;
      const secret = "token-in-the-provider-error-0123";
      const service = client({
        fetch: recorder().fetch,
        logger: { warn },
        credentials: async () => {
          if (down) throw new Error(`STS said no to ${secret}`);
          return { ...keys(++n), expiration: new Date(Date.now() + 3 * 60_000) };
        },
      });
      const put = () => service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
      await put();
      down = true;
      expect((await put()).response.status).toBe(200);
      await settled();
      expect(warn).toHaveBeenCalledTimes(1);
      const [message, data] = warn.mock.calls[0]!;
      expect(message).toBe(
        "the credentials provider failed while the keys it gave last still hold; they serve until a minute before they expire",
      );
      expect(data).toEqual({
        event: "credentialsRefreshFailed",
        expiresInMs: expect.any(Number),
        error: "the credentials provider failed",
        causeName: "Error",
      });
      expect(data.expiresInMs).toBeGreaterThan(60_000);
      expect(data.expiresInMs).toBeLessThanOrEqual(3 * 60_000);
      expect(JSON.stringify(warn.mock.calls)).not.toContain(secret);
    });

    it("a failure beside a call is logged with the provider's error code, and no name or code that is not a word", async () => {
      const logged: unknown[] = [];
      const failures = [
        Object.assign(new TypeError("fetch failed"), { code: "ECONNREFUSED" }),
        Object.assign(new Error("no"), { name: "Sts said no to sk-0123456789", code: 403 }),
        "a string thrown",
      ];
      for (const failure of failures) {
        let down = false;
        const service = client({
          fetch: recorder().fetch,
          logger: { warn: (_: string, data?: object) => void logged.push(data) },
          credentials: async () => {
            if (down) throw failure;
            return { ...keys(1), expiration: new Date(Date.now() + 3 * 60_000) };
          },
        });
        const put = () => service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
        await put();
        down = true;
        await put();
        await settled();
      }
      const base = {
        event: "credentialsRefreshFailed",
        expiresInMs: expect.any(Number),
        error: "the credentials provider failed",
      };
      expect(logged).toEqual([{ ...base, causeName: "TypeError", causeCode: "ECONNREFUSED" }, base, base]);
    });

    it("one that hangs beside a call is not waited on in the last minute: a call there asks anew", async () => {
      const { state, provider, resolve } = setup();
      expect((await resolve()).accessKeyId).toBe("ak-1");
      state.now += lifetime - CREDENTIALS_REFRESH_WINDOW_MS;
      state.hang = true;
      expect((await resolve({ timeoutMs: 30_000 })).accessKeyId).toBe("ak-1");
      expect(provider).toHaveBeenCalledTimes(2);
      state.hang = false;
      state.now += CREDENTIALS_REFRESH_WINDOW_MS - CREDENTIALS_STALE_MS; // one minute left
      expect((await resolve({ timeoutMs: 30_000 })).accessKeyId).toBe("ak-2");
      expect(provider).toHaveBeenCalledTimes(3);
    });

    it("in the last minute a call waits for new keys, and fails with CredentialsError if the provider does", async () => {
      const { state, provider, resolve } = setup();
      expect((await resolve()).accessKeyId).toBe("ak-1");
      state.now += lifetime - CREDENTIALS_STALE_MS; // one minute left
      state.down = true;
      const error = await resolve().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as CredentialsError).cause).toEqual(new Error("STS is down"));
      state.down = false;
      expect((await resolve()).accessKeyId).toBe("ak-2");
      expect(provider).toHaveBeenCalledTimes(3);
    });

    // The last minute is a whole minute, as the AWS SDK for Java's stale time: with 45 s left, the
    // old keys would expire while a call signed with them is still retried.
    it("with 45 seconds left a call does not go on with the keys it has", async () => {
      const { state, resolve } = setup();
      await resolve();
      state.now += lifetime - 45_000;
      state.down = true;
      await expect(resolve()).rejects.toBeInstanceOf(CredentialsError);
    });

    it("a provider that answers in the window replaces the keys for the calls after", async () => {
      const { state, provider, resolve } = setup();
      await resolve();
      state.now += lifetime - CREDENTIALS_STALE_MS - 1; // just over a minute left
      expect((await resolve()).accessKeyId).toBe("ak-1");
      await settled();
      expect((await resolve()).accessKeyId).toBe("ak-2");
      // The new keys are kept until their own window.
      state.now += CREDENTIALS_REFRESH_WINDOW_MS;
      expect((await resolve()).accessKeyId).toBe("ak-2");
      expect(provider).toHaveBeenCalledTimes(2);
    });
  });

  // As the environment's: `sessionToken: process.env.BCE_SESSION_TOKEN` with the variable set empty.
  it("an empty sessionToken is none: the keys are used alone, and no token is sent", async () => {
    for (const resolve of [
      credentialsResolver({ ...keys(1), sessionToken: "" }),
      credentialsResolver(() => ({ ...keys(1), sessionToken: "" })),
    ]) {
      const got = await resolve();
      expect(got).toEqual(keys(1));
      expect(Object.hasOwn(got, "sessionToken")).toBe(false);
    }
    const rec = recorder(200);
    await client({ fetch: rec.fetch, credentials: { ...keys(1), sessionToken: "" } }).raw.PUT("/things/{id}", {
      params: { path: { id: "a" } },
      body: { name: "n" },
    });
    expect(rec.sent[0]!.headers.has("x-bce-security-token")).toBe(false);
  });

  it.each([
    ["an accessKeyId with a slash", { accessKeyId: "ab/cd", secretAccessKey: "sk" }, /accessKeyId holds "\/"/],
    ["an accessKeyId with a space", { accessKeyId: "ab cd", secretAccessKey: "sk" }, /accessKeyId holds/],
    ["a sessionToken with a line break", { ...keys(1), sessionToken: "tok\r\nX-Evil: 1" }, /sessionToken holds/],
    ["a sessionToken with non-ASCII", { ...keys(1), sessionToken: "令牌" }, /sessionToken holds/],
    ["a blank sessionToken", { ...keys(1), sessionToken: " " }, /sessionToken is blank$/],
    ["a null sessionToken", { ...keys(1), sessionToken: null }, /sessionToken must be a string, not null$/],
    [
      "a sessionToken that is not a string",
      { ...keys(1), sessionToken: 5 },
      /sessionToken must be a string, not number$/,
    ],
    [
      "an accessKeyId that is not a string",
      { ...keys(1), accessKeyId: 123 },
      /accessKeyId must be a string, not number$/,
    ],
    ["a missing secretAccessKey", { accessKeyId: "ak" }, /secretAccessKey is missing or empty$/],
    ["a null secretAccessKey", { accessKeyId: "ak", secretAccessKey: null }, /secretAccessKey is missing or empty$/],
  ])("%s is refused with CredentialsError, its value not in the message", async (_, given, message) => {
    for (const resolve of [
      () => credentialsResolver(given as never)(),
      () => credentialsResolver(() => given as never)(),
    ]) {
      const error = await Promise.resolve()
        .then(resolve)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as Error).message).toMatch(message);
      const { sessionToken } = given as { sessionToken?: unknown };
      if (typeof sessionToken === "string" && sessionToken.trim())
        expect((error as Error).message).not.toContain(sessionToken);
    }
  });

  it("keys are checked by name: a property added to Object.prototype elsewhere is not taken for a key", async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.pollutedKeyName = 1;
    try {
      expect(await credentialsResolver(keys(1))()).toEqual(keys(1));
    } finally {
      delete proto.pollutedKeyName;
    }
  });

  it("keys whose getters throw are refused with CredentialsError, the getter's error as cause", async () => {
    const cause = new Error("vault sealed");
    const given = {
      get accessKeyId(): string {
        throw cause;
      },
      secretAccessKey: "sk",
    };
    expect(() => credentialsResolver(given)).toThrow(CredentialsError);
    const error = await credentialsResolver(() => given)().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).cause).toBe(cause);
  });

  describe("a provider that does not answer", () => {
    const never = () => new Promise<ReturnType<typeof keys>>(() => {});

    it("is given up at the call's abort, with BceAbortError; a later call asks it again", async () => {
      let calls = 0;
      const resolve = credentialsResolver(() => (++calls === 1 ? never() : keys(2)));
      const controller = new AbortController();
      const first = resolve({ signal: controller.signal }).catch((e: unknown) => e);
      controller.abort(new Error("user gave up"));
      expect(await first).toBeInstanceOf(BceAbortError);
      // The first ask is still pending, so a call with no signal and no timeout shares it...
      // ...but one with a timeout gives up on it, and the call after that asks afresh.
      vi.useFakeTimers();
      try {
        const second = resolve({ timeoutMs: 1000 }).catch((e: unknown) => e);
        await vi.advanceTimersByTimeAsync(1000);
        const error = await second;
        expect(error).toBeInstanceOf(CredentialsError);
        expect((error as Error).message).toBe("the credentials provider gave no answer within 1000 ms");
      } finally {
        vi.useRealTimers();
      }
      expect((await resolve({ timeoutMs: 1000 })).accessKeyId).toBe("ak-2");
      expect(calls).toBe(2);
    });

    it("answering after a newer request was made, does not replace the newer keys", async () => {
      type Expiring = ReturnType<typeof keys> & { expiration: Date };
      const answers: ((value: Expiring) => void)[] = [];
      let asked = 0;
      const resolve = credentialsResolver(() => {
        asked++;
        return new Promise<Expiring>((settle) => answers.push(settle));
      });
      const inAnHour = new Date(Date.now() + 3_600_000);
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      try {
        const first = resolve({ timeoutMs: 200 }).catch((e: unknown) => e);
        await vi.advanceTimersByTimeAsync(200);
        expect(await first).toBeInstanceOf(CredentialsError);
      } finally {
        vi.useRealTimers();
      }
      const second = resolve();
      answers[1]!({ ...keys(2), expiration: inAnHour });
      expect((await second).accessKeyId).toBe("ak-2");
      // The request given up on answers now, with other keys: the newer ones stay.
      answers[0]!({ ...keys(1), expiration: inAnHour });
      await Promise.resolve();
      await new Promise((settle) => setTimeout(settle, 0));
      expect((await resolve()).accessKeyId).toBe("ak-2");
      expect(asked).toBe(2);
    });

    it("is not asked by a call already aborted", async () => {
      let asked = 0;
      const resolve = credentialsResolver(() => {
        asked++;
        return keys(1);
      });
      const error = await resolve({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceAbortError);
      expect(asked).toBe(0);
    });

    it("ends a client's call at its signal or its timeout, before anything is sent", async () => {
      const rec = recorder();
      const service = createServiceClient<Paths>(
        { credentials: never, fetch: rec.fetch, timeoutMs: 500 },
        "http://service.test",
      );
      const controller = new AbortController();
      const aborted = service.credentials({ signal: controller.signal }).catch((e: unknown) => e);
      controller.abort();
      expect(await aborted).toBeInstanceOf(BceAbortError);
      vi.useFakeTimers();
      try {
        // The client's timeoutMs, and a call's own.
        const timedOut = [service.credentials(), service.credentials({ timeoutMs: 200 })].map((p) =>
          p.catch((e: unknown) => e),
        );
        await vi.advanceTimersByTimeAsync(200);
        expect(await timedOut[1]).toMatchObject({ message: "the credentials provider gave no answer within 200 ms" });
        await vi.advanceTimersByTimeAsync(300);
        expect(await timedOut[0]).toMatchObject({ message: "the credentials provider gave no answer within 500 ms" });
      } finally {
        vi.useRealTimers();
      }
      expect(rec.sent).toHaveLength(0);
    });
  });

  it("reads its options when it is made: the caller's objects changed afterwards do not apply", async () => {
    const rec = recorder(429);
    const signing = { expirationInSeconds: 60, headersToSign: ["host"] };
    const retry = { maxAttempts: 2, baseDelayMs: 0 };
    const options = { credentials: () => new Promise<never>(() => {}), fetch: rec.fetch, timeoutMs: 500 };
    const waiting = createServiceClient<Paths>(options, "http://service.test");
    const late: string[] = [];
    const logger = {
      infos: [] as string[],
      info(message: string) {
        this.infos.push(message);
      },
    };
    const hooks = {
      attempts: 0,
      beforeAttempt() {
        this.attempts++;
      },
    };
    const service = client({ fetch: rec.fetch, signing, retry, logger, hooks });
    logger.info = () => void late.push("logger.info");
    hooks.beforeAttempt = () => void late.push("hooks.beforeAttempt");
    options.timeoutMs = 1e9;
    signing.expirationInSeconds = 5;
    signing.headersToSign.push(5 as never);
    retry.maxAttempts = 1;
    vi.useFakeTimers();
    try {
      const timedOut = waiting.credentials().catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(500);
      expect(await timedOut).toMatchObject({ message: "the credentials provider gave no answer within 500 ms" });
    } finally {
      vi.useRealTimers();
    }
    await service.raw.PUT("/things/{id}", { params: { path: { id: "a" } }, body: { name: "n" } });
    // Both attempts sent (429 is retried, maxAttempts 2 as given), each signed for 60 s over host.
    expect(rec.sent).toHaveLength(2);
    // The logger and hooks given, called on the objects given (`this`), not what replaced them.
    expect(logger.infos).toEqual(["retrying"]);
    expect(hooks.attempts).toBe(2);
    expect(late).toEqual([]);
    for (const request of rec.sent)
      expect(request.headers.get("authorization")).toMatch(/^bce-auth-v1\/ak\/[^/]+\/60\/host\/[0-9a-f]{64}$/);
  });

  it("concurrent calls share one pending request to the provider", async () => {
    let release!: () => void;
    const provider = vi.fn(() => new Promise<ReturnType<typeof keys>>((r) => (release = () => r(keys(1)))));
    const resolve = credentialsResolver(provider);
    const both = Promise.all([resolve(), resolve()]);
    release();
    expect((await both).map((c) => c.accessKeyId)).toEqual(["ak-1", "ak-1"]);
    expect(provider).toHaveBeenCalledTimes(1);
  });
});

describe("serverUrl", () => {
  const server = {
    url: "https://bcc.{region}.baidubce.com",
    variables: { region: { default: "bj", enum: ["bj", "gz"] } },
  };

  it("quotes a short value it refuses (a typo), but not a long one (a secret given to the wrong option)", () => {
    expect(() => serverUrl(server, { region: "mars" })).toThrow(
      'must be one of bj, gz; got "mars" (for another, give the endpoint option its URL)',
    );
    // A secret access key (or session token) read from the wrong variable into `region`.
    const secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let error: unknown;
    try {
      serverUrl(server, { region: secret });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BceValidationError);
    expect(String(error)).toMatch(/must be one of bj, gz; got a string of 32 characters/);
    expect(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`).not.toContain(secret.slice(0, 16));
  });

  it("takes for a variable with no enum only a value that cannot move the request to another host or path", () => {
    const open = { url: "https://{zone}.service.test/v1", variables: { zone: { default: "a-1" } } };
    expect(serverUrl(open)).toBe("https://a-1.service.test/v1");
    expect(serverUrl(open, { zone: "cn_north.b~2" })).toBe("https://cn_north.b~2.service.test/v1");
    for (const zone of ["evil.test#", "evil.test/", "u@evil.test", "h:1", "", null, 5])
      expect(() => serverUrl(open, { zone } as never)).toThrow(
        expect.objectContaining({ name: "BceValidationError", field: "zone", rule: "format" }),
      );
  });
});
