import { createHmac } from "node:crypto";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  buildAuthorization,
  canonicalQueryString,
  formatAuthorization,
  parseAuthorization,
  signRequest,
  verifyRequest,
  DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  type SignOptions,
  type VerifyResult,
} from "../src/signing/index.js";
import type { Credentials } from "../src/credentials.js";

const credentials: Credentials = { accessKeyId: "test-ak", secretAccessKey: "test-sk-0123456789abcdef" };
const T0 = Date.UTC(2026, 10, 5, 8, 0, 0);
const getSecretAccessKey = (ak: string) => (ak === credentials.accessKeyId ? credentials.secretAccessKey : undefined);

interface Wire {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** Signs like a client, then returns what the server would see. */
async function signed(wire: Wire, options: SignOptions = {}, creds = credentials) {
  const added = await signRequest(wire, creds, { timestamp: T0, ...options });
  const url = new URL(wire.url);
  return {
    method: wire.method,
    path: url.pathname,
    query: url.search,
    headers: { host: url.host, ...wire.headers, ...added } as Record<string, string>,
  };
}

const rebuild: Wire = {
  method: "PUT",
  url: "https://bcc.bj.baidubce.com/v2/instance/i-abc?rebuild",
  headers: { "Content-Type": "application/json; charset=utf-8", "Content-Length": "42", "User-Agent": "test" },
};

const verify = (req: Parameters<typeof verifyRequest>[0], now = T0) => verifyRequest(req, { getSecretAccessKey, now });
const failure = (code: string) => expect.objectContaining({ ok: false, code }) as VerifyResult;

describe("verifyRequest accepts", () => {
  it("its own signatures (default signed set)", async () => {
    const req = await signed(rebuild);
    expect(req.headers.authorization).toContain("/content-length;content-type;host;x-bce-date/");
    expect(await verify(req)).toEqual({
      ok: true,
      accessKeyId: "test-ak",
      signedHeaders: ["content-length", "content-type", "host", "x-bce-date"],
      timestamp: "2026-11-05T08:00:00Z",
    });
  });

  // bce-sdk-go lists and signs every x-bce-* header it sends, an empty one as `name:`
  // (auth/signer.go, getCanonicalHeaders); the mock refused such a request as "missing or empty".
  it("a listed header sent empty, signed as `name:` (bce-sdk-go), computed apart with node:crypto", async () => {
    const hmac = (key: string, text: string) => createHmac("sha256", key).update(text).digest("hex");
    const prefix = "bce-auth-v1/test-ak/2026-11-05T08:00:00Z/1800";
    const canonical = "PUT\n/v2/instance/i-abc\nrebuild=\nhost:h\nx-bce-meta-e:";
    const signature = hmac(hmac(credentials.secretAccessKey, prefix), canonical);
    const req = (headers: Record<string, string>) => ({
      method: "PUT",
      path: "/v2/instance/i-abc",
      query: "rebuild",
      headers: { host: "h", authorization: `${prefix}/host;x-bce-meta-e/${signature}`, ...headers },
    });
    expect(await verify(req({ "x-bce-meta-e": "" }))).toMatchObject({ ok: true });
    expect(await verify(req({ "x-bce-meta-e": "  " }))).toMatchObject({ ok: true });
    expect(await verify(req({}))).toEqual({
      ok: false,
      code: "SignatureDoesNotMatch",
      message: "signed header x-bce-meta-e is missing",
    });
    expect(await verify(req({ "x-bce-meta-e": "v" }))).toEqual(failure("SignatureDoesNotMatch"));
  });

  // bce-sdk-go's UriEncode works over []byte (auth/signer.go, getCanonicalURIPath and
  // getCanonicalQueryString): an escape that is not UTF-8 is signed as the byte it names. The
  // verifier read such a path segment literally (`%25E9`) and such a query value as U+FFFD.
  it("escapes that are not UTF-8 in the path and query, signed as their bytes (bce-sdk-go), computed apart with node:crypto", async () => {
    const hmac = (key: string, text: string) => createHmac("sha256", key).update(text).digest("hex");
    const prefix = "bce-auth-v1/test-ak/2026-11-05T08:00:00Z/1800";
    const canonical = "PUT\n/v1/vm/instance/vm-%E9/system/reinstall\nclientToken=%E9%25zzA\nhost:h";
    const signature = hmac(hmac(credentials.secretAccessKey, prefix), canonical);
    const req = (path: string, query: string) => ({
      method: "PUT",
      path,
      query,
      headers: { host: "h", authorization: `${prefix}/host/${signature}` },
    });
    expect(await verify(req("/v1/vm/instance/vm-%E9/system/reinstall", "?clientToken=%E9%zz%41"))).toMatchObject({
      ok: true,
    });
    expect(await verify(req("/v1/vm/instance/vm-%e9/system/reinstall", "clientToken=%e9%25zz%41"))).toMatchObject({
      ok: true,
    });
    expect(await verify(req("/v1/vm/instance/vm-%C3%A9/system/reinstall", "clientToken=%E9%25zzA"))).toEqual(
      failure("SignatureDoesNotMatch"),
    );
  });

  // The signature cannot cover the header it is carried in: a list naming it is signed without it.
  it("a signedHeaders list naming authorization, which the result does not name", async () => {
    const hmac = (key: string, text: string) => createHmac("sha256", key).update(text).digest("hex");
    const prefix = "bce-auth-v1/test-ak/2026-11-05T08:00:00Z/1800";
    const signature = hmac(hmac(credentials.secretAccessKey, prefix), "PUT\n/v2/instance/i-abc\nrebuild=\nhost:h");
    const result = await verify({
      method: "PUT",
      path: "/v2/instance/i-abc",
      query: "rebuild",
      headers: { host: "h", authorization: `${prefix}/authorization;host/${signature}` },
    });
    expect(result).toMatchObject({ ok: true, signedHeaders: ["host"] });
  });

  it("the authentication string as the query's authorization parameter (any case), with no header", async () => {
    const req = await signed(rebuild, { headersToSign: ["host"] });
    const { authorization, "x-bce-date": _, ...headers } = req.headers;
    const inQuery = (query: string, name = "authorization") => `${query}&${name}=${encodeURIComponent(authorization!)}`;
    for (const name of ["authorization", "Authorization"])
      expect(await verify({ ...req, headers, query: inQuery(req.query, name) })).toMatchObject({
        ok: true,
        timestamp: "2026-11-05T08:00:00Z",
      });
    // As in the header: another query is another request; no string at all is no authentication.
    expect(await verify({ ...req, headers, query: inQuery("?rebuild=1") })).toEqual(failure("SignatureDoesNotMatch"));
    expect(await verify({ ...req, headers })).toEqual(failure("InvalidHTTPAuthHeader"));
  });

  it("the Java SDK form host;x-bce-date", async () => {
    const req = await signed(rebuild, { headersToSign: ["host", "x-bce-date"] });
    expect(req.headers.authorization).toContain("/host;x-bce-date/");
    expect(await verify(req)).toMatchObject({ ok: true });
  });

  it("the empty signedHeaders form (default set)", async () => {
    const req = await signed(rebuild);
    const parsed = parseAuthorization(req.headers.authorization);
    if (!parsed.ok) throw new Error(parsed.reason);
    req.headers.authorization = formatAuthorization({ ...parsed.authorization, signedHeaders: [] });
    expect(req.headers.authorization).toMatch(/\/1800\/\/[0-9a-f]{64}$/);
    expect(await verify(req)).toMatchObject({ ok: true });
  });

  it("?rebuild and ?rebuild= interchangeably", async () => {
    const bare = await signed(rebuild);
    expect(await verify({ ...bare, query: "rebuild=" })).toMatchObject({ ok: true });
    const withEquals = await signed({ ...rebuild, url: `${rebuild.url}=` });
    expect(withEquals.headers.authorization).toBe(bare.headers.authorization);
    expect(await verify({ ...withEquals, query: "?rebuild" })).toMatchObject({ ok: true });
  });

  it("a path that carries the query (Node req.url), a non-default port, Headers input", async () => {
    const wire = {
      method: "POST",
      url: "http://127.0.0.1:4010/v1/vm/instance/vm-1/system/reinstall?clientToken=a%20b",
      headers: {},
    };
    const req = await signed(wire);
    expect(req.headers.host).toBe("127.0.0.1:4010");
    expect(
      await verify({
        method: "POST",
        path: "/v1/vm/instance/vm-1/system/reinstall?clientToken=a%20b",
        headers: new Headers(req.headers),
      }),
    ).toMatchObject({ ok: true });
    // A query of null (Node's legacy url.parse gives no query so) is none: the path's is read.
    for (const path of [
      "/v1/vm/instance/vm-1/system/reinstall?clientToken=a%20b",
      "/v1/vm/instance/vm-1/system/reinstall",
    ])
      expect((await verify({ method: "POST", path, query: null, headers: req.headers })).ok).toBe(path.includes("?"));
  });

  // A query that starts with another "?" has it as its own: `/p??a=1` carries the parameter `?a`,
  // signed as `%3Fa=1` by the signer (from the URL) and the verifier (from the path) alike.
  it("a query that starts with a second ?, signed and verified alike", async () => {
    for (const query of ["??a=1", "??", "???x"]) {
      const req = await signed({ method: "GET", url: `https://h.example/p${query}`, headers: {} });
      expect(await verify({ method: "GET", path: `/p${query}`, headers: req.headers })).toMatchObject({ ok: true });
      expect(await verify({ ...req, query: `?${query.slice(1)}` })).toMatchObject({ ok: true });
    }
    expect(canonicalQueryString("??a=1")).toBe("%3Fa=1");
    expect(canonicalQueryString("?a=1")).toBe("a=1");
  });

  it("STS credentials: the token is sent and always signed", async () => {
    const sts = { ...credentials, sessionToken: "session-token-value" };
    for (const headersToSign of [undefined, ["host"]]) {
      const req = await signed(rebuild, { headersToSign }, sts);
      expect(req.headers["x-bce-security-token"]).toBe("session-token-value");
      expect(req.headers.authorization).toContain("x-bce-security-token");
      expect(await verify(req)).toMatchObject({ ok: true });
      expect(await verify({ ...req, headers: { ...req.headers, "x-bce-security-token": "other" } })).toEqual(
        failure("SignatureDoesNotMatch"),
      );
    }
  });

  it("headers given as fetch takes them: a record, a Headers, [name, value] pairs, a Map, all signed alike", async () => {
    const pairs: [string, string][] = [
      ["Content-Type", "application/json"],
      ["Content-Length", "42"],
      ["x-bce-meta", "m"],
    ];
    const sign = (headers: Parameters<typeof signRequest>[0]["headers"]) =>
      signRequest({ method: "PUT", url: rebuild.url, headers }, credentials, { timestamp: T0 });
    const expected = await sign(Object.fromEntries(pairs));
    expect(expected.authorization).toContain("/content-length;content-type;host;x-bce-date;x-bce-meta/");
    for (const headers of [new Headers(pairs), pairs, new Map(pairs)]) expect(await sign(headers)).toEqual(expected);
  });

  it("up to and including the last second of validity", async () => {
    const req = await signed(rebuild, { expirationInSeconds: 60 });
    expect(await verify(req, T0 + 60_000)).toMatchObject({ ok: true });
  });

  it("every expiration the signer sends, up to 2^53 - 1 seconds, and not one more", async () => {
    for (const expirationInSeconds of [9_999_999_999, 10_000_000_000, Number.MAX_SAFE_INTEGER]) {
      const req = await signed(rebuild, { expirationInSeconds });
      expect(req.headers.authorization).toContain(`/${expirationInSeconds}/`);
      expect(await verify(req, T0 + 1e12)).toMatchObject({ ok: true });
    }
    // Expired past a Date's range: refused, not thrown.
    const far = await signed(rebuild, { expirationInSeconds: Number.MAX_SAFE_INTEGER });
    expect(await verify(far, 1e19)).toEqual(
      expect.objectContaining({ ok: false, code: "RequestExpired", message: "request expired" }),
    );
    const message = "expirationInSeconds must be a positive integer of at most 2^53 - 1 (9007199254740991)";
    await expect(signed(rebuild, { expirationInSeconds: Number.MAX_SAFE_INTEGER + 1 })).rejects.toThrow(message);
    const req = await signed(rebuild);
    const authorization = req.headers.authorization!.replace("/1800/", "/9007199254740992/");
    expect(await verify({ ...req, headers: { ...req.headers, authorization } })).toEqual(
      expect.objectContaining({ ok: false, code: "InvalidHTTPAuthHeader", message }),
    );
  });
  // bce-sdk-go sets x-bce-date before its signer reads the clock again (or takes a set timestamp).
  it("an x-bce-date other than the Authorization timestamp, as bce-sdk-go sends one", async () => {
    const headers = {
      host: "bcc.bj.baidubce.com",
      "content-type": "application/json",
      "x-bce-date": "2026-11-05T07:59:59Z",
    };
    const wire = { method: "PUT", path: "/v2/instance/i-abc", query: "rebuild=", headers };
    const { authorization } = await buildAuthorization({ ...wire, ...credentials, timestamp: "2026-11-05T08:00:00Z" });
    expect(authorization).toMatch(/\/2026-11-05T08:00:00Z\/1800\/content-type;host;x-bce-date\//);
    const sent = { ...wire, headers: { ...headers, authorization } };
    expect(await verify(sent)).toMatchObject({ ok: true, timestamp: "2026-11-05T08:00:00Z" });
    // Signed, it is covered by the signature as any signed header is; unsigned, it is not checked.
    const changed = { ...sent, headers: { ...sent.headers, "x-bce-date": "2026-11-05T08:00:01Z" } };
    expect(await verify(changed)).toEqual(failure("SignatureDoesNotMatch"));
    const req = await signed(rebuild, { headersToSign: ["host"] });
    expect(await verify({ ...req, headers: { ...req.headers, "x-bce-date": "2026-11-05T07:59:59Z" } })).toMatchObject({
      ok: true,
    });
  });
});

describe("signRequest and polluted prototypes", () => {
  it("signs with no key or option only a polluted Object.prototype holds, and with a class's getters", async () => {
    const polluted = Object.prototype as Record<string, unknown>;
    Object.assign(polluted, { sessionToken: "evil-token", expirationInSeconds: 7, headersToSign: ["host"] });
    let added: Awaited<ReturnType<typeof signRequest>>;
    try {
      added = await signRequest(rebuild, { ...credentials }, { timestamp: T0 });
    } finally {
      for (const key of ["sessionToken", "expirationInSeconds", "headersToSign"]) delete polluted[key];
    }
    expect(added["x-bce-security-token"]).toBeUndefined();
    expect(added.authorization).toMatch(
      /^bce-auth-v1\/test-ak\/2026-11-05T08:00:00Z\/1800\/content-length;content-type;host;x-bce-date\//,
    );
    class Keys {
      get accessKeyId() {
        return "test-ak";
      }
      get secretAccessKey() {
        return credentials.secretAccessKey;
      }
      get sessionToken() {
        return "token-1";
      }
    }
    const req = await signed(rebuild, {}, new Keys());
    expect(req.headers["x-bce-security-token"]).toBe("token-1");
    // A misspelt option a class gives is refused, as an own one is.
    class Options {
      get expirationInSecond() {
        return 60;
      }
    }
    await expect(signRequest(rebuild, credentials, new Options() as never)).rejects.toThrow(
      "options.expirationInSecond is not an option of signRequest",
    );
  });
});

describe("verifyRequest rejects", () => {
  it("a tampered signed header, query, method or path (SignatureDoesNotMatch)", async () => {
    const req = await signed(rebuild);
    expect(await verify({ ...req, headers: { ...req.headers, "content-type": "text/plain" } })).toEqual(
      failure("SignatureDoesNotMatch"),
    );
    expect(await verify({ ...req, query: "rebuild=1" })).toEqual(failure("SignatureDoesNotMatch"));
    expect(await verify({ ...req, method: "POST" })).toEqual(failure("SignatureDoesNotMatch"));
    expect(await verify({ ...req, path: "/v2/instance/i-abd" })).toEqual(failure("SignatureDoesNotMatch"));
    const { "Content-Length": _dropped, ...rest } = req.headers;
    expect(await verify({ ...req, headers: rest })).toEqual(failure("SignatureDoesNotMatch"));
  });

  it("but not a changed unsigned header", async () => {
    const req = await signed(rebuild);
    expect(await verify({ ...req, headers: { ...req.headers, "user-agent": "other" } })).toMatchObject({ ok: true });
  });

  it("an unknown access key id (InvalidAccessKeyId)", async () => {
    const req = await signed(rebuild, {}, { accessKeyId: "nobody", secretAccessKey: "x" });
    expect(await verify(req)).toEqual(failure("InvalidAccessKeyId"));
  });

  it("a wrong secret key (SignatureDoesNotMatch)", async () => {
    const req = await signed(rebuild, {}, { ...credentials, secretAccessKey: "wrong" });
    expect(await verify(req)).toEqual(failure("SignatureDoesNotMatch"));
  });

  // Its expiration alone would let a signature dated ahead through until long after (the year 9999,
  // 1 s): the service refuses one dated ahead of its clock by more than the window.
  it("a request dated more than 15 minutes ahead (RequestTimeTooSkewed), unless the window is wider", async () => {
    const req = await signed(rebuild);
    expect(await verify(req, T0 - 900_000)).toMatchObject({ ok: true });
    expect(await verify(req, T0 - 901_000)).toEqual({
      ok: false,
      code: "RequestTimeTooSkewed",
      message: "the request time is 901 s ahead of the server's time (at most 900 s allowed)",
    });
    expect(DEFAULT_MAX_CLOCK_SKEW_SECONDS).toBe(900);
    const far = await signed(rebuild, { timestamp: Date.UTC(9999, 0, 1), expirationInSeconds: 1 });
    expect(await verify(far)).toEqual(failure("RequestTimeTooSkewed"));
    const wide = (maxClockSkewSeconds: number) =>
      verifyRequest(far, { getSecretAccessKey, now: T0, maxClockSkewSeconds });
    expect(await wide(Number.POSITIVE_INFINITY)).toMatchObject({ ok: true });
    expect(await verifyRequest(req, { getSecretAccessKey, now: T0 - 60_000, maxClockSkewSeconds: 30 })).toEqual(
      failure("RequestTimeTooSkewed"),
    );
    for (const bad of [-1, Number.NaN, "900" as never])
      await expect(wide(bad)).rejects.toThrow(
        "options.maxClockSkewSeconds must be a number of seconds, at least 0 (Infinity for any)",
      );
  });

  it("an expired request (RequestExpired)", async () => {
    const req = await signed(rebuild);
    expect(await verify(req, T0 + 1800_000 + 1000)).toEqual(failure("RequestExpired"));
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["another scheme", "Bearer abc"],
    ["too few fields", "bce-auth-v1/test-ak/2026-11-05T08:00:00Z/1800/host"],
    ["too many fields", `bce-auth-v1/test-ak/2026-11-05T08:00:00Z/1800/host/${"a".repeat(64)}/x`],
    ["empty access key id", `bce-auth-v1//2026-11-05T08:00:00Z/1800/host/${"a".repeat(64)}`],
    ["milliseconds in the timestamp", `bce-auth-v1/test-ak/2026-11-05T08:00:00.000Z/1800/host/${"a".repeat(64)}`],
    ["impossible date", `bce-auth-v1/test-ak/2026-02-30T08:00:00Z/1800/host/${"a".repeat(64)}`],
    ["expiration not a number", `bce-auth-v1/test-ak/2026-11-05T08:00:00Z/abc/host/${"a".repeat(64)}`],
    ["expiration zero", `bce-auth-v1/test-ak/2026-11-05T08:00:00Z/0/host/${"a".repeat(64)}`],
    ["upper-case signed header", `bce-auth-v1/test-ak/2026-11-05T08:00:00Z/1800/Host/${"a".repeat(64)}`],
    ["signature too short", "bce-auth-v1/test-ak/2026-11-05T08:00:00Z/1800/host/abc"],
    ["signature upper-case", `bce-auth-v1/test-ak/2026-11-05T08:00:00Z/1800/host/${"A".repeat(64)}`],
    ["signedHeaders without host", `bce-auth-v1/test-ak/2026-11-05T08:00:00Z/1800/x-bce-date/${"a".repeat(64)}`],
  ])("a malformed Authorization: %s (InvalidHTTPAuthHeader)", async (_, authorization) => {
    const req = await signed(rebuild);
    const headers: Record<string, string> = { ...req.headers };
    delete headers.authorization;
    if (authorization !== undefined) headers.Authorization = authorization;
    const result = await verify({ ...req, headers });
    expect(result).toEqual(failure("InvalidHTTPAuthHeader"));
    if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
  });
});

describe("parseAuthorization", () => {
  it("returns the parts", async () => {
    const { authorization } = await buildAuthorization({
      method: "GET",
      path: "/",
      headers: { host: "h" },
      ...credentials,
      timestamp: T0,
    });
    expect(parseAuthorization(authorization)).toEqual({
      ok: true,
      authorization: {
        accessKeyId: "test-ak",
        timestamp: "2026-11-05T08:00:00Z",
        expirationInSeconds: 1800,
        signedHeaders: ["host"],
        signature: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
  });

  // It never throws: a timestamp of any year the form holds parses (a past one is then expired),
  // an impossible date or another form does not.
  it.each([
    ["1969-12-31T23:59:59Z", true],
    ["0001-01-01T00:00:00Z", true],
    ["9999-12-31T23:59:59Z", true],
    ["2020-02-30T00:00:00Z", false],
    ["2020-01-01T00:00:00.000Z", false],
  ])("takes the timestamp %s: %s", (timestamp, ok) => {
    const header = `bce-auth-v1/test-ak/${timestamp}/1800/host/${"0".repeat(64)}`;
    expect(parseAuthorization(header).ok).toBe(ok);
  });
});

describe("bad arguments to the public signing functions are named, never a TypeError from inside", () => {
  const url = "https://bec.baidubce.com/v1/x";
  it.each([
    [
      "signRequest without a method",
      () => signRequest({ url } as never, credentials),
      "request.method must be a non-empty string",
    ],
    [
      "signRequest with a timestamp that is no time",
      () => signRequest({ method: "PUT", url }, credentials, { timestamp: "x" as never }),
      "timestamp is not a valid date",
    ],
    [
      // Spread into letters, it signed host alone: content-type went uncovered, without a word.
      "signRequest with headersToSign a string",
      () => signRequest({ method: "PUT", url }, credentials, { headersToSign: "content-type" as never }),
      "headersToSign must be an array of header names",
    ],
    [
      "signRequest with headersToSign holding a number",
      () => signRequest({ method: "PUT", url }, credentials, { headersToSign: [5] as never }),
      "headersToSign must be an array of header names",
    ],
    [
      "buildAuthorization with headersToSign a string",
      () =>
        buildAuthorization({ ...credentials, method: "PUT", path: "/", timestamp: T0, headersToSign: "host" as never }),
      "headersToSign must be an array of header names",
    ],
    [
      // Ignored, the default lifetime (1800 s) would be signed instead, without a word.
      "signRequest with a misspelt option",
      () => signRequest({ method: "PUT", url }, credentials, { expirationInSecond: 60 } as never),
      "options.expirationInSecond is not an option of signRequest; its options are timestamp, expirationInSeconds, headersToSign, signingKeys",
    ],
    [
      "signRequest with header pairs no header can be",
      () => signRequest({ method: "PUT", url, headers: [["bad name", "secret-value"]] }, credentials),
      "request.headers must be a record, a Headers, or [name, value] pairs of header names and values",
    ],
    [
      // As pairs are: signed, a line break in a value made a request fetch refuses, quoting it.
      "signRequest with a header record whose value has a line break",
      () => signRequest({ method: "PUT", url, headers: { "x-bce-meta": "a\r\nsecret-value" } }, credentials),
      "request.headers must be a record, a Headers, or [name, value] pairs of header names and values",
    ],
    [
      "signRequest with a header record whose name is no header name",
      () => signRequest({ method: "PUT", url, headers: { "bad name": "secret-value" } }, credentials),
      "request.headers must be a record, a Headers, or [name, value] pairs of header names and values",
    ],
    [
      // Names and values are trimmed, as Headers trims values; arrays are joined, as Node's records hold them.
      "signRequest with a header record of padded names, array values and undefined",
      () =>
        signRequest(
          {
            method: "PUT",
            url,
            headers: { " x-bce-a ": ["1", "2"], "x-bce-b": undefined, "x-bce-c": " \t3 " } as never,
          },
          credentials,
        ).then(() => "signed"),
      null,
    ],
    [
      "signRequest with headers a string",
      () => signRequest({ method: "PUT", url, headers: "content-type: text/plain" as never }, credentials),
      "request.headers must be a record, a Headers, or [name, value] pairs of header names and values",
    ],
    [
      "signRequest with options null",
      () => signRequest({ method: "PUT", url }, { ...credentials }, null as never).then(() => "signed"),
      null,
    ],
    [
      "buildAuthorization without a method",
      () => buildAuthorization({ ...credentials, path: "/", timestamp: T0 } as never),
      "input must have a method (non-empty) and a path, as strings",
    ],
    [
      "buildAuthorization with nothing",
      () => buildAuthorization(undefined as never),
      "input must have a method (non-empty) and a path, as strings",
    ],
    [
      "verifyRequest without a path",
      () => verifyRequest({ method: "PUT", headers: {} } as never, { getSecretAccessKey }),
      "request must have a method and a path, as strings",
    ],
    [
      "verifyRequest without a method",
      () => verifyRequest({ path: "/", headers: {} } as never, { getSecretAccessKey }),
      "request must have a method and a path, as strings",
    ],
    [
      "verifyRequest without getSecretAccessKey",
      () => verifyRequest({ method: "PUT", path: "/", headers: {} }, {} as never),
      "options.getSecretAccessKey must be a function",
    ],
  ])("%s", async (_, call, message) => {
    const outcome = await Promise.resolve()
      .then(call as () => Promise<unknown>)
      .catch((e: unknown) => e);
    if (message === null) return expect(outcome).toBe("signed");
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe(message);
  });

  it("signRequest takes a Date from another realm (a vm context) as a Date", async () => {
    const foreign = runInNewContext(`new Date(${T0})`) as Date;
    expect(foreign).not.toBeInstanceOf(Date);
    expect(await signRequest({ method: "PUT", url }, credentials, { timestamp: foreign })).toEqual(
      await signRequest({ method: "PUT", url }, credentials, { timestamp: T0 }),
    );
  });

  it.each([
    ["a Symbol", Symbol("now")],
    [
      "an object whose valueOf throws",
      {
        valueOf: () => {
          throw new Error("no time");
        },
      },
    ],
    ["NaN", Number.NaN],
  ])("verifyRequest: a now that is %s is named, not a TypeError from within", async (_, now) => {
    const request = await signed({ method: "PUT", url, headers: {} });
    const error = await verifyRequest(request, { getSecretAccessKey, now: now as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("options.now is not a valid time");
  });

  it.each([5, { a: "1" }, new URLSearchParams("a=1")])(
    "verifyRequest: a query that is no string (%j) is named, with or without an Authorization",
    async (query) => {
      const request = await signed({ method: "PUT", url, headers: {} });
      for (const headers of [request.headers, {}])
        await expect(
          verifyRequest({ ...request, headers, query: query as never }, { getSecretAccessKey, now: T0 }),
        ).rejects.toThrow(new TypeError("request.query must be the raw query string (as on the wire), if given"));
    },
  );

  it("verifyRequest: a getSecretAccessKey that returns no string is named", async () => {
    const request = await signed({ method: "PUT", url, headers: {} });
    const error = await verifyRequest(request, { getSecretAccessKey: () => 5 as never, now: T0 }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      "options.getSecretAccessKey must return a string, or undefined for an unknown id",
    );
  });
});
