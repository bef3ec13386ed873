import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signRequest } from "@bce-openapi/core";
import { DEFAULT_CREDENTIALS, resolveCredentials, startMock, type MockServer } from "../src/index.js";
import { authorizationFor, expectBceError, FIXTURE, REINSTALL_BODY, REINSTALL_PATH } from "./helpers.js";
import { MAX_JOURNAL_BODY } from "../src/journal.js";
import { rawExchange } from "./raw.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ spec: FIXTURE }); // authentication is on by default
});
afterAll(() => mock.close());

const body = JSON.stringify({ imageId: "m-1" });

async function signedPut(
  path: string,
  credentials = DEFAULT_CREDENTIALS,
  extra: Record<string, string> = {},
  timestamp = Date.now(),
) {
  const url = `${mock.url}${path}`;
  const headers: Record<string, string> = { "content-type": "application/json", ...extra };
  const signed = await signRequest({ method: "PUT", url, headers }, credentials, { timestamp });
  return fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body });
}

describe("bce-auth-v1 in front of Prism", () => {
  it.each(["?rebuild", "?rebuild="])("accepts a request signed with the mock key (%s)", async (query) => {
    expect((await signedPut(`/v2/instance/i-1${query}`)).status).toBe(200);
  });

  it("answers a missing Authorization header with 400 InvalidHTTPAuthHeader", async () => {
    const res = await fetch(`${mock.url}/v2/instance/i-1?rebuild`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body,
    });
    await expectBceError(res, 400, "InvalidHTTPAuthHeader");
  });

  it("answers an unknown access key id with 403 InvalidAccessKeyId", async () => {
    const res = await signedPut("/v2/instance/i-1?rebuild", { accessKeyId: "someone-else", secretAccessKey: "x" });
    await expectBceError(res, 403, "InvalidAccessKeyId");
  });

  it("answers a wrong secret with 400 SignatureDoesNotMatch", async () => {
    const res = await signedPut("/v2/instance/i-1?rebuild", { ...DEFAULT_CREDENTIALS, secretAccessKey: "wrong" });
    await expectBceError(res, 400, "SignatureDoesNotMatch");
  });

  it("answers a signature older than its expiration with 400 RequestExpired", async () => {
    const res = await signedPut("/v2/instance/i-1?rebuild", DEFAULT_CREDENTIALS, {}, Date.now() - 3600_000);
    await expectBceError(res, 400, "RequestExpired");
  });

  it("accepts every expiration a signer sends, up to 2^53 - 1 seconds (an 11-digit one was refused)", async () => {
    for (const expirationInSeconds of [10_000_000_000, Number.MAX_SAFE_INTEGER]) {
      const url = `${mock.url}/v2/instance/i-1?rebuild`;
      const headers = { "content-type": "application/json" };
      const signed = await signRequest({ method: "PUT", url, headers }, DEFAULT_CREDENTIALS, { expirationInSeconds });
      expect((await fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body })).status).toBe(200);
    }
  });

  it("answers a header changed after signing with 400 SignatureDoesNotMatch", async () => {
    const url = `${mock.url}/v2/instance/i-1?rebuild`;
    const headers = { "content-type": "application/json", "x-bce-meta": "one" };
    const signed = await signRequest({ method: "PUT", url, headers }, DEFAULT_CREDENTIALS);
    const res = await fetch(url, { method: "PUT", headers: { ...headers, ...signed, "x-bce-meta": "two" }, body });
    await expectBceError(res, 400, "SignatureDoesNotMatch");
  });

  // https://intl.cloud.baidu.com/doc/Reference/s/3jwvz1x2e-en: the authentication string may be
  // the query's `authorization` parameter instead of the header (a URL signed for a third party).
  it("accepts the authentication string in the query, and checks it as in the header", async () => {
    const url = `${mock.url}/v2/instance/i-1?rebuild`;
    const presign = async (timestamp = Date.now()) => {
      const signed = await signRequest({ method: "PUT", url, headers: {} }, DEFAULT_CREDENTIALS, {
        timestamp,
        headersToSign: ["host"],
      });
      return `${url}&authorization=${encodeURIComponent(signed.authorization)}`;
    };
    const put = async (target: string) =>
      fetch(target, { method: "PUT", headers: { "content-type": "application/json" }, body });
    expect((await put(await presign())).status).toBe(200);
    const [entry] = mock.journal.entries().slice(-1);
    expect(entry).toMatchObject({ signature: "verified" });
    expect(entry!.query).not.toMatch(/[0-9a-f]{64}/);
    await expectBceError(await put((await presign()).replace("/i-1?", "/i-2?")), 400, "SignatureDoesNotMatch");
    await expectBceError(await put(await presign(Date.now() - 3600_000)), 400, "RequestExpired");
    await expectBceError(await put(await presign(Date.now() + 3600_000)), 403, "RequestTimeTooSkewed");
  });

  // bce-sdk-go sets x-bce-date (bce/client.go, buildHttpRequest) before its signer reads the clock
  // again or takes SignOptions.Timestamp (auth/signer.go): the two may differ, x-bce-date signed.
  it("accepts an x-bce-date other than the Authorization timestamp, as bce-sdk-go sends one", async () => {
    const url = new URL(`${mock.url}/v2/instance/i-1?rebuild=`);
    const now = Date.now();
    const date = new Date(now - 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const headers = {
      host: url.host,
      "user-agent": "bce-sdk-go/0.9.0",
      "content-type": "application/json;charset=utf-8",
      "content-length": String(Buffer.byteLength(body)),
      "x-bce-date": date,
    };
    const authorization = await authorizationFor(url.pathname, url.search.slice(1), headers, now);
    expect(authorization).not.toContain(`/${date}/`);
    const res = await fetch(url, { method: "PUT", headers: { ...headers, authorization }, body });
    expect(res.status).toBe(200);
    expect(mock.journal.entries().at(-1)).toMatchObject({ signature: "verified" });
  });

  // A signature covers a header's bytes as sent: the SDKs send and sign a value's UTF-8 bytes
  // (bce-sdk-go auth/signer.go, getCanonicalHeaders); fetch and node:http send a character up to
  // U+00FF as one byte, and our signer signs that byte. Node reads both as latin1, byte for byte.
  // [what, the value signed (a character for each byte signed, up to U+00FF), the bytes sent, accepted?]
  const utf8AsBytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");
  it.each([
    ["its UTF-8 bytes, as the SDKs send it", "café-测试", Buffer.from("café-测试"), true],
    ["its UTF-8 bytes, as bce-sdk-go sends café", utf8AsBytes("café"), Buffer.from("café"), true],
    ["one byte a character, as fetch sends it", "café", Buffer.from("café", "latin1"), true],
    ["one byte a character, but signed as UTF-8", utf8AsBytes("café"), Buffer.from("café", "latin1"), false],
  ] as const)("a signed header with a non-ASCII value sent as %s", async (_, value, bytes, accepted) => {
    const url = new URL(`${mock.url}/v2/instance/i-1?rebuild`);
    const headers = {
      host: url.host,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      "x-bce-tag": value,
    };
    const authorization = await authorizationFor(url.pathname, url.search.slice(1), headers);
    expect(authorization).toContain("x-bce-tag");
    // Over a raw socket, so that the value's bytes are exactly the wanted ones.
    const lines = Object.entries({ ...headers, authorization }).map(([name, v]) =>
      Buffer.concat([
        Buffer.from(`${name}: `),
        name === "x-bce-tag" ? bytes : Buffer.from(v, "latin1"),
        Buffer.from("\r\n"),
      ]),
    );
    const answer = await rawExchange(
      mock.port,
      Buffer.concat([
        Buffer.from(`PUT ${url.pathname}${url.search} HTTP/1.1\r\n`),
        ...lines,
        Buffer.from(`connection: close\r\n\r\n${body}`),
      ]),
    );
    const status = answer!.status;
    if (accepted) {
      expect(mock.journal.entries().at(-1)).toMatchObject({ signature: "verified" });
      expect(status).toBe(200);
    } else {
      expect(status).toBe(400);
      expect(answer!.body).toContain("SignatureDoesNotMatch");
    }
  });

  it("checks the signature before validating the request", async () => {
    const res = await fetch(`${mock.url}/v9/nowhere`, { method: "PUT" });
    await expectBceError(res, 400, "InvalidHTTPAuthHeader");
  });
});

describe("a temporary (STS) key pair: the session token is required", () => {
  const sts = { accessKeyId: "sts-access-key-id", secretAccessKey: "sts-secret-access-key-0123456789" };
  const sessionToken = "sts-session-token-0123456789";
  let stsMock: MockServer;
  beforeAll(async () => {
    stsMock = await startMock({ spec: FIXTURE, credentials: [DEFAULT_CREDENTIALS, { ...sts, sessionToken }] });
  });
  afterAll(() => stsMock.close());

  const put = async (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const url = `${stsMock.url}/v2/instance/i-1?rebuild`;
    const headers: Record<string, string> = { "content-type": "application/json" };
    // signRequest sends (and signs) a credentials' sessionToken as x-bce-security-token.
    const signed = await signRequest({ method: "PUT", url, headers }, credentials);
    return fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body });
  };

  it("accepts a request that carries the key's token", async () => {
    expect((await put({ ...sts, sessionToken })).status).toBe(200);
  });

  it.each([
    ["no token", undefined, "carries none"],
    ["another token", "sts-session-token-of-someone-else", "carries another"],
  ])("answers %s with 403 AccessDenied, quoting neither token", async (_, token, says) => {
    const res = await put({ ...sts, ...(token ? { sessionToken: token } : {}) });
    const error = await expectBceError(res, 403, "AccessDenied");
    expect(error.message).toContain("x-bce-security-token");
    expect(error.message).toContain(says);
    expect(error.message).not.toContain(sessionToken);
    if (token) expect(error.message).not.toContain(token);
  });

  // A presigned URL carries the token in its query, signed with it (baidubce/bce-sdk-go
  // services/bos/api/object.go@0577ef902302dd90e055d0b86e20ad0e97615a7e, GeneratePresignedUrl).
  it("accepts a presigned URL that carries the token in its query, and refuses one with another token there", async () => {
    const presign = async (token: string) => {
      const url = `${stsMock.url}/v2/instance/i-1?rebuild&x-bce-security-token=${encodeURIComponent(token)}`;
      const signed = await signRequest({ method: "PUT", url, headers: {} }, sts, { headersToSign: ["host"] });
      return fetch(`${url}&authorization=${encodeURIComponent(signed.authorization)}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body,
      });
    };
    expect((await presign(sessionToken)).status).toBe(200);
    const error = await expectBceError(await presign("sts-session-token-of-someone-else"), 403, "AccessDenied");
    expect(error.message).toContain("carries another");
  });

  it("leaves a permanent key pair as it was: no token needed", async () => {
    expect((await put(DEFAULT_CREDENTIALS)).status).toBe(200);
  });

  it("never journals the token", () => {
    expect(JSON.stringify(stsMock.journal.entries())).not.toContain(sessionToken);
  });

  // The mock knows its keys' secrets: wherever a request puts one, the journal does not show it.
  it.each([
    ["the token in a header of the caller's", { "x-debug-credentials": `Bearer ${sessionToken}` }, ""],
    ["the secret key in a header of the caller's", { "x-debug": sts.secretAccessKey }, ""],
    ["the secret key as a header's name", { [`x-${sts.secretAccessKey}`]: "1" }, ""],
    ["the token in the query", {}, `&note=${sessionToken}`],
    ["the secret key, escaped, in the query", {}, `&note=${encodeURIComponent(`${sts.secretAccessKey}/`)}`],
  ])("never journals %s", async (_, extra, query) => {
    stsMock.reset();
    const url = `${stsMock.url}/v2/instance/i-1?rebuild${query}`;
    const headers: Record<string, string> = { "content-type": "application/json", ...extra };
    const signed = await signRequest({ method: "PUT", url, headers }, { ...sts, sessionToken });
    await (await fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body })).arrayBuffer();
    const [entry] = await stsMock.journal.waitFor(1);
    expect(JSON.stringify(entry)).toContain("<redacted>");
    for (const text of [JSON.stringify(entry), await (await fetch(`${stsMock.url}/__mock/journal`)).text()]) {
      expect(text).not.toContain(sessionToken);
      expect(text).not.toContain(sts.secretAccessKey);
    }
  });

  // Spelt with escapes a reader's decoder reads back: every character \u-escaped in a JSON string,
  // or percent-encoded in the query.
  it("never journals a secret spelt with JSON or percent escapes", async () => {
    stsMock.reset();
    const json = [...sts.secretAccessKey].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    const percent = [...sessionToken].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join("");
    const url = `${stsMock.url}/v2/instance/i-1?rebuild&note=${percent}`;
    // In a header too, where no JSON is read: every character escaped is a form hidden as it is.
    const headers: Record<string, string> = { "content-type": "application/json", "x-note": json };
    const signed = await signRequest({ method: "PUT", url, headers }, { ...sts, sessionToken });
    const sent = `{"imageId":"m-1","note":"${json}"}`;
    await (await fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body: sent })).arrayBuffer();
    const [entry] = await stsMock.journal.waitFor(1);
    expect(JSON.parse(entry!.body)).toEqual({ imageId: "m-1", note: "<redacted>" });
    // Every byte escaped is one of the forms hidden as they are (core's secretForms).
    expect(entry!.query).toBe("rebuild&note=<redacted>");
    expect(entry!.headers["x-note"]).toBe("<redacted>");
    expect(decodeURIComponent(JSON.stringify(entry))).not.toContain(sessionToken);
    expect(JSON.stringify(JSON.parse(JSON.stringify(entry)))).not.toContain(sts.secretAccessKey);
  });

  /** `text` with every character percent-escaped, as a decoder reads it back and no encoder writes it. */
  const everyCharEscaped = (text: string) =>
    [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join("");

  it.each([
    ["a JSON body cut at 64 KiB", "json-cut"],
    ["a form body", "form"],
    ["the path", "path"],
    ["the path, beside a malformed escape", "path-stray"],
    ["a form body, beside a malformed escape", "form-stray"],
    ["a query parameter's name", "query-name"],
  ])("never journals a secret spelt with escapes in %s", async (_, where) => {
    stsMock.reset();
    const escaped = [...sts.secretAccessKey].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    const percent = [...sts.secretAccessKey].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join("");
    const path = where.startsWith("path")
      ? `/v2/instance/${percent}${where === "path-stray" ? "%ZZ" : ""}?rebuild`
      : `/v2/instance/i-1?rebuild${where === "query-name" ? `&${percent}=1` : ""}`;
    const url = `${stsMock.url}${path}`;
    const type = where.startsWith("form") ? "application/x-www-form-urlencoded" : "application/json";
    const sent =
      where === "json-cut"
        ? `{"note":"${escaped}","pad":"${"a".repeat(70_000)}"}`
        : where.startsWith("form")
          ? `imageId=m-1&note=${percent}${where === "form-stray" ? "100%" : ""}`
          : JSON.stringify({ imageId: "m-1" });
    const headers: Record<string, string> = { "content-type": type };
    const signed = await signRequest({ method: "PUT", url, headers }, { ...sts, sessionToken });
    await (await fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body: sent })).arrayBuffer();
    const [entry] = await stsMock.journal.waitFor(1);
    const shown = JSON.stringify(entry);
    expect(shown).toContain("<redacted>");
    for (const spelling of [sts.secretAccessKey, escaped.slice(0, 60), percent.slice(0, 60)])
      expect(shown.replaceAll("\\\\", "\\")).not.toContain(spelling);
  });

  // Each character of a secret as JSON's \u escape, or a URL's % escape.
  const jsonEscaped = (text: string) =>
    [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
  const percentEscaped = (text: string) =>
    [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join("");
  it.each([
    ["secret access key", () => sts.secretAccessKey, (text: string) => text, "json"],
    ["session token", () => sessionToken, (text: string) => text, "json"],
    ["secret access key, spelt with \\u escapes,", () => sts.secretAccessKey, jsonEscaped, "json"],
    ["session token, spelt with % escapes in a form,", () => sessionToken, percentEscaped, "form"],
    // Escaped twice (`%256d`): read once, the start of one of its escaped forms.
    [
      "session token, spelt with % escapes escaped again in a form,",
      () => sessionToken,
      (text: string) => percentEscaped(text).replaceAll("%", "%25"),
      "form",
    ],
  ])(
    "never journals the first part of a %s that the 64 KiB cut of a body goes through",
    async (_, secretOf, spell, kind) => {
      stsMock.reset();
      const secret = secretOf();
      const url = `${stsMock.url}/v2/instance/i-1?rebuild`;
      const headers = {
        "content-type": kind === "json" ? "application/json" : "application/x-www-form-urlencoded",
      };
      // The cut goes through the middle of the secret's spelling: what is kept of it is 14 or more
      // characters of the secret, as they are or in escapes.
      const spelt = spell(secret);
      const start = kind === "json" ? '{"imageId":"m-1","note":"' : "imageId=m-1&note=";
      const pad = "a".repeat(MAX_JOURNAL_BODY - Math.floor(spelt.length / 2) - start.length);
      const sent = `${start}${pad}${spelt}${kind === "json" ? '"}' : ""}`;
      const signed = await signRequest({ method: "PUT", url, headers }, { ...sts, sessionToken });
      await (await fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body: sent })).arrayBuffer();
      const [entry] = await stsMock.journal.waitFor(1);
      expect(entry!.body.endsWith("a<redacted>")).toBe(true);
      const shown = JSON.stringify(entry).replaceAll("\\\\", "\\");
      expect(shown).not.toContain(spelt.slice(0, 12));
      expect(shown).not.toContain(secret.slice(0, 8));
    },
  );

  // A header an error message quotes to 100 characters: a secret past the cut is hidden before it,
  // not left with its start shown (which no form of it matches).
  it.each([
    ["a malformed Accept", "accept", `${"a".repeat(90)}${sessionToken}`],
    ["a malformed Content-Type", "content-type", `${"a".repeat(94)}${sessionToken}`],
    ["a Content-Type that is not JSON", "content-type", `text/${"a".repeat(80)}${sessionToken}`],
  ])("never answers with the start of a secret that %s holds past its quoted part", async (_, name, value) => {
    const url = `${stsMock.url}/v2/instance/i-1?rebuild`;
    const headers: Record<string, string> = { "content-type": "application/json", [name]: value };
    const signed = await signRequest({ method: "PUT", url, headers }, { ...sts, sessionToken });
    const res = await fetch(url, { method: "PUT", headers: { ...headers, ...signed }, body });
    const error = await expectBceError(res, 400, "InvalidHTTPRequest");
    expect(error.message).toContain("<redac");
    expect(error.message).not.toContain(sessionToken.slice(0, 6));
  });

  // An error message may quote what the request sent (Prism's 406 the Accept header, a bad
  // Prefer its value, a 405 the path): a secret the mock knows is not sent back.
  it.each([
    ["an Accept header", "PUT", REINSTALL_PATH, { accept: `application/x-${sessionToken}` }],
    ["a Prefer code", "PUT", "/v2/instance/i-1?rebuild", { prefer: `code=${sessionToken}` }],
    ["a Prefer example", "PUT", "/v2/instance/i-1?rebuild", { prefer: `example=${sts.secretAccessKey}` }],
    ["the path of a 405", "DELETE", `/v2/instance/${sessionToken}`, {}],
    ["the path of a 404", "PUT", `/v2/${encodeURIComponent(sts.secretAccessKey)}/x`, {}],
    ["the path of a 404, spelt with escapes", "PUT", `/v2/${everyCharEscaped(sts.secretAccessKey)}/x`, {}],
    ["the path of a 404, with lowercase escapes", "PUT", `/v2/${everyCharEscaped(sessionToken).toLowerCase()}/x`, {}],
  ])("never answers with a secret an error message quotes from %s", async (_, method, path, extra) => {
    const url = `${stsMock.url}${path}`;
    const headers: Record<string, string> = { "content-type": "application/json", ...extra };
    const signed = await signRequest({ method, url, headers }, { ...sts, sessionToken });
    const sent = path === REINSTALL_PATH ? JSON.stringify(REINSTALL_BODY) : body;
    const res = await fetch(url, { method, headers: { ...headers, ...signed }, body: sent });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const text = await res.text();
    expect(JSON.parse(text).message).toContain("<redacted>");
    // Read as a reader's decoder reads it, too.
    const read = text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => decodeURIComponent(run));
    for (const secret of [sessionToken, sts.secretAccessKey]) {
      expect(text).not.toContain(secret);
      expect(read).not.toContain(secret);
    }
  });

  // verifyRequest checks the header's shape before it looks the id up.
  it.each([
    ["an expiration that is not a number", "abc", "host"],
    ["signed headers without host", "1800", "content-type"],
  ])("hides an unknown access key id in the journal when %s fails first", async (_, expiration, signed) => {
    stsMock.reset();
    const ts = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const url = `${stsMock.url}/v2/instance/i-1?rebuild`;
    const res = await fetch(url, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        authorization: `bce-auth-v1/REAL-PROD-AK-123/${ts}/${expiration}/${signed}/${"0".repeat(64)}`,
        "x-bce-date": ts,
      },
      body,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const [entry] = await stsMock.journal.waitFor(1);
    expect(entry!.headers.authorization).toMatch(/^bce-auth-v1\/<redacted>\//);
    expect(JSON.stringify(stsMock.journal.entries())).not.toContain("REAL-PROD-AK-123");
  });

  it("never journals nor answers a secret key or token given as the access key id (keys swapped)", async () => {
    stsMock.reset();
    const unknownSecret = "d1e2a3d4b5e6e7f8a9b0c1d2e3f4a5b6"; // a production key the mock does not know
    for (const accessKeyId of [sts.secretAccessKey, sessionToken, unknownSecret]) {
      const res = await put({ accessKeyId, secretAccessKey: sts.accessKeyId });
      const error = await expectBceError(res, 403, "InvalidAccessKeyId");
      expect(error.message).not.toContain(accessKeyId);
    }
    const entries = await stsMock.journal.waitFor(3);
    for (const entry of entries) expect(entry.headers.authorization).toMatch(/^bce-auth-v1\/<redacted>\/\d{4}-/);
    const text = JSON.stringify(entries);
    for (const secret of [sts.secretAccessKey, sessionToken, unknownSecret]) expect(text).not.toContain(secret);
  });
});

describe("configuration", () => {
  it.each([
    [
      "BCE_MOCK_SESSION_TOKEN",
      "token with spaces ",
      "no header can carry, without quoting it",
      "startMock: BCE_MOCK_SESSION_TOKEN must be printable ASCII without spaces, as a header carries it",
    ],
    [
      "BCE_MOCK_ACCESS_KEY_ID",
      "a/b",
      "no signature can carry",
      'startMock: BCE_MOCK_ACCESS_KEY_ID holds "/", whitespace or non-ASCII characters, which no signature can carry',
    ],
  ])("refuses a %s (%j) %s", async (name, value, _, message) => {
    vi.stubEnv(name, value);
    try {
      const error = await startMock({ spec: FIXTURE }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(message);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each([
    ["BCE_MOCK_ACCESS_KEY_ID", "BCE_MOCK_SECRET_ACCESS_KEY"],
    ["BCE_MOCK_SECRET_ACCESS_KEY", "BCE_MOCK_ACCESS_KEY_ID"],
  ])("refuses %s without %s (half the default pair would complete it)", async (set, missing) => {
    vi.stubEnv(set, "my-own-key-0123456789");
    vi.stubEnv(missing, "");
    try {
      const error = await startMock({ spec: FIXTURE }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(
        `startMock: ${set} is set without ${missing}: set both, or neither for the default key pair`,
      );
      expect((error as Error).message).not.toContain("my-own-key");
      // Given credentials, the variables are not read.
      const mock = await startMock({ spec: FIXTURE, credentials: [{ accessKeyId: "a", secretAccessKey: "b" }] });
      await mock.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses two key pairs with one access key id (the first's secret key would never verify)", async () => {
    const error = await startMock({
      spec: FIXTURE,
      credentials: [
        DEFAULT_CREDENTIALS,
        { accessKeyId: DEFAULT_CREDENTIALS.accessKeyId, secretAccessKey: "other-0123" },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      `startMock: credentials: the accessKeyId "${DEFAULT_CREDENTIALS.accessKeyId}" is given twice; give each key pair once`,
    );
  });

  it.each([
    ["sessiontoken", "credentials.sessionToken"],
    ["SessionToken", "credentials.sessionToken"],
    ["session_token", "credentials.sessionToken"],
    ["securityToken", "credentials.sessionToken"],
    ["secretKey", "credentials.secretAccessKey"],
  ])(
    "refuses a key pair's misspelt or other SDK's field %s, naming %s (dropped, an STS pair would need no token)",
    async (key, meant) => {
      const error = await startMock({
        spec: FIXTURE,
        credentials: [{ ...DEFAULT_CREDENTIALS, [key]: "the-sts-token-1234567890" }],
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(`startMock: credentials.${key}: is not an option; did you mean ${meant}?`);
      expect((error as Error).message).not.toContain("the-sts-token");
    },
  );

  it("takes a key pair with other fields of its own (an STS answer as it came)", async () => {
    const started = startMock({
      spec: FIXTURE,
      port: 0,
      credentials: [{ ...DEFAULT_CREDENTIALS, expiration: "2030-01-01T00:00:00Z", userId: "u-1" } as never],
    });
    await expect(started).resolves.toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    await (await started).close();
  });

  it("takes the key pair from the environment, else the defaults", () => {
    expect(resolveCredentials(undefined, {})).toEqual([DEFAULT_CREDENTIALS]);
    expect(resolveCredentials(undefined, { BCE_MOCK_ACCESS_KEY_ID: "ak", BCE_MOCK_SECRET_ACCESS_KEY: "sk" })).toEqual([
      { accessKeyId: "ak", secretAccessKey: "sk" },
    ]);
    expect(
      resolveCredentials(undefined, {
        BCE_MOCK_ACCESS_KEY_ID: "ak",
        BCE_MOCK_SECRET_ACCESS_KEY: "sk",
        BCE_MOCK_SESSION_TOKEN: "token",
      }),
    ).toEqual([{ accessKeyId: "ak", secretAccessKey: "sk", sessionToken: "token" }]);
    const explicit = [{ accessKeyId: "a", secretAccessKey: "b" }];
    expect(resolveCredentials(explicit, { BCE_MOCK_ACCESS_KEY_ID: "ak" })).toBe(explicit);
  });

  it("lets auth: false switch verification off", async () => {
    const open = await startMock({ spec: FIXTURE, auth: false });
    try {
      const res = await fetch(`${open.url}/v2/instance/i-1?rebuild`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(res.status).toBe(200);
      // Nothing was verified: the journal must not say it was.
      expect((await open.journal.waitFor(1))[0]!.signature).toBe("not-checked");
    } finally {
      await open.close();
    }
  });
});

describe("a custom authenticate", () => {
  let result: unknown;
  let custom: MockServer;
  beforeAll(async () => {
    custom = await startMock({ spec: FIXTURE, authenticate: () => result as never });
  });
  afterAll(() => custom.close());

  const call = () =>
    fetch(`${custom.url}/v2/instance/i-1?rebuild`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body,
    });

  it.each([
    ["undefined", undefined, /^authenticate returned undefined; it must return \{ ok: true \}/],
    ["no ok", {}, /^authenticate returned ok undefined; ok must be true or false$/],
    [
      "no status",
      { ok: false, code: "Nope", message: "m" },
      /with status undefined; status must be an integer from 400 to 599$/,
    ],
    ["status 'x'", { ok: false, status: "x", code: "Nope", message: "m" }, /with status string; status must be/],
    ["status 200", { ok: false, status: 200, code: "Nope", message: "m" }, /with status 200; status must be/],
    [
      "an empty code",
      { ok: false, status: 401, code: "", message: "m" },
      /a code that is not a token; code must be a non-empty token/,
    ],
    [
      "a message that is no string",
      { ok: false, status: 401, code: "Nope", message: 5 },
      /with message number; message must be a string$/,
    ],
  ])(
    "that returns %s is answered 500 naming authenticate and what was wrong, journaled as written",
    async (_, returned, message) => {
      custom.reset();
      result = returned;
      const error = await expectBceError(await call(), 500, "InternalError");
      expect(error.message).toMatch(message);
      const [entry] = await custom.journal.waitFor(1);
      expect(entry!.answer).toEqual({ status: 500, code: "InternalError" });
    },
  );

  it.each([
    [
      "throws",
      () => {
        throw new Error("the key store is down");
      },
    ],
    ["rejects", () => Promise.reject(new Error("the key store is down"))],
    [
      "throws a string",
      () => {
        throw "the key store is down";
      },
    ],
  ])("that %s is answered 500 naming authenticate and its message", async (_, authenticate) => {
    const failing = await startMock({ spec: FIXTURE, authenticate: authenticate as never });
    try {
      const res = await fetch(`${failing.url}/v2/instance/i-1?rebuild`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body,
      });
      const error = await expectBceError(res, 500, "InternalError");
      expect(error.message).toBe("authenticate threw: the key store is down");
      expect((await failing.journal.waitFor(1))[0]!.answer).toEqual({ status: 500, code: "InternalError" });
    } finally {
      await failing.close();
    }
  });

  it("whose failure is well formed is answered with it", async () => {
    custom.reset();
    result = { ok: false, status: 401, code: "Nope", message: "go away" };
    const error = await expectBceError(await call(), 401, "Nope");
    expect(error.message).toBe("go away");
    expect((await custom.journal.waitFor(1))[0]!.answer).toEqual({ status: 401, code: "Nope" });
  });

  it("whose failure quotes a secret key of the mock's is answered and journaled with it hidden", async () => {
    custom.reset();
    const secret = DEFAULT_CREDENTIALS.secretAccessKey;
    result = { ok: false, status: 403, code: secret, message: `denied: ${secret}` };
    const error = await expectBceError(await call(), 403, "<redacted>");
    expect(error.message).toBe("denied: <redacted>");
    const [entry] = await custom.journal.waitFor(1);
    expect(entry).toMatchObject({ signatureError: "<redacted>", answer: { status: 403, code: "<redacted>" } });
    const served = await (await fetch(`${custom.url}/__mock/journal`)).text();
    expect(served).toContain('"signatureError":"<redacted>"');
    expect(served).not.toContain(secret);
  });
});
