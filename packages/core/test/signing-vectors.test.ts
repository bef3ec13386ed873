import { describe, expect, it } from "vitest";
import {
  buildAuthorization,
  buildCanonicalRequest,
  canonicalHeaders,
  canonicalQueryString,
  canonicalUri,
  deriveSigningKey,
  formatAuthorization,
  formatBceDate,
  signRequest,
  uriEncode,
  verifyRequest,
} from "../src/signing/index.js";
import { signingHeaders } from "../src/signed-fetch.js";
import { createSigningKeyCache } from "../src/signing/key-cache.js";
import { headersToSignOf, rawQuery, vectors } from "./vectors.js";

describe.each(vectors.signing)("published signing vector $id", (v) => {
  const { inputs, expectedPublished: want } = v;
  const timestampMs = inputs.timestampEpochSeconds * 1000;
  const timestamp = formatBceDate(timestampMs);
  const prefix = `bce-auth-v1/${inputs.accessKeyId}/${timestamp}/${inputs.expirationInSeconds}`;
  const authInput = {
    method: inputs.method,
    path: inputs.path,
    query: inputs.query,
    headers: inputs.headers,
    headersToSign: headersToSignOf(v),
    accessKeyId: inputs.accessKeyId,
    secretAccessKey: inputs.secretAccessKey,
    timestamp: timestampMs,
    expirationInSeconds: inputs.expirationInSeconds,
  };

  if (want.authStringPrefix)
    it("authStringPrefix", () => {
      expect(prefix).toBe(want.authStringPrefix);
    });

  if (want.signingKey)
    it("signingKey", async () => {
      expect(await deriveSigningKey(inputs.secretAccessKey, prefix)).toBe(want.signingKey);
    });

  if (want.canonicalRequest)
    it("canonicalRequest", () => {
      expect(buildCanonicalRequest(authInput).canonicalRequest).toBe(want.canonicalRequest);
    });

  it("signature and both Authorization forms", async () => {
    const result = await buildAuthorization(authInput);
    if (want.signature) expect(result.signature).toBe(want.signature);
    if (want.authorization) expect(result.authorization).toBe(want.authorization);
    if (want.authorization_listedSignedHeaders)
      expect(result.authorization).toBe(want.authorization_listedSignedHeaders);
    if (want.authorization_emptySignedHeaders) {
      const empty = formatAuthorization({
        accessKeyId: inputs.accessKeyId,
        timestamp,
        expirationInSeconds: inputs.expirationInSeconds,
        signedHeaders: [],
        signature: result.signature,
      });
      expect(empty).toBe(want.authorization_emptySignedHeaders);
    }
  });

  // signRequest adds x-bce-date (and host from the URL), so it reproduces the vectors that already carry both.
  const host = inputs.headers.Host;
  if (typeof host === "string" && inputs.headers["x-bce-date"] === timestamp)
    it("signRequest reproduces it", async () => {
      const query = rawQuery(inputs.query);
      const signed = await signRequest(
        {
          method: inputs.method,
          url: `https://${String(host)}${inputs.path}${query ? `?${query}` : ""}`,
          headers: inputs.headers,
        },
        { accessKeyId: inputs.accessKeyId, secretAccessKey: inputs.secretAccessKey },
        { timestamp: timestampMs, expirationInSeconds: inputs.expirationInSeconds, headersToSign: headersToSignOf(v) },
      );
      expect(signed["x-bce-date"]).toBe(timestamp);
      const expected = want.authorization ?? want.authorization_listedSignedHeaders;
      if (expected) expect(signed.authorization).toBe(expected);
      if (want.authorization_emptySignedHeaders) {
        expect(signed.authorization.split("/").at(-1)).toBe(want.authorization_emptySignedHeaders.split("/").at(-1));
      }
    });

  if (typeof host === "string" && inputs.headers["x-bce-date"] === timestamp)
    it("signingHeaders (what the clients' transport signs with) reproduces it, with and without a key cache", async () => {
      const query = rawQuery(inputs.query);
      const request = {
        method: inputs.method,
        url: `https://${String(host)}${inputs.path}${query ? `?${query}` : ""}`,
        headers: Object.fromEntries(Object.entries(inputs.headers).map(([name, value]) => [name, String(value)])),
      };
      const credentials = { accessKeyId: inputs.accessKeyId, secretAccessKey: inputs.secretAccessKey };
      const options = {
        clock: () => timestampMs + 250,
        expirationInSeconds: inputs.expirationInSeconds,
        headersToSign: headersToSignOf(v),
      };
      const cache = createSigningKeyCache();
      for (const signed of [
        await signingHeaders(request, credentials, options),
        await signingHeaders(request, credentials, options, 0, cache),
        await signingHeaders(request, credentials, options, 0, cache), // the cached key
        await signingHeaders(request, credentials, { ...options, clock: () => timestampMs - 60_000 }, 60_000, cache),
      ]) {
        expect(signed["x-bce-date"]).toBe(timestamp);
        const expected = want.authorization ?? want.authorization_listedSignedHeaders;
        if (expected) expect(signed.authorization).toBe(expected);
        if (want.authorization_emptySignedHeaders) {
          expect(signed.authorization.split("/").at(-1)).toBe(want.authorization_emptySignedHeaders.split("/").at(-1));
        }
      }
    });

  const forms = [
    want.authorization,
    want.authorization_listedSignedHeaders,
    want.authorization_emptySignedHeaders,
  ].filter((a): a is string => a !== undefined);
  it.each(forms)("verifyRequest judges %s", async (authorization) => {
    const result = await verifyRequest(
      {
        method: inputs.method,
        path: inputs.path,
        query: rawQuery(inputs.query),
        headers: { ...inputs.headers, Authorization: authorization },
      },
      {
        getSecretAccessKey: (ak) => (ak === inputs.accessKeyId ? inputs.secretAccessKey : undefined),
        now: timestampMs,
      },
    );
    const signed = authorization.split("/")[4] ?? "";
    if (signed === "" || signed.split(";").includes("host")) {
      expect(result).toMatchObject({ ok: true, accessKeyId: inputs.accessKeyId });
    } else {
      // bce-sdk-js case 3 signs no host: this verifier insists on host being signed.
      expect(result).toEqual({ ok: false, code: "InvalidHTTPAuthHeader", message: "signedHeaders must include host" });
    }
  });
});

describe("published canonicalization vectors", () => {
  const byId = new Map(vectors.canonicalization.map((c) => [c.id, c]));
  const get = (id: string) => {
    const c = byId.get(id);
    if (!c) throw new Error(`vector ${id} missing from the fixture`);
    return c;
  };

  it("covers every vector in the fixture", () => {
    expect([...byId.keys()].sort()).toEqual(
      [
        "canonical-headers-js-spec",
        "canonical-time",
        "doc-canonical-query-example",
        "empty-value-key",
        "js-sdk-spec-query",
        "normalize-example",
        "uri-encode-except-slash",
      ].sort(),
    );
  });

  it.each(["doc-canonical-query-example", "empty-value-key", "js-sdk-spec-query"])("query %s", (id) => {
    const c = get(id);
    expect(canonicalQueryString(c.input as Record<string, string | null>)).toBe(c.expected);
  });

  it("empty-value-key: every SDK wire form canonicalizes alike", () => {
    const c = get("empty-value-key");
    for (const wire of Object.values(c.wire ?? {})) {
      expect(canonicalQueryString(wire)).toBe(c.expected);
      expect(canonicalQueryString(`?${wire}`)).toBe(c.expected);
      expect(canonicalQueryString(new URL(`https://h/?${wire}`).searchParams)).toBe(c.expected);
    }
  });

  it("normalize-example (uriEncode)", () => {
    const c = get("normalize-example");
    expect(uriEncode(c.input as string)).toBe(c.expected);
  });

  it("uri-encode-except-slash (canonicalUri), also from the percent-encoded URL path", () => {
    const c = get("uri-encode-except-slash");
    expect(canonicalUri(c.input as string)).toBe(c.expected);
    expect(canonicalUri(new URL(`https://h${c.input as string}`).pathname)).toBe(c.expected);
  });

  it("canonical-headers-js-spec", () => {
    const c = get("canonical-headers-js-spec");
    const result = canonicalHeaders(c.input as Record<string, string>);
    expect(result.canonicalHeaders).toBe(c.expected);
    expect(result.signedHeaders).toEqual(c.expectedSignedHeaders);
  });

  it("canonical-time (the vector is in seconds, formatBceDate takes milliseconds)", () => {
    const c = get("canonical-time");
    expect(formatBceDate((c.input as number) * 1000)).toBe(c.expected);
    expect(formatBceDate(new Date((c.input as number) * 1000 + 999))).toBe(c.expected);
  });
});

describe("canonical forms beyond the vectors", () => {
  it("empty path is /, and / is kept while other reserved characters are encoded", () => {
    expect(canonicalUri("")).toBe("/");
    expect(canonicalUri("/")).toBe("/");
    expect(canonicalUri("/a b/c~d")).toBe("/a%20b/c~d");
    expect(canonicalUri("/a%2Fb")).toBe("/a%2Fb"); // an escaped slash stays in its segment
    expect(canonicalUri("/50%off")).toBe("/50%25off"); // not an escape: taken literally
  });

  it("query: authorization in any case is left out; undefined is absent, null empty", () => {
    expect(canonicalQueryString("a=1&Authorization=x&AUTHORIZATION=y")).toBe("a=1");
    expect(canonicalQueryString({ b: undefined, a: null, c: 2, d: true })).toBe("a=&c=2&d=true");
    expect(canonicalQueryString(undefined)).toBe("");
  });

  it("headers: names lowercased and trimmed, values trimmed, empty skipped, explicit set honoured", () => {
    const headers = { " Host ": " example.com ", "X-BCE-Meta": "  v ", "Content-Type": "   ", "User-Agent": "ua" };
    expect(canonicalHeaders(headers)).toEqual({
      canonicalHeaders: "host:example.com\nx-bce-meta:v",
      signedHeaders: ["host", "x-bce-meta"],
    });
    expect(canonicalHeaders(headers, ["HOST", "user-agent", "content-type"])).toEqual({
      canonicalHeaders: "host:example.com\nuser-agent:ua",
      signedHeaders: ["host", "user-agent"],
    });
    // The Authorization is never signed, even when named: the signature replaces it.
    expect(canonicalHeaders({ host: "h", authorization: "old" }, ["authorization", "host"])).toEqual({
      canonicalHeaders: "host:h",
      signedHeaders: ["host"],
    });
    expect(canonicalHeaders(new Headers({ Host: "h", "x-bce-date": "2015-04-27T08:23:49Z" })).canonicalHeaders).toBe(
      "host:h\nx-bce-date:2015-04-27T08%3A23%3A49Z",
    );
  });

  // fetch and node:http send a character up to U+00FF as one byte, and a server signs the bytes it
  // read: signing é as its UTF-8 %C3%A9 got a request refused that the mock let through.
  it("header values: signed as the bytes that carry them, one byte a character up to U+00FF", () => {
    const lines = (value: string) => canonicalHeaders({ host: "h", "x-bce-tag": value }).canonicalHeaders;
    expect(lines("café")).toBe("host:h\nx-bce-tag:caf%E9");
    expect(lines("\x80 \xff")).toBe("host:h\nx-bce-tag:%80%20%FF");
    // Above U+00FF no JavaScript sender sends it as such: UTF-8, as bce-sdk-go sends and signs it.
    expect(lines("café-测试")).toBe("host:h\nx-bce-tag:caf%C3%A9-%E6%B5%8B%E8%AF%95");
    expect(lines("a b/~")).toBe("host:h\nx-bce-tag:a%20b%2F~");
  });

  // Read as a record, pairs were headers "0", "1"..., a Headers not this realm's had no keys, and a
  // Map's names were taken as given: nothing was signed, and the service refused the signature.
  it("headers as pairs, a Map, or a Headers not this realm's are read as fetch reads them", async () => {
    class OtherHeaders {
      // As node-fetch's or another realm's Headers: pairs when iterated, no keys of its own.
      *[Symbol.iterator]() {
        yield ["host", "h"] as const;
        yield ["x-bce-date", "2015-04-27T08:23:49Z"] as const;
      }
    }
    const input = {
      method: "GET",
      path: "/x",
      accessKeyId: "ak",
      secretAccessKey: "sk",
      timestamp: "2015-04-27T08:23:49Z",
    };
    const want = await buildAuthorization({ ...input, headers: { host: "h", "x-bce-date": "2015-04-27T08:23:49Z" } });
    expect(want.signedHeaders).toEqual(["host", "x-bce-date"]);
    for (const headers of [
      [
        ["Host", "h"],
        ["X-BCE-Date", "2015-04-27T08:23:49Z"],
      ],
      new Map([
        [" Host ", " h "],
        ["X-Bce-Date", "2015-04-27T08:23:49Z"],
      ]),
      new OtherHeaders(),
    ])
      expect(await buildAuthorization({ ...input, headers: headers as never })).toEqual(want);
    // A verifier given such headers finds the Authorization among them.
    const received = new Map([...new OtherHeaders(), ["authorization", want.authorization]]);
    const verified = await verifyRequest(
      { method: "GET", path: "/x", headers: received as never },
      { getSecretAccessKey: () => "sk", now: Date.parse("2015-04-27T08:23:49Z") },
    );
    expect(verified).toMatchObject({ ok: true });
    // What is no headers at all is refused, naming headers (and quoting nothing).
    for (const headers of ["host: h", 42, [["host"], 1]])
      expect(() => canonicalHeaders(headers as never)).toThrow(
        /^headers must be a record, a Headers, or \[name, value\] pairs/,
      );
  });

  it("query: null is none; another realm's URLSearchParams is read; what is no query is refused, naming query", () => {
    expect(canonicalQueryString(null)).toBe("");
    const other = { getAll: () => [], forEach: (f: (v: string, k: string) => void) => f("1", "a") };
    expect(canonicalQueryString(other as never)).toBe("a=1");
    for (const query of [42, ["a=1"], true])
      expect(() => canonicalQueryString(query as never)).toThrow(
        "query must be a string, a URLSearchParams, or a record of names to values",
      );
  });

  it("x-bce-date has no milliseconds", () => {
    expect(formatBceDate(Date.UTC(2026, 10, 5, 1, 2, 3, 456))).toBe("2026-11-05T01:02:03Z");
  });

  // YYYY-MM-DDThh:mm:ssZ holds 1970 to 9999: a time outside it would sign "+010000-..." or "-000001-...".
  it("x-bce-date holds 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; a time outside is a RangeError", async () => {
    expect(formatBceDate(0)).toBe("1970-01-01T00:00:00Z");
    expect(formatBceDate(Date.UTC(9999, 11, 31, 23, 59, 59, 999))).toBe("9999-12-31T23:59:59Z");
    const range = /^timestamp must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z/;
    for (const time of [Date.UTC(10000, 0, 1), -1, new Date("+012000-01-01T00:00:00Z"), Date.UTC(-1, 0, 1)])
      expect(() => formatBceDate(time)).toThrow(
        expect.objectContaining({ name: "RangeError", message: expect.stringMatching(range) }),
      );
    const credentials = { accessKeyId: "ak", secretAccessKey: "sk" };
    await expect(
      (async () =>
        signRequest({ method: "GET", url: "https://bcc.bj.baidubce.com/" }, credentials, {
          timestamp: new Date("+012000-01-01"),
        }))(),
    ).rejects.toThrow(range);
    // As text, a timestamp is taken only in that form, of a real time.
    const input = { method: "PUT", path: "/", headers: { host: "h" }, ...credentials };
    for (const timestamp of [
      "2020-01-01",
      "2020-01-01T00:00:00.000Z",
      "2020-02-30T00:00:00Z",
      "+010000-01-01T00:00:00Z",
    ])
      await expect((async () => buildAuthorization({ ...input, timestamp }))()).rejects.toThrow(
        /is not a time as x-bce-date writes it/,
      );
    expect((await buildAuthorization({ ...input, timestamp: "2020-02-29T23:59:59Z" })).authorization).toMatch(
      /\/2020-02-29T23:59:59Z\//,
    );
  });
});
