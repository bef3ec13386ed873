// createSigningMiddleware on an openapi-fetch client of the caller's own: what it sends verifies,
// and bad options or missing keys are named (a recording fetch: nothing leaves the process).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import createClient from "openapi-fetch";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  BceValidationError,
  createSigningMiddleware,
  CredentialsError,
  signFetchRequest,
  signRequest,
  verifyRequest,
} from "../src/index.js";

const credentials = { accessKeyId: "mw-ak", secretAccessKey: "mw-secret-access-key-0123456789" };

function recordingClient() {
  const sent: Request[] = [];
  const client = createClient<Record<string, never>>({
    baseUrl: "https://bec.baidubce.com",
    fetch: async (request: Request) => {
      sent.push(request);
      return new Response("{}", { headers: { "content-type": "application/json" } });
    },
  });
  return {
    sent,
    client: client as unknown as { PUT: (path: string, init: object) => Promise<unknown>; use: typeof client.use },
  };
}

afterEach(() => vi.unstubAllEnvs());

describe("createSigningMiddleware", () => {
  it("signs every request so that it verifies, body length and query included", async () => {
    const { sent, client } = recordingClient();
    client.use(createSigningMiddleware({ credentials }));
    await client.PUT("/v1/vm/instance/vm-1/system/reinstall?clientToken=t-1", { body: { imageId: "im-1" } });
    const [request] = sent;
    const url = new URL(request!.url);
    const body = await request!.text();
    expect(body).toBe('{"imageId":"im-1"}');
    // What the server sees: the headers, and the Host and Content-Length fetch adds on the wire.
    const headers = { ...Object.fromEntries(request!.headers), host: url.host, "content-length": String(body.length) };
    const verdict = await verifyRequest(
      { method: request!.method, path: url.pathname, query: url.search, headers },
      { getSecretAccessKey: (ak) => (ak === credentials.accessKeyId ? credentials.secretAccessKey : undefined) },
    );
    expect(verdict).toMatchObject({ ok: true, accessKeyId: "mw-ak" });
    expect(verdict).toMatchObject({ signedHeaders: expect.arrayContaining(["content-length", "host", "x-bce-date"]) });
  });

  it("with no options and no keys in the environment, the request fails with CredentialsError, nothing sent", async () => {
    vi.stubEnv("BCE_ACCESS_KEY_ID", "");
    vi.stubEnv("BCE_SECRET_ACCESS_KEY", "");
    const { sent, client } = recordingClient();
    client.use(createSigningMiddleware());
    await expect(client.PUT("/x", { body: {} })).rejects.toBeInstanceOf(CredentialsError);
    expect(sent).toHaveLength(0);
  });

  it("signs with its options as they were when it was made", async () => {
    const { sent, client } = recordingClient();
    const options = { credentials, expirationInSeconds: 60, headersToSign: ["host"] };
    client.use(createSigningMiddleware(options));
    options.expirationInSeconds = 5;
    options.headersToSign.push(5 as never);
    await client.PUT("/x", { body: {} });
    expect(sent[0]!.headers.get("authorization")).toMatch(/^bce-auth-v1\/mw-ak\/[^/]+\/60\/host\/[0-9a-f]{64}$/);
  });

  it.each([
    // Named as it was given: its options are not under `signing`.
    ["clock", { clock: 5 }, "clock: must be a function"],
    ["expirationInSeconds", { expirationInSeconds: 0 }, "expirationInSeconds: must be a positive integer"],
    ["headersToSign", { headersToSign: "host" }, "headersToSign: must be an array of header names"],
    ["options", null, "options: must be an object"],
    ["options", [credentials], "options: must be an object"],
    // Ignored, each would leave the environment's keys or the default lifetime in force.
    ["credential", { credential: credentials }, "credential: is not an option; did you mean credentials?"],
    [
      "expirationInSecond",
      { expirationInSecond: 60 },
      "expirationInSecond: is not an option; did you mean expirationInSeconds?",
    ],
    [
      "accessKeyId",
      { accessKeyId: "ak" },
      "accessKeyId: is not an option of createSigningMiddleware; its options are expirationInSeconds, headersToSign, clock, credentials",
    ],
  ])("refuses %s when it is made, naming it", (field, options, message) => {
    expect(() => createSigningMiddleware(options as never)).toThrow(
      expect.objectContaining({ name: BceValidationError.name, field, message }),
    );
  });
});

// signFetchRequest took its options unchecked: a misspelt one was ignored and its default signed
// (`expirationInSecond: 60` signed 1800 s), and null or a plain object failed deep inside.
describe("signFetchRequest", () => {
  const request = () => new Request("https://bec.baidubce.com/x", { method: "PUT", body: "{}" });

  it("signs with its options", async () => {
    const signed = await signFetchRequest(request(), credentials, { expirationInSeconds: 60, clock: () => 0 });
    expect(signed.headers.get("authorization")).toMatch(/^bce-auth-v1\/mw-ak\/1970-01-01T00:00:00Z\/60\//);
  });

  it.each([
    [
      "expirationInSecond",
      request,
      { expirationInSecond: 60 },
      "expirationInSecond: is not an option; did you mean expirationInSeconds?",
    ],
    [
      "timestamp",
      request,
      { timestamp: 0 },
      "timestamp: is not an option of signFetchRequest; its options are expirationInSeconds, headersToSign, clock",
    ],
    ["clock", request, { clock: null }, "clock: must be a function"],
    ["options", request, null, "options: must be an object"],
    [
      "request",
      () => ({ method: "PUT", url: "https://bec.baidubce.com/x", headers: {} }),
      {},
      "request: must be a Request",
    ],
    ["request", () => undefined, {}, "request: must be a Request"],
  ])("refuses %s, naming it", async (field, made, options, message) => {
    await expect(signFetchRequest(made() as never, credentials, options as never)).rejects.toThrow(
      expect.objectContaining({ name: BceValidationError.name, field, message }),
    );
  });

  // The signed request is the caller's with its headers signed: cookies, cache control, keepalive
  // and a same-origin restriction were dropped for fetch's defaults.
  it("keeps the request's other options, its method, body and signal", async () => {
    const controller = new AbortController();
    const options = {
      method: "PUT",
      cache: "no-store",
      credentials: "include",
      keepalive: true,
      mode: "same-origin",
      integrity: "sha256-abc",
      referrer: "https://bec.baidubce.com/page",
      referrerPolicy: "no-referrer",
    } as const;
    const given = new Request("https://bec.baidubce.com/x", { ...options, body: "{}", signal: controller.signal });
    const signed = await signFetchRequest(given, credentials);
    expect(signed).toMatchObject({ ...options, redirect: "manual" });
    expect(await signed.text()).toBe("{}");
    expect(signed.headers.get("authorization")).toMatch(/^bce-auth-v1\/mw-ak\//);
    controller.abort();
    expect(signed.signal.aborted).toBe(true);
  });

  // "no-cors" would have fetch drop the signature's headers without a word: the signed request is
  // "cors". Another library's Request (node-fetch's, a polyfill's) is made anew from its URL, as
  // this realm's constructor would read it as text.
  it("signs a no-cors request as cors, and another library's Request from its URL", async () => {
    const noCors = await signFetchRequest(new Request("https://bec.baidubce.com/x", { mode: "no-cors" }), credentials);
    expect(noCors.mode).toBe("cors");
    expect(noCors.headers.get("authorization")).toMatch(/^bce-auth-v1\/mw-ak\//);
    const real = new Request("https://bec.baidubce.com/x?a=1", { method: "PUT", body: "{}" });
    const foreign = {
      url: real.url,
      method: real.method,
      headers: real.headers,
      body: real.body,
      signal: real.signal,
      redirect: "follow",
      arrayBuffer: () => real.arrayBuffer(),
    };
    const signed = await signFetchRequest(foreign as unknown as Request, credentials);
    expect(signed.url).toBe("https://bec.baidubce.com/x?a=1");
    expect(await signed.text()).toBe("{}");
    expect(signed.headers.get("authorization")).toMatch(/^bce-auth-v1\/mw-ak\//);
  });

  it("refuses a signing-key cache of null as one not made by createSigningKeyCache", async () => {
    await expect(signFetchRequest(request(), credentials, {}, null as never)).rejects.toThrow(
      "signing key cache must come from createSigningKeyCache",
    );
    await expect(
      signRequest({ method: "GET", url: "https://bec.baidubce.com/x" }, credentials, { signingKeys: null as never }),
    ).rejects.toThrow("signing key cache must come from createSigningKeyCache");
  });
});

// fetch follows a redirect with the signed request's x-bce-security-token and x-bce-date (it
// drops only Authorization across origins): a signed request does not follow one.
describe("a signed request and a redirect", () => {
  const listen = (server: Server) =>
    new Promise<string>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    });
  it.each([301, 302, 303, 307, 308])("a %i is the answer: nothing reaches where it points", async (status) => {
    const reached: string[] = [];
    const other = createServer((req, res) => {
      reached.push(`${req.method} ${req.url} ${req.headers["x-bce-security-token"] ?? ""}`);
      res.end("{}");
    });
    let otherUrl = "";
    const first = createServer((req, res) => {
      req.resume();
      res.writeHead(status, { location: `${otherUrl}/elsewhere` }).end();
    });
    // Both are closed whichever fails to listen (closing one that does not listen is a no-op here).
    try {
      otherUrl = await listen(other);
      const firstUrl = await listen(first);
      const client = createClient<Record<string, never>>({ baseUrl: firstUrl }) as unknown as {
        PUT: (path: string, init: object) => Promise<{ response: Response }>;
        use: (...m: unknown[]) => void;
      };
      client.use(createSigningMiddleware({ credentials: { ...credentials, sessionToken: "session-token-0123" } }));
      const { response } = await client.PUT("/v2/instance/i-1", { body: { imageId: "m-1" } });
      expect(response.status).toBe(status);
      expect(reached).toEqual([]);
      // signFetchRequest alike; a caller's "error" stays "error".
      const signed = await signFetchRequest(new Request(`${firstUrl}/x`, { redirect: "error" }), credentials);
      expect(signed.redirect).toBe("error");
      expect((await signFetchRequest(new Request(`${firstUrl}/x`), credentials)).redirect).toBe("manual");
    } finally {
      await Promise.all([first, other].map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });
});
