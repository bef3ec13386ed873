// The front: client faults are 4xx with a BCE body and a request id, never 5xx; clock skew; exact
// query names; oversized bodies refused before they are read; requests Node's parser rejects.
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encryptAdminPass, signRequest } from "@bce-openapi/core";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "../src/index.js";
import {
  authorizationFor,
  expectBceError,
  REBUILD_PATH,
  REINSTALL_BODY,
  REINSTALL_PATH,
  signedPut,
} from "./helpers.js";
import { parseLast, rawExchange, type RawAnswer } from "./raw.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());

function expectRawBceError(maybe: RawAnswer | undefined, status: number, code: string) {
  const answer = maybe!;
  expect(answer.status).toBe(status);
  const body = JSON.parse(answer.body) as { requestId: string; code: string; message: string };
  expect(body.code).toBe(code);
  expect(answer.headers["x-bce-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.requestId).toBe(answer.headers["x-bce-request-id"]);
  expect(answer.headers["content-type"]).toBe("application/json;charset=UTF-8");
  return body;
}

describe("answers are labelled as BCE labels them: application/json;charset=UTF-8", () => {
  it.each([
    ["a BEC reinstall (Prism's answer)", () => signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY), 200],
    [
      "a BCC rebuild, without a body, as the seed page shows it",
      () => signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" }),
      200,
    ],
    [
      "an error of the mock's own (a bad signature)",
      () =>
        signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, {
          credentials: { ...DEFAULT_CREDENTIALS, secretAccessKey: "wrong-secret-0123456789" },
        }),
      400,
    ],
    [
      "an error from the spec (a body without imageId)",
      () => signedPut(mock.url, REINSTALL_PATH, { keyConfig: REINSTALL_BODY.keyConfig }),
      400,
    ],
  ])("%s", async (_, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    await res.arrayBuffer();
  });
});

describe("an answer to a request without Accept, as the official SDKs and the clients send it", () => {
  // fetch adds `accept: */*`; node:http sends only the headers given.
  const sendWithoutAccept = async (path: string, body: unknown, contentType: string | null = "application/json") => {
    const url = `${mock.url}${path}`;
    // A string is sent as it is (to send what is not JSON); anything else as JSON.
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const headers: Record<string, string> = {
      ...(contentType && { "content-type": contentType }),
      "content-length": String(Buffer.byteLength(text)),
    };
    const signed = await signRequest({ method: "PUT", url, headers }, DEFAULT_CREDENTIALS);
    return new Promise<{ status: number; contentType: string | undefined; body: string }>((resolve, reject) => {
      const req = request(url, { method: "PUT", headers: { ...headers, ...signed } }, (res) => {
        let answer = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (answer += chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode!, contentType: res.headers["content-type"], body: answer }),
        );
      });
      req.on("error", reject);
      req.end(text);
    });
  };
  it.each([
    ["a BCC rebuild (no body)", REBUILD_PATH, { imageId: "m-1" }],
    ["a BEC reinstall", REINSTALL_PATH, REINSTALL_BODY],
  ])("%s is labelled application/json;charset=UTF-8 all the same", async (_, path, body) => {
    const answer = await sendWithoutAccept(path, body);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe("application/json;charset=UTF-8");
  });

  // The official Python SDK sends every BCC body without a Content-Type, and the BEC seed's example
  // has none: BCE reads such a body as JSON.
  it("a body without a Content-Type is read as JSON: taken, replayed for its token, refused for what it holds", async () => {
    const before = mock.actions().reinstallVmInstance ?? 0;
    const taken = await sendWithoutAccept(REINSTALL_PATH, REINSTALL_BODY, null);
    expect(taken.status).toBe(200);
    expect(mock.actions().reinstallVmInstance).toBe(before + 1);
    const adminPass = await encryptAdminPass("1qaz@WSX", DEFAULT_CREDENTIALS.secretAccessKey);
    const rebuilt = await sendWithoutAccept(REBUILD_PATH, { imageId: "m-1", adminPass }, null);
    expect(rebuilt.status).toBe(200);
    // The same request with and without the header is the same request: the token replays it.
    const withToken = `${REINSTALL_PATH}?clientToken=no-content-type-1`;
    const first = await sendWithoutAccept(withToken, REINSTALL_BODY);
    expect(first.status).toBe(200);
    const retry = await sendWithoutAccept(withToken, REINSTALL_BODY, null);
    expect(retry.status).toBe(200);
    expect(JSON.parse(retry.body)).toEqual(JSON.parse(first.body));
    expect(mock.actions().reinstallVmInstance).toBe(before + 2);
    // Checked as JSON all the same: not JSON, or not what the operation takes.
    const malformed = await sendWithoutAccept(REINSTALL_PATH, "{not json", null);
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ code: "MalformedJSON" });
    const wrong = await sendWithoutAccept(REINSTALL_PATH, { keyConfig: REINSTALL_BODY.keyConfig }, null);
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body)).toMatchObject({
      code: "InappropriateJSON",
      message: expect.stringContaining("imageId"),
    });
    expect(mock.actions().reinstallVmInstance).toBe(before + 2);
  });
});

describe("malformed percent escapes in a validly signed request", () => {
  it.each([
    "/v1/vm/instance/%ZZ/system/reinstall",
    "/v%ZZ/instance/i-1?rebuild",
    "/v1/vm/instance/vm-%/system/reinstall",
    "/v1/vm/instance/%C3%28/system/reinstall", // escapes, but not UTF-8
    "/v2/instance/i-1?rebuild&clientToken=%G1",
  ])("%s is 400 InvalidURI", async (path) => {
    const res = await signedPut(mock.url, path, REINSTALL_BODY);
    const body = await expectBceError(res, 400, "InvalidURI");
    expect(body.message).toMatch(/percent escape/);
    expect(mock.journal.entries().at(-1)!.signature).toBe("verified");
  });
});

// Resolved by a URL parser, a dot segment would have Prism answer for another path than the one
// the mock matched (no idempotency, faults or action count for it): refused instead. fetch would
// resolve it before sending, so these go over a raw socket, signed over the path as written.
describe("dot segments in a validly signed request's path", () => {
  const send = async (path: string, query: string, body: string) => {
    const date = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const headers = { host: `127.0.0.1:${mock.port}`, "content-type": "application/json", "x-bce-date": date };
    const authorization = await authorizationFor(path, query, headers, date);
    const lines = Object.entries({ ...headers, authorization }).map(([name, value]) => `${name}: ${value}\r\n`);
    const length = Buffer.byteLength(body);
    const target = query ? `${path}?${query}` : path;
    return rawExchange(
      mock.port,
      `PUT ${target} HTTP/1.1\r\n${lines.join("")}content-length: ${length}\r\nconnection: close\r\n\r\n${body}`,
    );
  };
  it.each([
    ["/v1/vm/instance/vm-1/system/./reinstall", "", "."],
    ["/v1/vm/instance/vm-1/x/../system/reinstall", "", ".."],
    ["/v2/instance/x/%2E%2E/i-1", "rebuild", "%2E%2E"],
    ["/v2/instance/%2e", "rebuild", "%2e"],
  ])("%s is 400 InvalidURI", async (path, query, segment) => {
    const before = mock.actions();
    const body = JSON.stringify(path.startsWith("/v1") ? REINSTALL_BODY : { imageId: "m-1" });
    const answer = expectRawBceError(await send(path, query, body), 400, "InvalidURI");
    expect(answer.message).toContain(`"${segment}" segment`);
    expect(mock.journal.entries().at(-1)!.signature).toBe("verified");
    expect(mock.actions()).toEqual(before);
  });
  // A URL parser reads "\\" as "/" and drops what follows "#": Prism would answer for another path
  // or query (the token in a fragment) than the one matched, with no idempotency, faults or count.
  it.each([
    ["/v1\\vm\\instance\\vm-1\\system\\reinstall", "clientToken=t-1", "path", "\\"],
    ["/v2/instance/i-1\\..\\i-2", "rebuild", "path", "\\"],
    ["/v1/vm/instance/vm-1/system/reinstall#", "clientToken=t-1", "path", "#"],
    ["/v2/instance/i-1", "rebuild#x", "query", "#"],
  ])("%s?%s is 400 InvalidURI", async (path, query, where, character) => {
    const before = mock.actions();
    const body = JSON.stringify(path.startsWith("/v1") ? REINSTALL_BODY : { imageId: "m-1" });
    const answer = expectRawBceError(await send(path, query, body), 400, "InvalidURI");
    expect(answer.message).toBe(
      `The ${where} holds an unescaped "${character}", which a request target may not (send ${character === "#" ? "%23" : "%5C"})`,
    );
    expect(mock.journal.entries().at(-1)!.signature).toBe("verified");
    expect(mock.actions()).toEqual(before);
  });
  it("a segment with dots among other characters is an id like any other", async () => {
    const answer = await send("/v2/instance/i-1..2", "rebuild", JSON.stringify({ imageId: "m-1" }));
    expect(answer!.status).toBe(200);
    expect(mock.journal.entries().at(-1)).toMatchObject({ operationId: "rebuildInstance", signature: "verified" });
  });
});

// An escaped unreserved character is the character itself (RFC 3986, section 6.2.2.2): the
// signature covers the path read so, and the path is routed so too.
describe("escaped unreserved characters in a validly signed request's path", () => {
  it.each([
    ["/v1/vm/instance/vm-1/system/reinst%61ll", "reinstallVmInstance"],
    ["/v1/vm/instance/vm%2D1/system/reinstall", "reinstallVmInstance"],
    ["/%762/instance/i-1?rebuild", "rebuildInstance"],
    ["/v2/instance/%69%2D1?rebuild", "rebuildInstance"],
  ])("%s is routed as the path it spells", async (path, operationId) => {
    const body = operationId === "reinstallVmInstance" ? REINSTALL_BODY : { imageId: "m-1" };
    const res = await signedPut(mock.url, path, body);
    expect(res.status).toBe(200);
    expect(mock.journal.entries().at(-1)).toMatchObject({
      operationId,
      path: path.replace(/\?.*$/, ""),
      signature: "verified",
      answer: { status: 200 },
    });
  });
});

describe("query parameter names are case-sensitive", () => {
  it.each(["?REBUILD", "?Rebuild=", "?rebuild&REBUILD"])(
    "/v2/instance/i-1%s is 400 naming the declared name",
    async (query) => {
      const body = await expectBceError(
        await signedPut(mock.url, `/v2/instance/i-1${query}`, { imageId: "m-1" }),
        400,
        "InvalidHTTPRequest",
      );
      expect(body.message).toMatch(/case-sensitive; the spec declares rebuild/);
    },
  );

  it("clientTOKEN is not clientToken", async () => {
    await expectBceError(
      await signedPut(mock.url, `${REINSTALL_PATH}?clientTOKEN=x`, REINSTALL_BODY),
      400,
      "InvalidHTTPRequest",
    );
  });
});

describe("a signature dated in the future", () => {
  it("up to 15 minutes ahead is accepted", async () => {
    expect(
      (await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" }, { timestamp: Date.now() + 14 * 60_000 })).status,
    ).toBe(200);
  });

  it("16 minutes ahead (just past the window) is 403 RequestTimeTooSkewed", async () => {
    const res = await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" }, { timestamp: Date.now() + 16 * 60_000 });
    await expectBceError(res, 403, "RequestTimeTooSkewed");
  });

  it.each([
    ["an hour", 3600_000],
    ["decades", 40 * 365 * 86400_000],
  ])("%s ahead is 403 RequestTimeTooSkewed, with the server time in Date", async (_, ahead) => {
    const res = await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" }, { timestamp: Date.now() + ahead });
    const serverTime = Date.parse(res.headers.get("date")!);
    await expectBceError(res, 403, "RequestTimeTooSkewed");
    expect(Math.abs(serverTime - Date.now())).toBeLessThan(60_000);
  });

  it("is judged by the mock clock (now), which also dates the answer", async () => {
    const behind = Date.now() - 3600_000;
    const slow = await startMock({ now: () => behind, maxClockSkewSeconds: 60 });
    try {
      const res = await signedPut(slow.url, REBUILD_PATH, { imageId: "m-1" });
      expect(Date.parse(res.headers.get("date")!)).toBe(Math.floor(behind / 1000) * 1000);
      await expectBceError(res, 403, "RequestTimeTooSkewed");
      // Signed by that clock instead, the same request passes.
      expect((await signedPut(slow.url, REBUILD_PATH, { imageId: "m-1" }, { timestamp: behind })).status).toBe(200);
    } finally {
      await slow.close();
    }
  });

  // Core's verifyRequest judges the skew too, with the window the mock gives it.
  it("a wider maxClockSkewSeconds takes a signature further ahead, and says so in the refusal", async () => {
    const wide = await startMock({ maxClockSkewSeconds: 7200 });
    try {
      const ahead = { timestamp: Date.now() + 3600_000 };
      expect((await signedPut(wide.url, REBUILD_PATH, { imageId: "m-1" }, ahead)).status).toBe(200);
      const far = await signedPut(wide.url, REBUILD_PATH, { imageId: "m-1" }, { timestamp: Date.now() + 3 * 3600_000 });
      const error = await expectBceError(far, 403, "RequestTimeTooSkewed");
      expect(error.message).toMatch(/ s ahead of the server's time \(at most 7200 s allowed\); see the Date header$/);
    } finally {
      await wide.close();
    }
  });

  it("an expired one is still 400 RequestExpired", async () => {
    await expectBceError(
      await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" }, { timestamp: Date.now() - 3600_000 }),
      400,
      "RequestExpired",
    );
  });
});

describe("oversized bodies are answered 413 before they are read", () => {
  const head = (length: string, extra = "") =>
    `PUT ${REINSTALL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

  it("a declared Content-Length of 1 TB, with no body sent at all", async () => {
    const answer = await rawExchange(mock.port, head("1099511627776"));
    expectRawBceError(answer, 413, "EntityTooLarge");
    expect(answer!.headers.connection).toBe("close");
  });

  it("Expect: 100-continue with 20 MB: 413 and no 100 Continue", async () => {
    const answer = await rawExchange(mock.port, head("20971520", "Expect: 100-continue\r\n"));
    expectRawBceError(answer, 413, "EntityTooLarge");
    expect(answer!.raw).not.toContain("100 Continue");
  });

  it("Expect: 100-continue with a small body: 100 Continue, then the usual answer", async () => {
    const open = await startMock({ auth: false });
    try {
      const body = JSON.stringify(REINSTALL_BODY);
      const answer = await rawExchange(
        open.port,
        head(String(Buffer.byteLength(body)), "Expect: 100-continue\r\nConnection: close\r\n"),
        {
          when: (received) => received.includes("100 Continue"),
          write: body,
        },
      );
      expect(answer!.raw.startsWith("HTTP/1.1 100 Continue")).toBe(true);
      expect(answer!.status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it("any other expectation is 417 with a BCE body", async () => {
    expectRawBceError(await rawExchange(mock.port, head("2", "Expect: something\r\n")), 417, "InvalidHTTPRequest");
  });

  it("a chunked body is cut off at the limit: 413 without waiting for the rest", async () => {
    const small = await startMock({ maxBodyBytes: 10 });
    try {
      // Eleven bytes in one chunk and no terminating chunk: the mock must not wait for the end.
      const chunked = `PUT ${REINSTALL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n{"a":"bcd"}\r\n`;
      expectRawBceError(await rawExchange(small.port, chunked), 413, "EntityTooLarge");
    } finally {
      await small.close();
    }
  });

  it("the limit is an option", async () => {
    const small = await startMock({ maxBodyBytes: 10 });
    try {
      expectRawBceError(await rawExchange(small.port, head("11")), 413, "EntityTooLarge");
    } finally {
      await small.close();
    }
  });
});

describe("a request that stops arriving", () => {
  // Node's own limit is 300 s: a body shorter than its Content-Length had no answer for five
  // minutes, and then one that called it "not valid HTTP".
  it.each([
    [
      "a body shorter than its Content-Length",
      `PUT ${REINSTALL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
    ],
    [
      "a chunked body never ended",
      `PUT ${REINSTALL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n`,
    ],
    ["a head never ended", `PUT ${REINSTALL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n`],
  ])("%s is answered 408 RequestTimeout after requestTimeoutMs, saying so", async (_, text) => {
    const quick = await startMock({ requestTimeoutMs: 300 });
    try {
      const body = expectRawBceError(await rawExchange(quick.port, text), 408, "RequestTimeout");
      expect(body.message).toMatch(/^The request did not arrive in full within 300 ms \(ERR_HTTP_[A-Z_]+_TIMEOUT\)$/);
    } finally {
      await quick.close();
    }
  });

  it("a connection that sends nothing is closed after requestTimeoutMs, with no answer and no journal entry", async () => {
    const quick = await startMock({ requestTimeoutMs: 300 });
    try {
      expect(await rawExchange(quick.port, "", undefined, { allowNoAnswer: true })).toBeUndefined();
      expect(quick.journal.entries()).toEqual([]);
    } finally {
      await quick.close();
    }
  });

  it("a whole request whose answer is delayed past requestTimeoutMs is still answered", async () => {
    // The request must arrive whole within the limit, on a machine busy with other work too: a
    // second is generous for one loopback request, and the answer waits half as long again (Node
    // checks the limit every quarter of it).
    const quick = await startMock({ requestTimeoutMs: 1000 });
    try {
      quick.faults.enqueue("rebuildInstance", { delayMs: 1500 });
      expect((await signedPut(quick.url, REBUILD_PATH, { imageId: "m-1" })).status).toBe(200);
    } finally {
      await quick.close();
    }
  });
});

describe("requests Node's HTTP parser rejects", () => {
  it.each([
    ["garbage", "NOT HTTP AT ALL\r\n\r\n", 400],
    ["a header without a colon", "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400],
    ["two Content-Lengths", `PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n`, 400],
    ["a non-numeric Content-Length", "PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400],
    ["a bad chunk size", "PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400],
    ["headers over 16 KiB", `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
  ])("%s gets a BCE error body and x-bce-request-id", async (_, text, status) => {
    const answer = await rawExchange(mock.port, text);
    const body = expectRawBceError(answer, status, "InvalidHTTPRequest");
    expect(body.message).toMatch(/^The request is not valid HTTP \(HPE_[A-Z_]+\)$/);
  });

  it("and the mock keeps serving", async () => {
    expect((await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" })).status).toBe(200);
  });

  it("a body refused after the head was read is one journal entry: the request's, with the answer", async () => {
    mock.journal.clear();
    const text = `PUT ${REINSTALL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`;
    const answer = await rawExchange(mock.port, text);
    expectRawBceError(answer, 400, "InvalidHTTPRequest");
    const entries = mock.journal.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      requestId: answer!.headers["x-bce-request-id"],
      method: "PUT",
      path: REINSTALL_PATH,
      answer: { status: 400, code: "InvalidHTTPRequest" },
    });
  });

  it("a malformed head pipelined behind a whole request is its own entry, not the first request's", async () => {
    mock.journal.clear();
    const body = JSON.stringify(REINSTALL_BODY);
    const first =
      `PUT ${REINSTALL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    // Both in one write: the first request is being handled (its answer not yet sent) when the
    // parser refuses the second one's head, so the socket's response in flight is the first's.
    const answer = await rawExchange(mock.port, `${first}NOT HTTP AT ALL\r\n\r\n`);
    const refusal = answer!.raw.slice(answer!.raw.lastIndexOf("HTTP/1.1 "));
    const id = /x-bce-request-id: ([0-9a-f-]{36})/.exec(refusal)?.[1];
    expect(refusal).toMatch(/^HTTP\/1\.1 400 /);
    const entries = mock.journal.entries();
    expect(entries.find((e) => e.requestId === id)).toMatchObject({
      method: "",
      answer: { status: 400, code: "InvalidHTTPRequest" },
    });
    const put = entries.find((e) => e.method === "PUT");
    expect(put?.path).toBe(REINSTALL_PATH);
    expect(put?.requestId).not.toBe(id);
    expect(put?.answer?.code).not.toBe("InvalidHTTPRequest");
    // Answered in order (RFC 9112, section 9.3.2): the first request's answer, the one its journal
    // entry holds, reaches the client before the refusal of the bytes behind it.
    const answers = [...answer!.raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    expect(answers).toEqual([put!.answer!.status, 400]);
    expect(answer!.raw).toContain(`x-bce-request-id: ${put!.requestId}`);
  });
});

it("journals no secret: the default secret key never appears", () => {
  expect(JSON.stringify(mock.journal.entries())).not.toContain(DEFAULT_CREDENTIALS.secretAccessKey);
});

describe("startMock options the mock cannot run with are refused, naming the option, before anything listens", () => {
  it.each([
    ["options", null],
    ["options", "x"],
    ["port", { port: "abc" }],
    ["port", { port: -1 }],
    ["port", { port: 65536 }],
    ["port", { port: 1.5 }],
    ["host", { host: "" }],
    ["spec", { spec: 5 }],
    ["logLevel", { logLevel: "loud" }],
    ["credentials", { credentials: "x" }],
    ["credentials", { credentials: [{ accessKeyId: "ak" }] }],
    ["credentials", { credentials: [null] }],
    ["now", { now: 5 }],
    ["authenticate", { authenticate: true }],
    ["maxClockSkewSeconds", { maxClockSkewSeconds: Number.NaN }],
    ["credentials", { credentials: [] }],
    ["auth", { auth: "false" }],
    ["auth", { auth: 0 }],
    // Checked before the spec is read (it does not exist): the option is what is reported.
    ["journalLimit", { journalLimit: -1, spec: "/nonexistent/openapi.json" }],
    ["maxBodyBytes", { maxBodyBytes: 1.5, spec: "/nonexistent/openapi.json" }],
    ["requestTimeoutMs", { requestTimeoutMs: 0, spec: "/nonexistent/openapi.json" }],
    ["requestTimeoutMs", { requestTimeoutMs: Number.POSITIVE_INFINITY, spec: "/nonexistent/openapi.json" }],
    ["cors", { cors: ["http://x/path"], spec: "/nonexistent/openapi.json" }],
    // An access key id no signature can carry (the Authorization is split on "/"; a header holds no whitespace).
    ["credentials", { credentials: [{ accessKeyId: "team/ak", secretAccessKey: "s" }] }],
    ["credentials", { credentials: [{ accessKeyId: "my ak", secretAccessKey: "s" }] }],
    // A session token no header can carry could never be matched.
    ["credentials", { credentials: [{ accessKeyId: "ak", secretAccessKey: "s", sessionToken: "" }] }],
    ["credentials", { credentials: [{ accessKeyId: "ak", secretAccessKey: "s", sessionToken: "a b" }] }],
    ["credentials", { credentials: [{ accessKeyId: "ak", secretAccessKey: "s", sessionToken: 5 }] }],
    // An array would be read as no options, every option at its default.
    ["options", []],
    ["options", [{ port: 0 }]],
  ])("%s: %o", async (name, options) => {
    const error = await startMock(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(new RegExp(`^startMock: ${name}( must be|: )`));
  });

  // Made per test: the test's name is not to read them.
  it.each([
    [
      "options",
      "a revoked Proxy",
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      },
    ],
    [
      "options",
      "a Proxy whose keys throw",
      () =>
        new Proxy(
          {},
          {
            ownKeys() {
              throw new Error("no keys");
            },
          },
        ),
    ],
    [
      "options",
      "a getter that throws",
      () => ({
        get port(): number {
          throw new Error("no port");
        },
      }),
    ],
    [
      "credentials",
      "a key pair whose getter throws",
      () => ({
        credentials: [
          {
            get accessKeyId(): string {
              throw new Error("no key");
            },
            secretAccessKey: "s",
          },
        ],
      }),
    ],
  ])("%s that cannot be read (%s) are refused, naming them, with the error as cause", async (name, _, options) => {
    const error = await startMock(options() as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      `startMock: ${name}: could not be read (a getter or a Proxy threw; see cause)`,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it.each([
    [{ prot: 1 }, "prot", "port"],
    [{ noAuth: true }, "noAuth", "auth"],
    [{ journalLimt: 5 }, "journalLimt", "journalLimit"],
    [{ Cors: false }, "Cors", "cors"],
  ])("an unknown option %o is refused, naming it and the closest known one", async (options, key, closest) => {
    const error = await startMock({ spec: "/nonexistent/openapi.json", ...options } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(
      new RegExp(`^startMock: unknown option "${key}"; did you mean ${closest}\\? \\(options: port, host, `),
    );
  });

  it("an unknown option near no known one is refused with the list alone, no guess", async () => {
    const error = await startMock({ spec: "/nonexistent/openapi.json", verbose: true } as never).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^startMock: unknown option "verbose"; \(options: port, host, /);
  });

  it("a spec it cannot read names the file and the spec option, keeping Prism's error as its cause", async () => {
    const spec = fileURLToPath(new URL("../package.json", import.meta.url));
    const error = (await startMock({ spec }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      `startMock: cannot read the spec ${spec} (the spec option): Unsupported document format`,
    );
    expect((error.cause as Error).message).toBe("Unsupported document format");
  });

  it("a bind failure names the host and port options, keeping Node's error as its cause", async () => {
    const error = (await startMock({ port: mock.port }).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(error.message).toBe(
      `startMock: cannot listen on host 127.0.0.1, port ${mock.port} (the host and port options): ${(error.cause as Error).message}`,
    );
    expect(error.code).toBe("EADDRINUSE");
    expect((error.cause as NodeJS.ErrnoException).code).toBe("EADDRINUSE");
  });
});

describe("malformed media types are client faults: 400 with a BCE body, never 500", () => {
  it.each([
    ["content-type", "/"],
    ["content-type", "application"],
    ["content-type", "application/json, text/plain"],
    ["content-type", "application/json; =utf-8"],
    ["content-type", `application/json${"; ".repeat(200)}x`],
    ["accept", "/"],
    ["accept", "application/"],
    ["accept", "*/*;q="],
  ])("%s: %s", async (name, value) => {
    const res = await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, { headers: { [name]: value } });
    const body = await expectBceError(res, 400, "InvalidHTTPRequest");
    expect(body.message).toMatch(
      name === "accept" ? /^Accept is not a list of media ranges/ : /^Content-Type is not a media type/,
    );
  });

  it("well-formed ones are judged as before: charset and quality accepted, an unsupported Accept is 406", async () => {
    const ok = await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, {
      headers: { "content-type": 'application/json; charset="utf-8"', accept: "text/html;q=0.5, */*" },
    });
    expect(ok.status).toBe(200);
    const notAcceptable = await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, {
      headers: { accept: "application/xml" },
    });
    await expectBceError(notAcceptable, 406, "NotAcceptable");
  });

  // RFC 9110, 5.6.6: a parameter may be empty (`parameters = *( OWS ";" OWS [ parameter ] )`).
  // Prism's parser refused these (the mock answered 400 InvalidHTTPRequest).
  it.each([
    ["content-type", "application/json;"],
    ["content-type", "application/json;charset=UTF-8;"],
    ["content-type", "application/json ; ; charset=utf-8 ;"],
    ["accept", "application/json;"],
    ["accept", "text/html;q=0.5;, application/json;"],
  ])("an empty parameter is no parameter: %s %j is accepted", async (name, value) => {
    for (const [path, body] of [
      [REINSTALL_PATH, REINSTALL_BODY],
      [REBUILD_PATH, { imageId: "m-1" }],
    ] as const) {
      const res = await signedPut(mock.url, path, body, { headers: { [name]: value } });
      expect(res.status, `${path} ${await res.clone().text()}`).toBe(200);
    }
  });

  // RFC 9110, 5.6.1: a recipient ignores a list's empty elements; a quoted parameter may hold a comma.
  // Prism threw on both (a 500).
  it.each([
    "application/json,",
    ",",
    " , ",
    ",application/json",
    "*/*, ,",
    '*/*;foo="a,b"',
    'application/json;profile="x;y, z";q=0.9',
  ])("a list Prism cannot read is read as the RFC reads it: %j is accepted", async (accept) => {
    for (const [path, body] of [
      [REINSTALL_PATH, REINSTALL_BODY],
      [REBUILD_PATH, { imageId: "m-1" }],
    ] as const) {
      const res = await signedPut(mock.url, path, body, { headers: { accept } });
      expect(res.status, `${path} ${await res.clone().text()}`).toBe(200);
    }
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "*/*"])(
    "a JSON body sent as %s is a fault of its Content-Type: InvalidHTTPRequest naming it, not InappropriateJSON",
    async (type) => {
      const res = await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, { headers: { "content-type": type } });
      const body = await expectBceError(res, 400, "InvalidHTTPRequest");
      expect(body.message).toBe(
        `Content-Type ${type.split(";")[0]} is not JSON, the media type of reinstallVmInstance's body`,
      );
    },
  );

  it("a JSON string body is JSON of the wrong type: InappropriateJSON, as a number or an array is", async () => {
    for (const sent of ['"hello"', "42", "[1]"]) {
      const res = await signedPut(mock.url, REINSTALL_PATH, sent);
      await expectBceError(res, 400, "InappropriateJSON");
    }
  });

  // Prism answered these with a 200 and no body, which a client cannot read as the spec's answer.
  it.each(["*/*;q=0", "application/json;q=0, */*", "application/json;q=0.000, text/*, */*"])(
    "an Accept that takes other types but refuses JSON (%s) is 406, as one naming only other types is",
    async (accept) => {
      const res = await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, { headers: { accept } });
      const body = await expectBceError(res, 406, "NotAcceptable");
      expect(body.message).toBe("The server cannot produce a representation for your accept header");
    },
  );

  it("an answer with no body meets any Accept: BCC's rebuild is 200 for text/html and */*;q=0", async () => {
    for (const accept of ["text/html", "*/*;q=0"]) {
      const res = await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" }, { headers: { accept } });
      expect(res.status, accept).toBe(200);
    }
  });

  it("a Prefer code with an Accept the answer cannot meet is 406, as without Prefer", async () => {
    const res = await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, {
      headers: { prefer: "code=500", accept: "text/html" },
    });
    const body = await expectBceError(res, 406, "NotAcceptable");
    expect(body.message).not.toContain("stoplight.io");
  });
});

describe("the Host header", () => {
  it.each([
    ["no Host", ""],
    ["an empty Host", "Host:\r\n"],
  ])("an HTTP/1.1 request with %s is 400 InvalidHTTPRequest with a BCE body, and journaled", async (_, host) => {
    mock.reset();
    const answer = await rawExchange(
      mock.port,
      `PUT /v2/instance/i-1?rebuild HTTP/1.1\r\n${host}Content-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    const body = expectRawBceError(answer, 400, "InvalidHTTPRequest");
    expect(body.message).toMatch(/Host header/);
    expect(mock.journal.entries().map((e) => [e.path, e.answer])).toEqual([
      ["/v2/instance/i-1", { status: 400, code: "InvalidHTTPRequest" }],
    ]);
  });

  it("a request with two Host headers is 400 InvalidHTTPRequest, on the admin routes too (Node keeps the first)", async () => {
    for (const path of ["/v2/instance/i-1?rebuild", "/__mock/actions"]) {
      const answer = await rawExchange(
        mock.port,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
      );
      const body = expectRawBceError(answer, 400, "InvalidHTTPRequest");
      expect(body.message).toMatch(/Host header/);
    }
  });

  it("HTTP/1.0 needs no Host: the request goes on to the signature check", async () => {
    const answer = await rawExchange(mock.port, "PUT /v2/instance/i-1?rebuild HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
    expectRawBceError(answer, 400, "InvalidHTTPAuthHeader");
  });
});

describe("an absolute-form request line (the mock as a client's HTTP proxy)", () => {
  const target = "http://bcc.bj.baidubce.com/v2/instance/i-1?rebuild";
  const body = JSON.stringify({ imageId: "m-1" });
  const request = async (hostHeader: string, line = target) => {
    const headers = { "content-type": "application/json" };
    // Signed as a client signs it: over URL.host (lowercase, no default port).
    const signed = await signRequest({ method: "PUT", url: target, headers }, DEFAULT_CREDENTIALS);
    const lines = Object.entries({ ...headers, ...signed }).map(([name, value]) => `${name}: ${value}\r\n`);
    return `PUT ${line} HTTP/1.1\r\nHost: ${hostHeader}\r\n${lines.join("")}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  };

  it("takes the URL's host as a client signs it: the default port dropped, the case lowered", async () => {
    mock.reset();
    const line = "http://BCC.bj.baidubce.com:80/v2/instance/i-1?rebuild";
    const answer = await rawExchange(mock.port, await request("bcc.bj.baidubce.com", line));
    expect(answer!.status).toBe(200);
    const [entry] = mock.journal.entries();
    expect(entry).toMatchObject({ signature: "verified", answer: { status: 200 } });
    expect(entry!.headers.host).toBe("bcc.bj.baidubce.com");
  });

  // The Go SDK signs and sends the endpoint as configured, the default port or capitals kept,
  // in the request line and the Host header alike.
  it.each(["bcc.bj.baidubce.com:80", "BCC.bj.baidubce.com"])(
    "keeps a Host header that names the URL's authority as written (%s): what the client signed",
    async (host) => {
      mock.reset();
      const line = `http://${host}/v2/instance/i-1?rebuild`;
      const headers = { "content-type": "application/json", host };
      const signed = await signRequest({ method: "PUT", url: line, headers }, DEFAULT_CREDENTIALS);
      const lines = Object.entries({ ...headers, ...signed })
        .filter(([name]) => name !== "host")
        .map(([name, value]) => `${name}: ${value}\r\n`);
      const answer = await rawExchange(
        mock.port,
        `PUT ${line} HTTP/1.1\r\nHost: ${host}\r\n${lines.join("")}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(answer!.status).toBe(200);
      const [entry] = mock.journal.entries();
      expect(entry).toMatchObject({ signature: "verified", answer: { status: 200 } });
      expect(entry!.headers.host).toBe(host);
    },
  );

  it.each([
    ["the Host a client sends with it", "bcc.bj.baidubce.com"],
    ["another Host (the URL's authority wins, as a proxy forwards it)", "127.0.0.1"],
    // URL.parse reads these as the same host: not a host and port alone, they are not kept.
    ["a Host with user info", "x@bcc.bj.baidubce.com"],
    ["a Host with a path", "bcc.bj.baidubce.com/evil"],
  ])("is read as path and query, signed for the URL's host, with %s", async (_, host) => {
    mock.reset();
    const answer = await rawExchange(mock.port, await request(host));
    expect(answer!.status).toBe(200);
    expect(answer!.headers["x-bce-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const [entry] = mock.journal.entries();
    expect(entry).toMatchObject({
      path: "/v2/instance/i-1",
      query: "rebuild",
      operationId: "rebuildInstance",
      signature: "verified",
      answer: { status: 200 },
    });
    expect(entry!.headers.host).toBe("bcc.bj.baidubce.com");
    expect(mock.actions()).toEqual({ rebuildInstance: 1 });
  });
});

describe("the admin routes and CONNECT at the HTTP level", () => {
  const post = (length: number, extra = "") =>
    `POST /__mock/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

  it("POST /__mock/faults with Expect: 100-continue gets 100 Continue, then its answer", async () => {
    const body = JSON.stringify({ target: "reinstallVmInstance", steps: [{ status: 503 }] });
    const answer = await rawExchange(
      mock.port,
      post(Buffer.byteLength(body), "Expect: 100-continue\r\nConnection: close\r\n"),
      {
        when: (received) => received.includes("100 Continue"),
        write: body,
      },
    );
    expect(answer!.raw.startsWith("HTTP/1.1 100 Continue")).toBe(true);
    expect(answer!.status).toBe(201);
    mock.reset();
  });

  it("an admin body over 1 MiB is 413 EntityTooLarge and the connection closes, declared or not", async () => {
    expectRawBceError(await rawExchange(mock.port, post(2 * 1024 * 1024)), 413, "EntityTooLarge");
    const chunked = `POST /__mock/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n${"x".repeat(0x100001)}\r\n`;
    const answer = await rawExchange(mock.port, chunked);
    expectRawBceError(answer, 413, "EntityTooLarge");
    expect(answer!.headers.connection).toBe("close");
  });

  it("Expect: other than 100-continue on an admin route is 417 and is not journaled", async () => {
    mock.reset();
    expectRawBceError(
      await rawExchange(mock.port, `GET /__mock/journal HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: foo\r\n\r\n`),
      417,
      "InvalidHTTPRequest",
    );
    expect(mock.journal.entries()).toEqual([]);
  });

  it("CONNECT to port 443 (TLS) is 405 MethodNotAllowed with a BCE body, journaled, and the connection closed", async () => {
    mock.reset();
    const answer = await rawExchange(mock.port, "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n");
    const body = expectRawBceError(answer, 405, "MethodNotAllowed");
    expect(body.message).toMatch(/port 443 .*plain HTTP/);
    expect(answer!.headers.connection).toBe("close");
    expect(mock.journal.entries().map((e) => [e.method, e.answer?.status])).toEqual([["CONNECT", 405]]);
  });

  it("CONNECT to another port opens a tunnel to the mock: requests sent through it are answered, as through Python's proxy", async () => {
    // As http.client's set_tunnel: CONNECT host:80 HTTP/1.0, then the request in origin form with
    // the endpoint's Host (bce-sdk-python `_get_connection`).
    const tunnel = await startMock();
    try {
      const body = JSON.stringify({ imageId: "m-1" });
      const headers = { "content-type": "application/json" };
      const signed = await signRequest(
        { method: "PUT", url: "http://bcc.bj.baidubce.com/v2/instance/i-1?rebuild", headers },
        DEFAULT_CREDENTIALS,
      );
      const lines = Object.entries({ ...headers, ...signed }).map(([name, value]) => `${name}: ${value}\r\n`);
      const put = `PUT /v2/instance/i-1?rebuild HTTP/1.1\r\nHost: bcc.bj.baidubce.com\r\n${lines.join("")}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
      const answer = await rawExchange(tunnel.port, "CONNECT bcc.bj.baidubce.com:80 HTTP/1.0\r\n\r\n", {
        when: (received) => received.includes("\r\n\r\n"),
        write: put,
      });
      const established = "HTTP/1.1 200 Connection Established\r\n\r\n";
      expect(answer!.raw.startsWith(established)).toBe(true);
      const through = parseLast(answer!.raw.slice(established.length));
      expect(through.status).toBe(200);
      expect(through.headers["x-bce-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      const entries = tunnel.journal.entries();
      expect(entries.map((e) => [e.method, e.path, e.operationId, e.signature, e.answer?.status])).toEqual([
        ["PUT", "/v2/instance/i-1", "rebuildInstance", "verified", 200],
      ]);
      expect(entries[0]!.headers.host).toBe("bcc.bj.baidubce.com");
    } finally {
      await tunnel.close();
    }
  });

  it("a CONNECT inside a tunnel opens another, on the same socket, without a listener more each time", async () => {
    const tunnel = await startMock();
    try {
      const warnings: Error[] = [];
      const warned = (warning: Error) => warnings.push(warning);
      process.on("warning", warned);
      const connects = "CONNECT bcc.bj.baidubce.com:80 HTTP/1.1\r\nHost: bcc.bj.baidubce.com:80\r\n\r\n".repeat(20);
      const answer = await rawExchange(tunnel.port, connects, {
        when: (received) => received.split("200 Connection Established").length === 21,
        write: "GET /__mock/actions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
      });
      await new Promise((resolve) => setImmediate(resolve));
      process.off("warning", warned);
      expect(answer!.raw.split("200 Connection Established")).toHaveLength(21);
      expect(parseLast(answer!.raw.slice(answer!.raw.lastIndexOf("\r\n\r\nHTTP/1.1") + 4)).status).toBe(200);
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      await tunnel.close();
    }
  });

  // RFC 9112, section 9.3.2: answers go in the order of the requests, a CONNECT's among them. A
  // request pipelined before the CONNECT was answered after the tunnel's 200 (read as its answer),
  // and one sent through the tunnel then never.
  it.each([
    ["80", ["HTTP/1.1 200 OK", "HTTP/1.1 200 Connection Established", "HTTP/1.1 200 OK"]],
    ["443", ["HTTP/1.1 200 OK", "HTTP/1.1 405 Method Not Allowed"]],
  ])("a request pipelined before a CONNECT to port %s is answered before it", async (port, order) => {
    const tunnel = await startMock({ auth: false });
    try {
      const put = (id: string, close = "") =>
        `PUT /v2/instance/${id}?rebuild HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 17\r\n${close}\r\n{"imageId":"m-1"}`;
      const answer = await rawExchange(
        tunnel.port,
        `${put("i-1")}CONNECT a.example:${port} HTTP/1.1\r\nHost: a.example:${port}\r\n\r\n${put("i-2", "Connection: close\r\n")}`,
      );
      expect([...answer!.raw.matchAll(/HTTP\/1\.1 \d{3} [^\r]*/g)].map((m) => m[0])).toEqual(order);
      expect(tunnel.actions().rebuildInstance).toBe(order.length - 1);
    } finally {
      await tunnel.close();
    }
  });

  // Out of the server's connections while it waits for the earlier answer: close() ends it all
  // the same, though that answer never finishes (a client that does not read a large journal).
  it("a CONNECT waiting for an earlier answer the client does not read does not keep close() waiting", async () => {
    const tunnel = await startMock({ auth: false });
    const socket = connect(tunnel.port, "127.0.0.1");
    socket.on("error", () => {});
    let closing: Promise<void> | undefined;
    try {
      // About 10 MB of journal (bodies kept up to 64 KiB each): more than the sockets buffer.
      const garbage = "x".repeat(64 * 1024);
      for (let i = 0; i < 160; i++)
        await fetch(`${tunnel.url}/v2/instance/i-${i}?rebuild`, { method: "PUT", body: garbage }).then((r) => r.text());
      socket.pause();
      socket.write(
        "GET /__mock/journal HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nCONNECT a.example:80 HTTP/1.1\r\nHost: a.example:80\r\n\r\n",
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      closing = tunnel.close();
      let bound: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<string>((resolve) => {
        bound = setTimeout(() => resolve("close() still waiting after 30 s"), 30_000);
      });
      expect(await Promise.race([closing.then(() => "closed"), late])).toBe("closed");
      clearTimeout(bound);
      socket.resume();
      if (!socket.closed) await new Promise((resolve) => socket.once("close", resolve));
      expect(socket.closed).toBe(true);
    } finally {
      socket.destroy();
      if (!closing) await tunnel.close();
    }
  });

  // The earlier answer's end arms the server's keep-alive timeout (5 s) on the socket: the tunnel's
  // connection must not inherit it, or a request through it whose answer takes longer is cut.
  it("a tunnel opened after an earlier answer has no timeout of that answer's connection", async () => {
    const tunnel = await startMock({ auth: false });
    const sockets: Socket[] = [];
    const listener = (message: unknown) => sockets.push((message as { socket: Socket }).socket);
    subscribe("net.server.socket", listener);
    try {
      const put = (id: string) =>
        `PUT /v2/instance/${id}?rebuild HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{"imageId":"m-1"}`;
      const client = connect(tunnel.port, "127.0.0.1");
      client.on("error", () => {});
      let received = "";
      client.on("data", (chunk) => (received += chunk.toString("latin1")));
      client.write(`${put("i-1")}CONNECT a.example:80 HTTP/1.1\r\nHost: a.example:80\r\n\r\n`);
      await vi.waitFor(() => expect(received).toContain("200 Connection Established"), { timeout: 30_000 });
      expect(sockets).toHaveLength(1);
      expect(sockets[0]!.timeout ?? 0).toBe(0);
      client.destroy();
    } finally {
      unsubscribe("net.server.socket", listener);
      await tunnel.close();
    }
  });

  it("an open tunnel does not keep close() waiting", async () => {
    const tunnel = await startMock();
    const socket = connect(tunnel.port, "127.0.0.1");
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.on("error", () => {});
    let closing: Promise<void> | undefined;
    try {
      await new Promise((resolve) =>
        socket
          .once("data", resolve)
          .write("CONNECT bcc.bj.baidubce.com:80 HTTP/1.1\r\nHost: bcc.bj.baidubce.com:80\r\n\r\n"),
      );
      closing = tunnel.close();
      await closing;
      await closed;
      expect(socket.destroyed).toBe(true);
    } finally {
      // Failing before close() (no answer to the CONNECT), the test still stops its mock.
      socket.destroy();
      if (!closing) await tunnel.close();
    }
  });
});
