// Scripted faults, programmatic and through the admin route: statuses, sequences, delays, dropped
// connections, truncated bodies, hangs; per operation and per path; reset.
import { request } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PREFIX, DEFAULT_CREDENTIALS, startMock, type MockServer } from "../src/index.js";
import { expectBceError, REBUILD_PATH, REINSTALL_BODY, REINSTALL_PATH, signedPut } from "./helpers.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

const reinstall = (path = REINSTALL_PATH) => signedPut(mock.url, path, REINSTALL_BODY);
const rebuild = () => signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" });

describe("programmatic scripts", () => {
  it("plays a sequence per operation: 503, 503, then the normal answer, then normal again", async () => {
    mock.faults.enqueue("reinstallVmInstance", [{ status: 503 }, { status: 503 }, {}]);
    await expectBceError(await reinstall(), 503, "ServiceUnavailable");
    await expectBceError(await reinstall(), 503, "ServiceUnavailable");
    expect((await reinstall()).status).toBe(200);
    expect((await reinstall()).status).toBe(200);
    expect(mock.faults.pending()).toEqual({});
    expect(mock.actions()).toEqual({ reinstallVmInstance: 2 });
  });

  it("uses the spec example message for a code it has, and the code given", async () => {
    mock.faults.enqueue("rebuildInstance", [
      { status: 500 },
      { status: 400, code: "RequestExpired", message: "too old" },
    ]);
    const first = await expectBceError(await rebuild(), 500, "InternalError");
    expect(first.message).toBe("We encountered an internal error. Please try again.");
    const second = await expectBceError(await rebuild(), 400, "RequestExpired");
    expect(second.message).toBe("too old");
  });

  it("hides a secret of the mock's keys in a scripted code, in the answer and the journal, as in a message", async () => {
    const secret = DEFAULT_CREDENTIALS.secretAccessKey;
    mock.faults.enqueue("reinstallVmInstance", { status: 503, code: `Busy${secret}`, message: `busy ${secret}` });
    const body = await expectBceError(await reinstall(), 503, "Busy<redacted>");
    expect(body.message).toBe("busy <redacted>");
    expect(JSON.stringify(mock.journal.entries())).not.toContain(secret);
    expect(mock.journal.entries().at(-1)?.answer).toEqual({ status: 503, code: "Busy<redacted>" });
  });

  it("sends a scripted Retry-After, in seconds or as an HTTP date, and says so in the journal", async () => {
    const date = "Wed, 21 Oct 2015 07:28:00 GMT";
    mock.faults.enqueue("rebuildInstance", [{ status: 429, retryAfter: 2 }, { status: 503, retryAfter: date }, {}]);
    const first = await rebuild();
    expect(first.headers.get("retry-after")).toBe("2");
    await expectBceError(first, 429, "TooManyRequests");
    const second = await rebuild();
    expect(second.headers.get("retry-after")).toBe(date);
    await expectBceError(second, 503, "ServiceUnavailable");
    const third = await rebuild();
    expect(third.status).toBe(200);
    expect(third.headers.get("retry-after")).toBeNull();
    expect(mock.journal.entries().map((e) => e.fault)).toEqual([
      "status 429 TooManyRequests, Retry-After 2",
      `status 503 ServiceUnavailable, Retry-After ${date}`,
      "pass",
    ]);
  });

  // BEC's error chapter (https://cloud.baidu.com/doc/BEC/s/5k4106ncs).
  it("answers in BEC's error forms when asked: the platform's { code, msg, data }, the gateway's headers", async () => {
    mock.faults.enqueue("reinstallVmInstance", [
      { status: 400, code: "9001", message: "bad parameter", form: "bec-platform" },
      { status: 404, code: "ResourceNotFound", message: "Resource not found.", form: "bec-gateway" },
    ]);
    const platform = await reinstall();
    expect(platform.status).toBe(400);
    expect(await platform.json()).toEqual({ code: "9001", msg: "bad parameter", data: null });
    expect(platform.headers.get("x-bce-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const gateway = await reinstall();
    expect(gateway.status).toBe(404);
    expect(await gateway.text()).toBe("");
    expect(gateway.headers.get("x-bce-error-code")).toBe("ResourceNotFound");
    expect(gateway.headers.get("x-bce-error-message")).toBe("Resource not found.");
    expect(mock.journal.entries().map((e) => [e.fault, e.answer])).toEqual([
      ["status 400 9001, as bec-platform", { status: 400, code: "9001" }],
      ["status 404 ResourceNotFound, as bec-gateway", { status: 404, code: "ResourceNotFound" }],
    ]);
    expect(mock.actions()).toEqual({});
  });

  it("answers a status below 400 with an empty body, without taking effect", async () => {
    mock.faults.enqueue("reinstallVmInstance", [{ status: 200 }, { status: 204 }]);
    for (const status of [200, 204]) {
      const answer = await reinstall();
      expect(answer.status).toBe(status);
      expect(await answer.text()).toBe("");
      // A 204 has no Content-Length (RFC 9110, section 8.6); a 200 says its body is empty.
      expect(answer.headers.get("content-length")).toBe(status === 204 ? null : "0");
    }
    expect(mock.actions()).toEqual({});
  });

  it("applies a path script only to that path, before an operation script", async () => {
    const other = "/v1/vm/instance/vm-2/system/reinstall";
    mock.faults.enqueue({ path: other }, { status: 502 });
    mock.faults.enqueue("reinstallVmInstance", { status: 500 });
    await expectBceError(await reinstall(other), 502, "BadGateway");
    await expectBceError(await reinstall(), 500, "InternalError");
    expect((await reinstall(other)).status).toBe(200);
  });

  // An escaped unreserved character is the character (RFC 3986, 6.2.2.2): one path, however spelled.
  it("applies a path script to the path its escaped unreserved characters spell, either way round", async () => {
    const escaped = "/v1/vm/instance/vm%2D2/system/reinst%61ll";
    const plain = "/v1/vm/instance/vm-2/system/reinstall";
    mock.faults.enqueue({ path: escaped }, { status: 502 });
    mock.faults.enqueue({ path: plain }, { status: 504 });
    expect(mock.faults.pending()).toEqual({ [`path:${plain}`]: [{ status: 502 }, { status: 504 }] });
    await expectBceError(await reinstall(plain), 502, "BadGateway");
    await expectBceError(await reinstall(escaped), 504, "GatewayTimeout");
  });

  // And an escape's hex digits in either case are one character (RFC 3986, 6.2.2.1).
  it("applies a path script to a path whose other escapes differ from it only in the case of their hex digits", async () => {
    mock.faults.enqueue({ path: "/v1/vm/instance/vm%3a2/system/reinstall" }, { status: 502 });
    expect(mock.faults.pending()).toEqual({ "path:/v1/vm/instance/vm%3A2/system/reinstall": [{ status: 502 }] });
    await expectBceError(await reinstall("/v1/vm/instance/vm%3A2/system/reinstall"), 502, "BadGateway");
  });

  it("does not spend a step on a request refused by authentication", async () => {
    mock.faults.enqueue("reinstallVmInstance", { status: 503 });
    const unsigned = await fetch(`${mock.url}${REINSTALL_PATH}`, { method: "PUT", body: "{}" });
    await expectBceError(unsigned, 400, "InvalidHTTPAuthHeader");
    await expectBceError(await reinstall(), 503, "ServiceUnavailable");
  });

  it("drops the connection without an answer; the request does not take effect", async () => {
    mock.faults.enqueue("reinstallVmInstance", { drop: true });
    await expect(reinstall()).rejects.toThrow(TypeError);
    const [entry] = await mock.journal.waitFor(1);
    expect(entry).toMatchObject({ fault: "drop", answer: { status: 0 } });
    expect(mock.actions()).toEqual({});
  });

  it("truncates the body: less than the declared length arrives, and the request did take effect", async () => {
    const open = await startMock({ auth: false }); // a raw request, so the cut shows as such rather than as a fetch error
    try {
      open.faults.enqueue("reinstallVmInstance", { truncate: true });
      const cut = await new Promise<{ status?: number; error?: string; declared?: string; got: number }>((resolve) => {
        const req = request(
          `${open.url}${REINSTALL_PATH}`,
          { method: "PUT", headers: { "content-type": "application/json" } },
          (res) => {
            let got = 0;
            res.on("data", (chunk: Buffer) => (got += chunk.length));
            res.on("error", (error) =>
              resolve({
                status: res.statusCode,
                error: (error as NodeJS.ErrnoException).code,
                declared: res.headers["content-length"],
                got,
              }),
            );
            res.on("end", () => resolve({ status: res.statusCode, declared: res.headers["content-length"], got }));
          },
        );
        req.end(JSON.stringify(REINSTALL_BODY));
      });
      expect(cut.status).toBe(200);
      expect(cut.error).toBe("ECONNRESET");
      expect(cut.got).toBeLessThan(Number(cut.declared));
      expect(open.actions()).toEqual({ reinstallVmInstance: 1 });
      expect(open.journal.entries()[0]).toMatchObject({ fault: "truncate", answer: { status: 200 } });
    } finally {
      await open.close();
    }
  });

  it("delays an answer; the delay ends when the client goes away", async () => {
    // A delay shorter than any timeout here: the answer must arrive, and after the delay.
    mock.faults.enqueue("reinstallVmInstance", { delayMs: 50 });
    const started = performance.now();
    expect((await reinstall()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    expect((await mock.journal.waitFor(1))[0]!.fault).toBe("delay 50 ms");
  });

  it("a delay taken after the client left (during authentication) ends at once: the call takes no effect", async () => {
    let authenticating!: () => void;
    const inAuth = new Promise<void>((resolve) => (authenticating = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = await startMock({
      authenticate: async () => {
        authenticating();
        await released;
        return { ok: true };
      },
    });
    try {
      slow.faults.enqueue("reinstallVmInstance", { delayMs: 300 });
      const controller = new AbortController();
      const call = signedPut(slow.url, REINSTALL_PATH, REINSTALL_BODY, { signal: controller.signal }).catch(
        (e: Error) => e.name,
      );
      await inAuth;
      controller.abort();
      expect(await call).toBe("AbortError");
      // The mock sees the connection close before authentication lets the request go on.
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      await until(() => Object.keys(slow.faults.pending()).length === 0);
      // Well past the delay: a request that waited it out would have taken effect by now.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(slow.actions()).toEqual({});
      expect((await slow.journal.waitFor(1))[0]).toMatchObject({ fault: "delay 300 ms", answer: { status: 0 } });
    } finally {
      await slow.close();
    }
  });

  it("hangs until the client aborts; the journal shows no answer", async () => {
    mock.faults.enqueue("reinstallVmInstance", { hang: true });
    const controller = new AbortController();
    const call = signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, { signal: controller.signal }).catch(
      (e: Error) => e.name,
    );
    // Aborted once the mock has the request (the journal records arrivals), not after some time.
    await until(() => mock.journal.entries().length === 1);
    controller.abort();
    expect(await call).toBe("AbortError");
    const [entry] = await mock.journal.waitFor(1);
    expect(entry).toMatchObject({ fault: "hang", answer: { status: 0 } });
  });

  it("close() does not wait for a hanging answer", async () => {
    const separate = await startMock();
    separate.faults.enqueue("reinstallVmInstance", { hang: true });
    const pending = signedPut(separate.url, REINSTALL_PATH, REINSTALL_BODY).then(
      () => "answered",
      (e: Error) => e.name,
    );
    try {
      await until(() => separate.journal.entries().length === 1);
    } finally {
      await separate.close(); // also when the wait failed: no server outlives its test
    }
    expect(await pending).toBe("TypeError");
  });

  it.each([
    [{ status: 99 }, /status must be an integer from 200 to 599/],
    [{ status: 503, drop: true }, /choose one of/],
    [{ delayMs: -1 }, /delayMs must be/],
    [{ code: "X" }, /need a status/],
    [{ status: 200, code: "X" }, /code, message and form go with an error status \(400 to 599\), not 200/],
    [{ status: 503, form: "gateway" }, /form must be one of bce, bec-platform, bec-gateway/],
    [{ form: "bec-gateway" }, /need a status/],
    [{ status: 302, message: "moved" }, /not 302/],
    [{ bogus: 1 }, /bogus is not a fault step field/],
    [{ hang: true, delayMs: 5 }, /hang waits forever/],
    [{ status: 503, code: "Service Unavailable" }, /code must be a non-empty token such as ServiceUnavailable/],
    [{ status: 503, code: "" }, /code must be a non-empty token/],
    [{ status: 503, code: "Busy\r\nX: y" }, /code must be a non-empty token/],
    [{ status: 503, message: "caf\u00e9" }, /message must be a printable ASCII string/],
    [{ status: 429, retryAfter: -1 }, /retryAfter must be a number of seconds \(an integer from 0\) or an HTTP date/],
    [{ status: 429, retryAfter: 1.5 }, /retryAfter must be/],
    [{ status: 429, retryAfter: "2" }, /retryAfter must be/],
    [{ status: 429, retryAfter: "tomorrow\r\nX: y" }, /retryAfter must be/],
    [{ retryAfter: 2 }, /retryAfter needs a status/],
  ])("refuses a bad step %j with a message naming it", (step, message) => {
    expect(() => mock.faults.enqueue("reinstallVmInstance", step as never)).toThrow(message);
  });

  it("refuses a path target with a query, which no request's path could match", () => {
    expect(() => mock.faults.enqueue("/v2/instance/i-1?rebuild", { status: 503 })).toThrow(
      'fault target "/v2/instance/i-1?rebuild": a path target is matched against the path alone; leave out the query (/v2/instance/i-1)',
    );
    expect(mock.faults.pending()).toEqual({});
  });

  it.each([
    ["a misspelt path", "/v2/instnace/i-1"],
    ["a path of no operation", "/v1/vm/instance/vm-1"],
  ])("refuses a path target no operation serves (%s), naming the spec's paths", (_, path) => {
    expect(() => mock.faults.enqueue(path, { status: 503 })).toThrow(
      `fault target ${JSON.stringify(path)}: no operation of the spec serves this path (its paths: /v1/vm/instance/{vmID}/system/reinstall, /v{version}/instance/{instanceId})`,
    );
    expect(() => mock.faults.enqueue({ path }, { status: 503 })).toThrow(/no operation of the spec serves this path/);
    expect(mock.faults.pending()).toEqual({});
  });

  it("refuses a path target with a character no request's path holds unencoded (a trailing space)", () => {
    expect(() => mock.faults.enqueue("/v2/instance/i-1 ", { status: 503 })).toThrow(
      `fault target "/v2/instance/i-1 ": no request's path holds " "; write it percent-encoded, as the request sends it`,
    );
    expect(() => mock.faults.enqueue("/v2/instance/i%201", { status: 503 })).not.toThrow();
    expect(mock.faults.pending()).toEqual({ "path:/v2/instance/i%201": [{ status: 503 }] });
  });

  it("refuses steps given as separate arguments, which would drop all but the first, and queues nothing", () => {
    expect(() => mock.faults.enqueue("reinstallVmInstance", { status: 503 }, { status: 503 } as never)).toThrow(
      new TypeError("faults.enqueue takes the steps as one array, enqueue(target, [step, step]); got 3 arguments"),
    );
    expect(mock.faults.pending()).toEqual({});
  });

  it("refuses an unknown operationId, naming the known ones", () => {
    expect(() => mock.faults.enqueue("reinstall", { status: 500 })).toThrow(/reinstallVmInstance, rebuildInstance/);
  });

  it.each([
    ["no target", undefined, "undefined"],
    ["null", null, "null"],
    ["a number", 5, "number"],
  ])("refuses %s as a target with a TypeError saying what a target is", (_, target, got) => {
    const enqueue = () => mock.faults.enqueue(target as never, { status: 500 });
    expect(enqueue).toThrow(TypeError);
    expect(enqueue).toThrow(new RegExp(`^fault target must be an operationId of the spec .*; got ${got}$`));
    expect(mock.faults.pending()).toEqual({});
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe(`the admin route ${ADMIN_PREFIX}`, () => {
  const admin = (method: string, route: string, body?: unknown) =>
    fetch(`${mock.url}${ADMIN_PREFIX}${route}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("queues a sequence, shows what is pending, and resets", async () => {
    const queued = await admin("POST", "faults", { target: "reinstallVmInstance", steps: [{ status: 503 }, {}] });
    expect(queued.status).toBe(201);
    expect(await queued.json()).toEqual({ "operation:reinstallVmInstance": [{ status: 503 }, {}] });
    await expectBceError(await reinstall(), 503, "ServiceUnavailable");
    expect((await reinstall()).status).toBe(200);

    const journal = await (await admin("GET", "journal")).json();
    expect(journal.entries.map((e: { answer: { status: number } }) => e.answer.status)).toEqual([503, 200]);
    expect(await (await admin("GET", "actions")).json()).toEqual({ reinstallVmInstance: 1 });

    await admin("POST", "faults", { target: REBUILD_PATH.split("?")[0], steps: [{ drop: true }] });
    expect(await (await admin("GET", "faults")).json()).toEqual({ "path:/v2/instance/i-1": [{ drop: true }] });
    expect((await admin("POST", "reset")).status).toBe(200);
    expect(await (await admin("GET", "faults")).json()).toEqual({});
    expect((await (await admin("GET", "journal")).json()).entries).toEqual([]);
  });

  it.each([
    [
      { target: "reinstallVmInstance", step: [{ status: 503 }] },
      "step is not a field of the body { target, steps }; did you mean steps?",
    ],
    [
      { target: "reinstallVmInstance", steps: [{ status: 503 }], repeat: 3 },
      "repeat is not a field of the body { target, steps }",
    ],
    [[{ target: "reinstallVmInstance", steps: [{ status: 503 }] }], "the body must be an object { target, steps }"],
  ])("refuses a script body %j that it would read only in part, queueing nothing", async (body, message) => {
    const refused = await expectBceError(await admin("POST", "faults", body), 400, "InvalidHTTPRequest");
    expect(refused.message).toBe(message);
    expect(mock.faults.pending()).toEqual({});
  });

  it("answers a bad script with a BCE error naming the problem, and is never journaled", async () => {
    const bad = await expectBceError(
      await admin("POST", "faults", { target: "nope", steps: [{}] }),
      400,
      "InvalidHTTPRequest",
    );
    expect(bad.message).toMatch(/operationId/);
    await expectBceError(
      await admin("POST", "faults", { target: "rebuildInstance", steps: [{ status: "x" }] }),
      400,
      "InvalidHTTPRequest",
    );
    await expectBceError(
      await fetch(`${mock.url}${ADMIN_PREFIX}faults`, { method: "POST", body: "{" }),
      400,
      "MalformedJSON",
    );
    // JSON.parse's message quotes the body's start: a secret's start, which no form of it matches.
    const secretBody = await expectBceError(
      await fetch(`${mock.url}${ADMIN_PREFIX}faults`, { method: "POST", body: DEFAULT_CREDENTIALS.secretAccessKey }),
      400,
      "MalformedJSON",
    );
    expect(secretBody.message).toMatch(/^The body is not JSON/);
    expect(secretBody.message).not.toContain(DEFAULT_CREDENTIALS.secretAccessKey.slice(0, 6));
    const unknown = await expectBceError(await admin("GET", "nothing"), 404, "NotFound");
    // The route as it was asked for, prefix included ("GET nothing" named no URL).
    expect(unknown.message).toMatch(/^No mock route GET \/__mock\/nothing; see GET\/DELETE \/__mock\/journal, /);
    const bare = await expectBceError(await admin("GET", ""), 404, "NotFound");
    expect(bare.message).toMatch(/^No mock route GET \/__mock\/; see /);
    await expectBceError(await admin("GET", "constructor"), 404, "NotFound");
    expect(mock.journal.entries()).toEqual([]);
  });

  it("answers a route it has with the wrong method 405, with the route's methods in Allow", async () => {
    for (const [method, route, allow] of [
      ["POST", "journal", "GET, DELETE"],
      ["PUT", "faults", "GET, POST, DELETE"],
      ["DELETE", "actions", "GET"],
      ["GET", "reset", "POST"],
    ] as const) {
      const res = await admin(method, route);
      expect(res.headers.get("allow")).toBe(allow);
      const body = await expectBceError(res, 405, "MethodNotAllowed");
      expect(body.message).toContain(`takes ${allow}, not ${method}`);
    }
  });

  it("refuses a web page whose origin the CORS setting does not allow (a simple POST needs no preflight)", async () => {
    const res = await fetch(`${mock.url}${ADMIN_PREFIX}faults`, {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ target: "reinstallVmInstance", steps: [{ status: 500 }] }),
    });
    await expectBceError(res, 403, "AccessDenied");
    expect(mock.faults.pending()).toEqual({});
    const local = await fetch(`${mock.url}${ADMIN_PREFIX}actions`, { headers: { origin: "http://localhost:5173" } });
    expect(local.status).toBe(200);
    expect(local.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });

  it("refuses a Host that is not a loopback name (a page that rebound its DNS name to 127.0.0.1)", async () => {
    const { rawExchange } = await import("./raw.js");
    const answer = await rawExchange(
      mock.port,
      `GET ${ADMIN_PREFIX}journal HTTP/1.1\r\nHost: evil.example:${mock.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer!.status).toBe(403);
    expect(JSON.parse(answer!.body).code).toBe("AccessDenied");
    const { isLoopbackHost } = await import("../src/admin.js");
    expect(
      ["localhost", "localhost:4010", "127.0.0.1:1", "[::1]:4010", "[::ffff:127.0.0.1]:4010", "[::ffff:7f00:1]"].every(
        isLoopbackHost,
      ),
    ).toBe(true);
    expect(
      ["evil.example", "127.0.0.1.evil.example", "[::ffff:10.0.0.1]", "[::ffff:a00:1]", undefined].some(isLoopbackHost),
    ).toBe(false);
  });

  it("is answered to loopback clients only", async () => {
    const { isLoopback } = await import("../src/admin.js");
    expect(["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"].every(isLoopback)).toBe(true);
    expect(["10.0.0.1", "192.168.1.2", "::ffff:10.0.0.1", "fe80::1", "", undefined].some(isLoopback)).toBe(false);
  });
});
