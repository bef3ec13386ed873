// The transport's pure parts (backoff, the default retry decision) and its attempt loop with a
// fake fetch. Client-level fault injection over real sockets is in tests/contract/test/faults.test.ts.
import { getEventListeners } from "node:events";
import { isNativeError } from "node:util/types";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  answerText,
  backoffDelay,
  BceAbortError,
  BceError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceTimeoutError,
  BceValidationError,
  isSafeToRetry,
  retryAfterMs,
  PlainRequest,
  silentLogger,
  toLogger,
  Transport,
  type AttemptHooks,
  type CallContext,
  type RetryContext,
  type TransportOptions,
} from "../src/internal/index.js";
import { answerError } from "../src/transport.js";

const credentials = { accessKeyId: "ak", secretAccessKey: "sk-0123456789abcdef" };

function fakeFetch(statuses: number[]) {
  const seen: { date: string; auth: string; body: string }[] = [];
  const fetch = async (request: Request) => {
    seen.push({
      date: request.headers.get("x-bce-date") ?? "",
      auth: request.headers.get("authorization") ?? "",
      body: await request.text(),
    });
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
    return new Response(status === 200 ? "{}" : "", { status });
  };
  return { seen, fetch };
}
describe("backoffDelay", () => {
  it("doubles from the base, is capped, and jitters within [half, full] of the step, in whole milliseconds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseDelayMs, maxDelayMs, r) => {
          const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
          const delay = backoffDelay(retry, { baseDelayMs, maxDelayMs }, () => r);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(step / 2);
          expect(delay).toBeLessThanOrEqual(step);
          expect(delay).toBeLessThanOrEqual(maxDelayMs);
        },
      ),
    );
  });

  it("defaults to the SDKs' 300 ms base and a 20 s cap", () => {
    expect(backoffDelay(1, {}, () => 1)).toBe(300);
    expect(backoffDelay(3, {}, () => 1)).toBe(1200);
    expect(backoffDelay(20, {}, () => 1)).toBe(20_000);
    expect(backoffDelay(1, {}, () => 0)).toBe(150);
    expect(backoffDelay(1, {}, () => 0.123456)).toBe(169); // 168.5184 ms, rounded
  });
});

describe("isSafeToRetry", () => {
  const service = (status: number, code: string) => new BceServiceError({ status, code, message: "", requestId: "" });
  const network = (requestSent: boolean) =>
    new BceNetworkError("x", { errorCode: requestSent ? "ECONNRESET" : "ECONNREFUSED", requestSent });
  const cases: [string, RetryContext["error"], boolean, boolean][] = [
    // error, retried when idempotent, retried when not
    ["500", service(500, "InternalError"), true, false],
    ["502", service(502, "Http502"), true, false],
    ["503", service(503, "Http503"), true, false],
    ["504", service(504, "Http504"), true, false],
    ["501", service(501, "Http501"), false, false],
    ["400 RequestExpired", service(400, "RequestExpired"), true, true],
    ["429", service(429, "Http429"), true, true],
    ["400 Throttling", service(400, "Throttling"), true, true],
    // The codes prove nothing on a 5xx or a redirect (a proxy's page): retried only when idempotent.
    ["500 RequestExpired", service(500, "RequestExpired"), true, false],
    ["502 Throttling", service(502, "Throttling"), true, false],
    ["503 ThrottlingException", service(503, "ThrottlingException"), true, false],
    ["302 Throttling", service(302, "Throttling"), false, false],
    ["400 InvalidHTTPRequest", service(400, "InvalidHTTPRequest"), false, false],
    ["403 AccessDenied", service(403, "AccessDenied"), false, false],
    ["connection refused", network(false), true, true],
    ["connection reset", network(true), true, false],
    ["timeout", new BceTimeoutError(100), true, false],
  ];
  it.each(cases)("%s", (_, error, idempotent, notIdempotent) => {
    expect(isSafeToRetry({ attempt: 1, idempotent: true, error })).toBe(idempotent);
    expect(isSafeToRetry({ attempt: 1, idempotent: false, error })).toBe(notIdempotent);
  });
  it.each([[undefined], [null], ["ctx"]])("refuses %j for a context, saying what it takes", (context) => {
    expect(() => isSafeToRetry(context as never)).toThrow(
      new TypeError("isSafeToRetry takes the context shouldRetry is given ({ error, idempotent, ... })"),
    );
  });
});

describe("Transport", () => {
  let t = Date.UTC(2026, 0, 1);
  const clock = () => (t += 1000);

  it("sends the same bytes on every attempt, signed afresh each time", async () => {
    const { seen, fetch } = fakeFetch([503, 502, 200]);
    const transport = new Transport({ fetch, signing: { clock }, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const request = new Request("http://h/x", {
      method: "PUT",
      body: '{"a":1}',
      headers: { "content-type": "application/json" },
    });
    const answer = await transport.send(request, { credentials, idempotent: true });
    expect(answer.status).toBe(200);
    expect(seen.map((s) => s.body)).toEqual(['{"a":1}', '{"a":1}', '{"a":1}']);
    expect(new Set(seen.map((s) => s.date)).size).toBe(3);
    expect(new Set(seen.map((s) => s.auth)).size).toBe(3);
  });

  it("gives back the last error answer when the policy stops, without throwing", async () => {
    const { seen, fetch } = fakeFetch([500]);
    const transport = new Transport({ fetch, signing: { clock }, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const answer = await transport.send(new Request("http://h/x", { method: "PUT", body: "{}" }), {
      credentials,
      idempotent: false,
    });
    expect(answer.status).toBe(500);
    expect(seen).toHaveLength(1);
  });

  it("default attempts are 4 (three retries, as the official SDKs make)", async () => {
    const { seen, fetch } = fakeFetch([503]);
    const transport = new Transport({ fetch, signing: { clock }, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    await transport.send(new Request("http://h/x"), { credentials, idempotent: true });
    expect(seen).toHaveLength(4);
  });

  it.each([
    ["ECONNREFUSED", false, 2],
    ["ECONNRESET", true, 1],
  ])(
    "undici's fetch failed with cause %s: requestSent %s, %i attempts for a non-idempotent call",
    async (code, requestSent, attempts) => {
      let calls = 0;
      const transport = new Transport({
        fetch: async () => {
          calls++;
          throw new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
        },
        signing: { clock },
        retry: { baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 2 },
      });
      const error = await transport
        .send(new Request("http://h/x"), { credentials, idempotent: false })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceNetworkError);
      expect(error).toMatchObject({ errorCode: code, requestSent });
      expect(calls).toBe(attempts);
    },
  );
});

// The error that ends a call after several attempts says what the earlier ones came to: the service
// may have acted on one that was sent, and took the call on one whose 2xx head came, whatever the
// last attempt came to (a connection refused proves nothing of the earlier ones).
describe("an error that ends a call after attempts", () => {
  type Step = "cut200" | "cut429" | "refused" | number;
  const SERVICE_TOOK = "attempt 1's answer came (status 200: the service took the call), but not all of its body";
  const MAY_HAVE = "an attempt of the call was sent, and the service may have acted on it";
  const stepped = (steps: Step[]) => {
    let calls = 0;
    const fetch = async () => {
      const step = steps[Math.min(calls++, steps.length - 1)]!;
      if (step === "refused")
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("ECONNREFUSED"), { code: "ECONNREFUSED" }),
        });
      if (step === "cut200" || step === "cut429")
        return new Response(new ReadableStream({ start: (c) => c.error(new TypeError("terminated")) }), {
          status: step === "cut200" ? 200 : 429,
        });
      const code = step === 400 ? "RequestExpired" : step === 429 ? "TooManyRequests" : "ServiceUnavailable";
      return Response.json({ code, message: "m", requestId: "r-1" }, { status: step });
    };
    return { fetch, calls: () => calls };
  };
  const transport = (fetch: TransportOptions["fetch"], maxAttempts: number, baseDelayMs = 0) =>
    new Transport({ fetch, retry: { maxAttempts, baseDelayMs, maxDelayMs: Math.max(baseDelayMs, 1) } });
  const put = () => new Request("http://h/x", { method: "PUT", body: "{}" });

  it.each([
    [["cut200", "refused", "refused"], true, 200, SERVICE_TOOK],
    [[503, "refused"], true, undefined, MAY_HAVE],
    // A 429 is a refusal: nothing was acted on, and the refused connection's error is the whole truth.
    [[429, "refused"], false, undefined, undefined],
    // Also one whose body was cut off: its status says it was refused.
    [["cut429", "refused"], false, undefined, undefined],
  ] as [Step[], boolean, number | undefined, string | undefined][])(
    "%j, a connection refused last: requestSent %s, answerStatus %s",
    async (steps, requestSent, answerStatus, told) => {
      const { fetch, calls } = stepped(steps);
      const error = await transport(fetch, steps.length)
        .send(put(), { credentials, idempotent: true })
        .catch((e: unknown) => e);
      expect(calls()).toBe(steps.length);
      expect(error).toBeInstanceOf(BceNetworkError);
      expect(error).toMatchObject({ errorCode: "ECONNREFUSED", requestSent });
      if (answerStatus === undefined) expect(error).not.toHaveProperty("answerStatus");
      else expect(error).toMatchObject({ answerStatus });
      const { message } = error as Error;
      if (told) expect(message).toBe(`the request to h failed on the network (ECONNREFUSED); ${told}`);
      else expect(message).toBe("the request to h failed on the network (ECONNREFUSED)");
    },
  );

  it("a service error answer that ends it (RequestExpired, which proves nothing was acted on) says a 2xx came before", async () => {
    const { fetch } = stepped(["cut200", 400]);
    const answer = await transport(fetch, 2).send(put(), { credentials, idempotent: true });
    expect(answer.status).toBe(400);
    const error = answerError(answer);
    expect(error).toBeInstanceOf(BceServiceError);
    expect(error!.message).toBe(`RequestExpired: m (status 400, request id r-1); ${SERVICE_TOOK}`);
  });

  // An error of a caller's own fetch may end other calls too (one object): it is never changed.
  it("an error a caller's fetch gives is left as it is: another call still reads it as it was made", async () => {
    const refused = new BceNetworkError("offline", { errorCode: "ECONNREFUSED", requestSent: false });
    let calls = 0;
    const fetch = async () => {
      if (calls++ === 0) return Response.json({ code: "ServiceUnavailable", message: "m" }, { status: 503 });
      throw refused;
    };
    const first = await transport(fetch, 2)
      .send(put(), { credentials, idempotent: true })
      .catch((e: unknown) => e);
    expect(first).toBe(refused);
    expect(refused).toMatchObject({ message: "offline", requestSent: false });
    // A call with no token retries what was not sent: the error still says so.
    const second = await transport(fetch, 2)
      .send(put(), { credentials, idempotent: false })
      .catch((e: unknown) => e);
    expect(second).toBe(refused);
    expect(calls).toBe(4);
    expect(refused).toMatchObject({ message: "offline", requestSent: false });
  });

  it("is a copy: each attempt's error stays as the afterAttempt hook was given it", async () => {
    const given: unknown[] = [];
    const { fetch } = stepped([503, "refused"]);
    const error = await new Transport({
      fetch,
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      hooks: { afterAttempt: ({ error }) => void given.push(error) },
    })
      .send(put(), { credentials, idempotent: true })
      .catch((e: unknown) => e);
    expect(given).toHaveLength(2);
    expect(given[1]).toMatchObject({
      requestSent: false,
      message: "the request to h failed on the network (ECONNREFUSED)",
    });
    expect(error).not.toBe(given[1]);
    expect(error).toBeInstanceOf(BceNetworkError);
    expect(error).toMatchObject({
      requestSent: true,
      errorCode: "ECONNREFUSED",
      message: `the request to h failed on the network (ECONNREFUSED); ${MAY_HAVE}`,
      cause: (given[1] as Error).cause,
    });
    expect((error as Error).stack).toContain(MAY_HAVE);
  });

  it("an attempt's error a hook froze is told all the same, as a copy", async () => {
    const { fetch } = stepped([503, "refused"]);
    const error = await new Transport({
      fetch,
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      hooks: { afterAttempt: ({ error }) => void (error && Object.freeze(error)) },
    })
      .send(put(), { credentials, idempotent: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceNetworkError);
    expect(error).toMatchObject({
      requestSent: true,
      message: `the request to h failed on the network (ECONNREFUSED); ${MAY_HAVE}`,
    });
  });

  it("is an Error as the attempt's is: structuredClone keeps its message; a $ in the message stays in the stack as it is", async () => {
    const fetch = async () => Response.json({ code: "ServiceUnavailable", message: "pay $' now $&" }, { status: 503 });
    const answer = await transport(fetch, 2).send(put(), { credentials, idempotent: true });
    const error = answerError(answer)!;
    const told = `ServiceUnavailable: pay $' now $& (status 503); ${MAY_HAVE}`;
    expect(error.message).toBe(told);
    expect(isNativeError(error)).toBe(true);
    expect(structuredClone(error)).toMatchObject({ message: told });
    expect(error.stack!.split("\n")[0]).toBe(`BceServiceError: ${told}`);
  });

  it("a single attempt's error is its own", async () => {
    const { fetch } = stepped(["cut200"]);
    const error = await transport(fetch, 1)
      .send(put(), { credentials, idempotent: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ requestSent: true, answerStatus: 200 });
    expect((error as Error).message).not.toContain("attempt");
  });

  describe("on fake timers", () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it("the caller's abort while the call waits to retry keeps the status of the 2xx that came", async () => {
      const { fetch, calls } = stepped(["cut200"]);
      const controller = new AbortController();
      const done = transport(fetch, 3, 1000)
        .send(put(), { credentials, idempotent: true, signal: controller.signal })
        .catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(10);
      expect(calls()).toBe(1);
      controller.abort();
      const error = await done;
      expect(calls()).toBe(1);
      expect(error).toBeInstanceOf(BceAbortError);
      expect(error).toMatchObject({ answerStatus: 200, message: `the call was aborted; ${SERVICE_TOOK}` });
    });
  });

  it("a retry policy that throws after the 2xx came says so", async () => {
    const { fetch } = stepped(["cut200"]);
    const error = await new Transport({
      fetch,
      retry: {
        shouldRetry: () => {
          throw new Error("policy");
        },
      },
    })
      .send(put(), { credentials, idempotent: true })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(`retry.shouldRetry threw (see cause); ${SERVICE_TOOK}`);
  });
});

describe("a clock the service corrects", () => {
  const HOUR = 3600_000;
  const clientNow = Date.UTC(2026, 0, 1);

  it("calls signed together with a clock an hour behind each take the service's time after RequestExpired", async () => {
    // Both first attempts are signed before either answer comes back; by the time the second
    // answer is read, the first has corrected the client's clock. The second attempt was still
    // signed with the wrong clock, so its RequestExpired is the clock's fault all the same.
    const waiting: (() => void)[] = [];
    let held = 0;
    const fetch = async (request: Request) => {
      if (held++ < 2)
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 2) for (const release of waiting) release();
        });
      const serverNow = clientNow + HOUR;
      const date = new Date(serverNow).toUTCString();
      if (serverNow - Date.parse(request.headers.get("x-bce-date")!) <= 1800_000)
        return new Response("{}", { headers: { date } });
      const error = { code: "RequestExpired", message: "expired", requestId: "r" };
      return new Response(JSON.stringify(error), { status: 400, headers: { date } });
    };
    const transport = new Transport({ fetch, signing: { clock: () => clientNow }, retry: { maxAttempts: 1 } });
    const call = () =>
      transport.send(new Request("http://127.0.0.1:9/x", { method: "PUT", body: "{}" }), {
        credentials,
        idempotent: true,
      });
    const answers = await Promise.all([call(), call()]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(held).toBe(4);
  });

  it("a clock-skew answer is retried once per call, however often it comes", async () => {
    let calls = 0;
    const transport = new Transport({
      fetch: async () => {
        if (++calls > 5) throw new Error("retried without end");
        return new Response(JSON.stringify({ code: "RequestTimeTooSkewed", message: "skewed", requestId: "r" }), {
          status: 403,
          headers: { date: new Date(Date.now() + 3_600_000).toUTCString() },
        });
      },
      retry: { maxAttempts: 1 },
    });
    const response = await transport.send(new Request("http://h/x"), { credentials, idempotent: true });
    expect(response.status).toBe(403);
    expect(calls).toBe(2);
  });
});

describe("a caller's fetch that misbehaves", () => {
  const send = (fetch: TransportOptions["fetch"], call: Partial<CallContext> = {}, options: TransportOptions = {}) =>
    new Transport({ fetch, retry: { maxAttempts: 1 }, ...options })
      .send(new Request("http://h/x", { method: "PUT", body: "{}" }), { credentials, idempotent: true, ...call })
      .catch((e: unknown) => e);

  it.each([
    ["undefined", undefined],
    ["a number", 5],
    ["a plain object", {}],
    ["an object without headers", { status: 200 }],
    // Objects with a Response's status and headers, and not the rest of what is read of one.
    ["an object with no statusText", { status: 200, headers: new Headers() }],
    [
      "an object whose body is a string",
      {
        status: 200,
        ok: true,
        statusText: "",
        headers: new Headers(),
        body: "x",
        bodyUsed: false,
        arrayBuffer: async () => new ArrayBuffer(0),
      },
    ],
    ["an object that cannot be read", { status: 200, statusText: "", headers: new Headers(), body: null }],
  ])("resolving with %s ends the call with a BceError saying so", async (_, value) => {
    const error = await send(async () => value as unknown as Response);
    expect(error).toBeInstanceOf(BceError);
    expect((error as Error).message).toBe("the fetch option resolved with something that is not a Response");
  });

  it("resolving with a redirect it did not follow (a browser's opaqueredirect) ends the call with a BceResponseError", async () => {
    const opaque = Object.defineProperties(new Response(null, { status: 200 }), {
      type: { value: "opaqueredirect" },
      status: { value: 0 },
    });
    const error = await send(async () => opaque);
    expect(error).toBeInstanceOf(BceResponseError);
    expect(error).toMatchObject({ status: 0, problems: ["the answer is a redirect, which is not followed"] });
  });

  it("resolving with a body longer than its Content-Length, past maxResponseBytes, ends the call with a BceResponseError", async () => {
    // new Response() keeps whatever content-length it is given; the bytes read are what count.
    const made = () => new Response("x".repeat(2048), { headers: { "content-length": "2" } });
    const error = await send(async () => made(), {}, { maxResponseBytes: 1024 });
    expect(error).toBeInstanceOf(BceResponseError);
    expect(error).toMatchObject({ status: 200, problems: ["the answer body is larger than 1024 bytes"] });
  });

  it.each([
    ["0", false],
    ["2", true],
    [null, true],
  ])(
    "a bodiless 2xx whose Content-Length is %s: its body cancelled %s (one declared empty is read to its end)",
    async (length, cancels) => {
      let cancelled = false;
      let read = false;
      const answer = () => {
        // Pulled only when read (no high-water mark): a read and a cancel are told apart.
        const body = new ReadableStream(
          {
            pull: (controller) => {
              read = true;
              if (length === "0") controller.close();
            },
            cancel: () => {
              cancelled = true;
            },
          },
          { highWaterMark: 0 },
        );
        return new Response(body, { headers: length === null ? {} : { "content-length": length } });
      };
      const response = (await send(async () => answer(), { bodiless: true })) as Response;
      expect(response.status).toBe(200);
      expect({ cancelled, read }).toEqual({ cancelled: cancels, read: !cancels });
    },
  );

  it("a bodiless 2xx declared empty whose body never ends (a made-up Response) resolves at the timeout, not later", async () => {
    vi.useFakeTimers();
    try {
      const endless = new Response(new ReadableStream(), { headers: { "content-length": "0" } });
      // The caller's fetch ignores the signal; the timeout still ends the wait, and the answer stands.
      const call = send(async () => endless, { bodiless: true, timeoutMs: 5_000 });
      await vi.advanceTimersByTimeAsync(5_000);
      expect(((await call) as Response).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ["declared within the limit", false],
    ["read chunk by chunk (cross-origin)", true],
  ])("keeps an error answer past maxResponseBytes an error answer, read up to the limit (%s)", async (_, cors) => {
    const made = () => {
      const response = new Response("x".repeat(2048), { status: 503, headers: { "content-length": "2" } });
      return cors ? Object.defineProperty(response, "type", { value: "cors" }) : response;
    };
    const response = (await send(async () => made(), {}, { maxResponseBytes: 1024 })) as Response;
    expect(response.status).toBe(503);
    expect(answerText(response)).toBe("x".repeat(1024));
    expect(answerError(response)).toMatchObject({
      name: "BceServiceError",
      status: 503,
      code: "Http503",
      message: expect.stringContaining("with a body larger than 1024 bytes (maxResponseBytes), not read whole"),
    });
  });

  it("reads a cross-origin answer chunk by chunk, whatever its Content-Length says, and stops at maxResponseBytes", async () => {
    // A browser hides a cross-origin answer's Content-Encoding unless it is exposed, and decodes
    // the body past the length it declares: here 64 chunks of 512 bytes.
    let pulls = 0;
    const large = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(512));
        if (pulls === 64) controller.close();
      },
    });
    const cors = Object.defineProperty(new Response(large, { headers: { "content-length": "10" } }), "type", {
      value: "cors",
    });
    const error = await send(async () => cors, {}, { maxResponseBytes: 1024 });
    expect(error).toBeInstanceOf(BceResponseError);
    expect(error).toMatchObject({ problems: ["the answer body is larger than 1024 bytes"] });
    expect(pulls).toBeLessThan(10);
  });

  it.each([
    ["a network error (Response.error())", () => Response.error(), "error", 0],
    [
      "an opaque answer (a no-cors fetch)",
      () => Object.defineProperties(new Response(null), { type: { value: "opaque" }, status: { value: 0 } }),
      "opaque",
      0,
    ],
  ])(
    "resolving with %s ends the call with a BceNetworkError, as fetch's own network errors do",
    async (_, make, type, status) => {
      const error = await send(async () => make());
      expect(error).toBeInstanceOf(BceNetworkError);
      expect(error).toMatchObject({ message: "the request to h failed on the network", requestSent: true });
      expect(String((error as Error).cause)).toBe(
        `TypeError: the fetch option gave a Response of type ${type} with status ${status}`,
      );
    },
  );

  it("is asked not to follow redirects", async () => {
    let redirect: RequestRedirect | undefined;
    await send(async (request) => {
      redirect = request.redirect;
      return new Response("{}");
    });
    expect(redirect).toBe("manual");
  });

  it("that is aborted during a beforeAttempt hook is not called: nothing leaves", async () => {
    const controller = new AbortController();
    let calls = 0;
    const error = await send(
      async () => {
        calls++;
        return new Response("{}");
      },
      { signal: controller.signal },
      { hooks: { beforeAttempt: () => controller.abort() } },
    );
    expect(error).toBeInstanceOf(BceAbortError);
    expect(error).toMatchObject({ message: "the call was aborted" });
    expect(error).not.toHaveProperty("answerStatus");
    expect(calls).toBe(0);
  });

  it("that throws a BceError of its own synchronously: the error is taken as it is, and retried by the same rules", async () => {
    let calls = 0;
    const error = await send(
      () => {
        calls++;
        throw new BceNetworkError("offline", { errorCode: "ECONNREFUSED", requestSent: false });
      },
      {},
      { retry: { maxAttempts: 3, baseDelayMs: 0 } },
    );
    expect(error).toBeInstanceOf(BceNetworkError);
    expect((error as Error).message).toBe("offline");
    expect(calls).toBe(3);
  });

  it.each(["RequestExpired", "RequestTimeTooSkewed"])(
    "that rejects with a BceServiceError %s of its own (no answer, so no Date): the policy decides",
    async (code) => {
      let calls = 0;
      const response = await send(
        async () => {
          if (calls++ === 0) throw new BceServiceError({ status: 400, code, message: "", requestId: "" });
          return new Response("{}");
        },
        {},
        { retry: { maxAttempts: 2, baseDelayMs: 0, shouldRetry: () => true } },
      );
      expect(response).toBeInstanceOf(Response);
      expect(calls).toBe(2);
    },
  );

  it("a clock-skew answer is logged with what answered it: status, code and request id, beside the offset", async () => {
    const serverNow = Date.UTC(2030, 0, 1);
    let calls = 0;
    const warned: unknown[] = [];
    await send(
      async () =>
        calls++ === 0
          ? new Response(JSON.stringify({ code: "RequestTimeTooSkewed", message: "skewed", requestId: "rid-skew" }), {
              status: 403,
              headers: { date: new Date(serverNow).toUTCString() },
            })
          : new Response("{}"),
      {},
      {
        logger: { debug() {}, info() {}, error() {}, warn: (message, data) => void warned.push(message, data) },
        signing: { clock: () => serverNow - 3_600_000 },
      },
    );
    expect(warned).toEqual([
      "the service's clock differs from ours; signing again with its time",
      {
        event: "clockSkewRetry",
        attempt: 1,
        clockOffsetMs: 3_600_000,
        status: 403,
        code: "RequestTimeTooSkewed",
        requestId: "rid-skew",
      },
    ]);
  });

  it("leaves no abort listener on the caller's signal once the call is over, hooks and retries included", async () => {
    const signal = new AbortController().signal;
    const hooks = { beforeAttempt: async () => {}, afterAttempt: async () => {} };
    for (let i = 0; i < 5; i++)
      await send(
        async () => new Response("", { status: 503 }),
        { signal },
        { hooks, retry: { maxAttempts: 4, baseDelayMs: 0 } },
      );
    expect(getEventListeners(signal, "abort")).toEqual([]);
  });

  it("that returns a Response without a promise is taken as it is", async () => {
    const response = await send(() => new Response("{}", { status: 200 }) as unknown as Promise<Response>);
    expect(response).toBeInstanceOf(Response);
    expect(await (response as Response).text()).toBe("{}");
  });

  it.each([
    ["returns nothing", () => undefined, "the fetch option resolved with something that is not a Response"],
    [
      "throws",
      () => {
        throw new RangeError("a bug in the wrapper");
      },
      "the fetch option threw (see cause)",
    ],
    [
      "resolves with a Response whose body was already read",
      async () => {
        const used = new Response("{}");
        await used.text();
        return used;
      },
      "the fetch option resolved with a Response whose body was already read",
    ],
    [
      "resolves with a Response whose body is locked",
      async () => {
        const locked = new Response("{}");
        locked.body!.getReader();
        return locked;
      },
      "the fetch option resolved with a Response whose body was already read",
    ],
  ])("that %s ends the call with a BceError saying so, not retried as a network failure", async (_, fetch, message) => {
    let calls = 0;
    const error = await send(
      ((request: Request) => {
        calls++;
        return (fetch as (r: Request) => unknown)(request);
      }) as TransportOptions["fetch"],
      {},
      { retry: { maxAttempts: 3, baseDelayMs: 0 } },
    );
    expect(error).toBeInstanceOf(BceError);
    expect(error).not.toBeInstanceOf(BceNetworkError);
    expect((error as Error).message).toBe(message);
    expect(calls).toBe(1);
  });

  describe("on fake timers", () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());
    // Neither the answer nor its body ever comes, and the signal is ignored.
    const never = () => new Promise<Response>(() => {});
    const bodyNever = async () => new Response(new ReadableStream({ pull: () => new Promise(() => {}) }));

    it.each([
      ["an answer", never],
      ["a body", bodyNever],
    ])("that ignores the signal and never gives %s: the timeout still ends the call", async (_, fetch) => {
      const done = send(fetch, {}, { timeoutMs: 1000 });
      await vi.advanceTimersByTimeAsync(1000);
      const error = await done;
      expect(error).toBeInstanceOf(BceTimeoutError);
      // The status of an answer whose body did not come whole; none when no answer came.
      if (fetch === never) {
        expect(error).not.toHaveProperty("answerStatus");
        expect(error).toMatchObject({ message: "no complete answer within 1000 ms" });
      } else expect(error).toMatchObject({ answerStatus: 200 });
    });

    // The service had answered: the abort says with what (a 2xx: it acted), as a timeout does; with
    // an afterAttempt hook (one that does nothing) too.
    it.each([
      ["", {}],
      [", with an afterAttempt hook", { hooks: { afterAttempt: () => {} } }],
    ])("the caller's abort while an answer's body comes names the answer's status%s", async (_, options) => {
      const controller = new AbortController();
      let answered = false;
      const done = send(
        async () => {
          answered = true;
          return bodyNever();
        },
        { signal: controller.signal },
        options,
      );
      await vi.advanceTimersByTimeAsync(10);
      expect(answered).toBe(true);
      controller.abort();
      const error = await done;
      expect(error).toBeInstanceOf(BceAbortError);
      expect(error).toMatchObject({
        answerStatus: 200,
        message:
          "the call was aborted (an answer came, but not all of its body; status 200: the service took the call)",
      });
    });

    it("that ignores the signal, after the caller aborted during a beforeAttempt hook: the call still ends", async () => {
      const controller = new AbortController();
      const done = send(never, { signal: controller.signal }, { hooks: { beforeAttempt: () => controller.abort() } });
      await vi.advanceTimersByTimeAsync(10);
      expect(await done).toBeInstanceOf(BceAbortError);
    });

    it.each(["beforeAttempt", "afterAttempt"] as const)(
      "when the %s hook never settles, the caller's abort still ends the call",
      async (name) => {
        const controller = new AbortController();
        let called = false;
        const hang = () => {
          called = true;
          return new Promise<void>(() => {});
        };
        let ended: unknown;
        void send(async () => new Response("{}"), { signal: controller.signal }, { hooks: { [name]: hang } }).then(
          (value) => {
            ended = value;
          },
        );
        await vi.advanceTimersByTimeAsync(10);
        expect(called).toBe(true);
        controller.abort();
        await vi.advanceTimersByTimeAsync(10);
        expect(ended).toBeInstanceOf(BceAbortError);
      },
    );

    it.each(["beforeAttempt", "afterAttempt"] as const)(
      "when the %s hook never settles, the call's timeout ends the call with a BceError naming it",
      async (name) => {
        let ended: unknown;
        void send(
          async () => new Response("{}"),
          {},
          { timeoutMs: 1000, hooks: { [name]: () => new Promise(() => {}) } },
        ).then((value) => {
          ended = value;
        });
        await vi.advanceTimersByTimeAsync(999);
        expect(ended).toBeUndefined();
        await vi.advanceTimersByTimeAsync(1);
        expect(ended).toBeInstanceOf(BceError);
        expect(ended).not.toBeInstanceOf(BceAbortError);
        // The afterAttempt hook runs after the answer: the error says the service answered.
        const after = name === "afterAttempt" ? "the service answered 200, but " : "";
        expect((ended as Error).message).toBe(`${after}the ${name} hook gave no answer within 1000 ms`);
      },
    );

    it.each([
      ["an answer", never],
      ["a body", bodyNever],
    ])("that ignores the signal and never gives %s: the caller's abort still ends the call", async (_, fetch) => {
      const controller = new AbortController();
      const done = send(fetch, { signal: controller.signal });
      await vi.advanceTimersByTimeAsync(10);
      controller.abort();
      expect(await done).toBeInstanceOf(BceAbortError);
    });
  });
});

describe("signing options", () => {
  it.each([
    ["signing", 5],
    ["signing", null],
    ["signing.expirationInSeconds", { expirationInSeconds: -1 }],
    ["signing.expirationInSeconds", { expirationInSeconds: 1.5 }],
    ["signing.expirationInSeconds", { expirationInSeconds: "1800" }],
    ["signing.clock", { clock: "now" }],
    ["signing.headersToSign", { headersToSign: "host" }],
    ["signing.headersToSign", { headersToSign: ["host", 5] }],
  ])("%s: %o is refused when the transport is made", (field, signing) => {
    expect(() => new Transport({ signing } as unknown as TransportOptions)).toThrow(
      expect.objectContaining({ name: "BceValidationError", field }),
    );
  });

  it.each([
    ["NaN", () => Number.NaN],
    ["a string", () => "1767225600000"],
    ["a Date", () => new Date()],
    ["a time before 1970", () => -1],
    ["a time past the year 9999", () => 8.64e15],
  ])("a clock that returns %s ends the call with a BceValidationError naming it, nothing sent", async (_, clock) => {
    let sent = 0;
    const transport = new Transport({
      fetch: async () => {
        sent++;
        return new Response("{}");
      },
      signing: { clock: clock as () => number },
    });
    const error = await transport
      .send(new Request("http://h/x"), { credentials, idempotent: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: "signing.clock" });
    expect(sent).toBe(0);
  });
});

describe("a clock that throws", () => {
  const broken = new Error("clock broke");
  const expected = expect.objectContaining({
    name: "BceValidationError",
    field: "signing.clock",
    message: "signing.clock: threw (see cause)",
    cause: broken,
  });

  it("when the request is signed: a BceValidationError naming it, nothing sent", async () => {
    let sent = 0;
    const transport = new Transport({
      fetch: async () => {
        sent++;
        return new Response("{}");
      },
      signing: {
        clock: () => {
          throw broken;
        },
      },
    });
    const error = await transport.send(new Request("http://h/x"), { credentials, idempotent: true }).catch((e) => e);
    expect(error).toEqual(expected);
    expect(sent).toBe(0);
  });

  it("when a RequestTimeTooSkewed answer is judged against it: the same error, not the clock's own", async () => {
    let reads = 0;
    const transport = new Transport({
      fetch: async () =>
        new Response(JSON.stringify({ code: "RequestTimeTooSkewed", message: "skewed", requestId: "r" }), {
          status: 400,
          headers: { date: new Date(Date.now() + 3_600_000).toUTCString() },
        }),
      signing: {
        clock: () => {
          if (reads++ > 0) throw broken;
          return Date.now();
        },
      },
    });
    const error = await transport.send(new Request("http://h/x"), { credentials, idempotent: true }).catch((e) => e);
    expect(error).toEqual(expected);
  });
});

describe("retry options are checked like timeoutMs", () => {
  const bad: [string, Record<string, unknown>][] = [
    ["retry.maxAttempts", { retry: { maxAttempts: NaN } }],
    ["retry.maxAttempts", { retry: { maxAttempts: -1 } }],
    ["retry.maxAttempts", { retry: { maxAttempts: 0 } }],
    ["retry.maxAttempts", { retry: { maxAttempts: 2.5 } }],
    ["retry.maxAttempts", { retry: { maxAttempts: Infinity } }],
    ["retry.maxAttempts", { retry: { maxAttempts: "3" } }],
    ["retry.baseDelayMs", { retry: { baseDelayMs: NaN } }],
    ["retry.baseDelayMs", { retry: { baseDelayMs: -5 } }],
    ["retry.maxDelayMs", { retry: { maxDelayMs: NaN } }],
    ["retry.maxDelayMs", { retry: { maxDelayMs: Infinity } }],
    ["retry.shouldRetry", { retry: { shouldRetry: "yes" } }],
    ["retry", { retry: 3 }],
    ["timeoutMs", { timeoutMs: NaN }],
    ["timeoutMs", { timeoutMs: 0 }],
    ["timeoutMs", { timeoutMs: 2 ** 31 }], // a timer that long would fire at once
  ];

  it.each(bad)("%s: %o is refused when the transport is made", (field, options) => {
    expect(() => new Transport(options as TransportOptions)).toThrow(
      expect.objectContaining({ name: "BceValidationError", field }),
    );
  });

  it.each(bad)("%s: %o is refused per call, before anything is sent", async (field, options) => {
    let sent = 0;
    const transport = new Transport({
      fetch: async () => {
        sent++;
        return new Response("{}");
      },
    });
    const error = await transport
      .send(new Request("http://h/x"), { credentials, idempotent: true, ...(options as object) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field });
    expect(sent).toBe(0);
  });

  it("maxAttempts 1 sends once; no delay is ever NaN", async () => {
    const { seen, fetch } = fakeFetch([503]);
    const stats = { attempts: 0, totalRetryDelay: 0 };
    await new Transport({ fetch, retry: { maxAttempts: 1 } }).send(new Request("http://h/x"), {
      credentials,
      idempotent: true,
      stats,
    });
    expect(seen).toHaveLength(1);
    expect(stats).toEqual({
      attempts: 1,
      totalRetryDelay: 0,
      answer: expect.any(Response),
      secretForms: expect.any(Function),
      toldEarlier: expect.any(Function),
    });
  });
});

describe("504", () => {
  it("is retried for an idempotent call, not for another", async () => {
    const idempotent = fakeFetch([504, 200]);
    await new Transport({ fetch: idempotent.fetch, retry: { baseDelayMs: 0 } }).send(new Request("http://h/x"), {
      credentials,
      idempotent: true,
    });
    expect(idempotent.seen).toHaveLength(2);
    const unsafe = fakeFetch([504, 200]);
    const answer = await new Transport({ fetch: unsafe.fetch, retry: { baseDelayMs: 0 } }).send(
      new Request("http://h/x"),
      { credentials, idempotent: false },
    );
    expect(answer.status).toBe(504);
    expect(unsafe.seen).toHaveLength(1);
  });
});

describe("Retry-After, backoff and stats, on fake timers", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 1));
  });
  afterEach(() => vi.useRealTimers());

  function answering(first: Response) {
    const at: number[] = [];
    const fetch = async () => {
      at.push(Date.now());
      return at.length === 1 ? first : new Response("{}", { status: 200 });
    };
    return { at, fetch };
  }

  it.each([
    ["seconds", "5", 5000],
    ["an HTTP date", new Date(Date.UTC(2026, 0, 1, 0, 0, 3)).toUTCString(), 3000],
  ])("a Retry-After in %s is waited for, not the shorter backoff", async (_, header, wait) => {
    const { at, fetch } = answering(new Response("", { status: 503, headers: { "retry-after": header } }));
    const stats = { attempts: 0, totalRetryDelay: 0 };
    const transport = new Transport({ fetch, retry: { baseDelayMs: 10, maxDelayMs: 20_000 }, random: () => 0 });
    const done = transport.send(new Request("http://h/x"), { credentials, idempotent: true, stats });
    await vi.advanceTimersByTimeAsync(wait - 1);
    expect(at).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await done).status).toBe(200);
    expect(at[1]! - at[0]!).toBe(wait);
    expect(stats).toEqual({
      attempts: 2,
      totalRetryDelay: wait,
      answer: expect.any(Response),
      secretForms: expect.any(Function),
    });
  });

  it("a wait the caller's abort cuts short counts in totalRetryDelay as far as it went", async () => {
    const { at, fetch } = answering(new Response("", { status: 503, headers: { "retry-after": "5" } }));
    const stats = { attempts: 0, totalRetryDelay: 0 };
    const controller = new AbortController();
    const transport = new Transport({ fetch, retry: { baseDelayMs: 10 }, random: () => 0 });
    const done = transport
      .send(new Request("http://h/x"), { credentials, idempotent: true, stats, signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(300);
    controller.abort();
    expect(await done).toBeInstanceOf(BceAbortError);
    expect(at).toHaveLength(1);
    expect(stats.totalRetryDelay).toBe(300);
  });

  it("a Retry-After beyond maxDelayMs waits the cap", async () => {
    const { at, fetch } = answering(new Response("", { status: 429, headers: { "retry-after": "120" } }));
    const transport = new Transport({ fetch, retry: { baseDelayMs: 10, maxDelayMs: 8000 }, random: () => 0 });
    const done = transport.send(new Request("http://h/x"), { credentials, idempotent: false });
    await vi.advanceTimersByTimeAsync(8000);
    expect((await done).status).toBe(200);
    expect(at[1]! - at[0]!).toBe(8000);
  });

  it("an unreadable Retry-After leaves the backoff as it is", async () => {
    const { at, fetch } = answering(new Response("", { status: 503, headers: { "retry-after": "soon" } }));
    const transport = new Transport({ fetch, retry: { baseDelayMs: 400 }, random: () => 0 });
    const done = transport.send(new Request("http://h/x"), { credentials, idempotent: true });
    await vi.advanceTimersByTimeAsync(200);
    expect((await done).status).toBe(200);
    expect(at[1]! - at[0]!).toBe(200); // equal jitter with random 0: half the 400 ms step
  });

  it("when the timeout and the caller's abort have both fired, the abort wins", async () => {
    let calls = 0;
    const fetch = (request: Request) =>
      new Promise<Response>((_, reject) => {
        calls++;
        request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    const controller = new AbortController();
    const transport = new Transport({ fetch, timeoutMs: 100 });
    const done = transport
      .send(new Request("http://h/x"), { credentials, idempotent: true, signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    vi.advanceTimersByTime(100); // the attempt's timeout fires...
    controller.abort(new Error("caller")); // ...and, before the fetch's rejection is handled, the caller aborts
    const error = await done;
    expect(error).toBeInstanceOf(BceAbortError);
    expect(calls).toBe(1);
  });
});

describe("the logger and the hooks", () => {
  it("the logger hears each retry decision; nothing it hears holds a key or a signature", async () => {
    const lines: unknown[][] = [];
    const logger = toLogger({
      info: (...args) => lines.push(["info", ...args]),
      debug: (...args) => lines.push(["debug", ...args]),
    });
    const { fetch } = fakeFetch([503, 500, 400]);
    await new Transport({ fetch, logger, retry: { baseDelayMs: 0 } }).send(new Request("http://h/x?clientToken=t"), {
      credentials,
      idempotent: true,
    });
    expect(lines.map((l) => `${l[0]} ${l[1]}`)).toEqual(["info retrying", "info retrying", "debug not retried"]);
    expect(lines.map((l) => (l[2] as { event: string }).event)).toEqual(["retrying", "retrying", "notRetried"]);
    expect(lines[0]![2]).toMatchObject({
      attempt: 1,
      method: "GET",
      path: "/x",
      status: 503,
      idempotent: true,
      delayMs: 0,
    });
    expect(JSON.stringify(lines)).not.toMatch(/sk-0123456789abcdef|bce-auth-v1|clientToken/);
  });

  it("is silent by default, and a logger that throws does not break the call", async () => {
    expect(toLogger(undefined)).toBe(silentLogger);
    const spies = (["log", "debug", "info", "warn", "error"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => {}),
    );
    try {
      const { fetch, seen } = fakeFetch([503, 200]);
      await new Transport({ fetch, retry: { baseDelayMs: 0 } }).send(new Request("http://h/x"), {
        credentials,
        idempotent: true,
      });
      const throwing = toLogger({
        info: () => {
          throw new Error("logger down");
        },
      });
      await new Transport({ fetch, logger: throwing, retry: { baseDelayMs: 0 } }).send(new Request("http://h/x"), {
        credentials,
        idempotent: true,
      });
      expect(seen.length).toBeGreaterThanOrEqual(3);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  // An async logger (one that ships its lines somewhere) that rejected left an unhandled rejection,
  // which ends a Node process: the call it reported on had gone well.
  it("an async logger that rejects does not break the call, nor leave an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const { fetch } = fakeFetch([503, 200]);
      const logger = toLogger({ info: () => Promise.reject(new Error("log shipper down")) });
      const response = await new Transport({ fetch, logger, retry: { baseDelayMs: 0 } }).send(
        new Request("http://h/x"),
        { credentials, idempotent: true },
      );
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it.each([
    ["a Request (what a middleware's call sends)", () => new Request("http://h/x", { method: "PUT", body: '{"a":1}' })],
    [
      "the plain parts of a client method's call",
      () => new PlainRequest("http://h/x", { method: "PUT", headers: new Headers(), body: '{"a":1}' }),
    ],
  ])("hooks are shown %s with its body unread, every attempt, though each hook reads it", async (_, make) => {
    const { fetch, seen } = fakeFetch([502, 200]);
    const bodies: string[] = [];
    const hooks: AttemptHooks = {
      beforeAttempt: async ({ request }) => void bodies.push(`before ${request.bodyUsed} ${await request.text()}`),
      afterAttempt: async ({ request }) => void bodies.push(`after ${request.bodyUsed} ${await request.text()}`),
    };
    await new Transport({ fetch, hooks, retry: { baseDelayMs: 0 } }).send(make(), { credentials, idempotent: true });
    expect(bodies).toEqual([
      'before false {"a":1}',
      'after false {"a":1}',
      'before false {"a":1}',
      'after false {"a":1}',
    ]);
    expect(seen.map((attempt) => attempt.body)).toEqual(['{"a":1}', '{"a":1}']);
  });

  it.each([
    ["with hooks", { afterAttempt: () => {} }],
    ["without hooks", undefined],
  ])("a Request whose body a middleware has read ends the call with a BceError saying so, %s", async (_, hooks) => {
    const { fetch, seen } = fakeFetch([200]);
    const request = new Request("http://h/x", { method: "PUT", body: "{}" });
    await request.text();
    const error = await new Transport({ fetch, ...(hooks && { hooks }) })
      .send(request, { credentials, idempotent: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceError);
    expect(error).toMatchObject({ message: "the request body could not be read (was it read by a middleware?)" });
    expect(seen).toHaveLength(0);
  });

  it("hooks see every attempt with the unsigned request; one that throws ends the call with a BceError carrying its error", async () => {
    const { fetch } = fakeFetch([502, 200]);
    const seen: string[] = [];
    const hooks: AttemptHooks = {
      beforeAttempt: ({ attempt, request }) =>
        void seen.push(`before ${attempt} ${request.headers.has("authorization")}`),
      afterAttempt: ({ attempt, response, error }) =>
        void seen.push(`after ${attempt} ${response?.status} ${error?.name}`),
    };
    const sessionCredentials = { ...credentials, sessionToken: "token-must-not-show" };
    await new Transport({ fetch, hooks, retry: { baseDelayMs: 0 } }).send(new Request("http://h/x"), {
      credentials: sessionCredentials,
      idempotent: true,
    });
    expect(seen).toEqual(["before 1 false", "after 1 502 BceServiceError", "before 2 false", "after 2 200 undefined"]);

    const cause = new Error("hook failed");
    const failing = new Transport({ fetch, hooks: { beforeAttempt: () => Promise.reject(cause) } });
    const error = await failing
      .send(new Request("http://h/x"), { credentials, idempotent: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceError);
    expect((error as BceError).cause).toBe(cause);
  });

  it("afterAttempt is told how long the attempt took, from sending to the answer read or the failure, not the hook's wait", async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const fetch = (_: unknown, init?: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          calls++;
          if (calls === 1) setTimeout(() => resolve(new Response("", { status: 503 })), 250);
          // The second attempt runs until its timeout (400 ms) aborts it.
          else init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
        });
      const durations: number[] = [];
      const hooks: AttemptHooks = {
        beforeAttempt: () => new Promise((resolve) => setTimeout(resolve, 100)),
        afterAttempt: ({ durationMs }) => void durations.push(durationMs),
      };
      const done = new Transport({ fetch, hooks, timeoutMs: 400, retry: { maxAttempts: 2, baseDelayMs: 0 } })
        .send(new Request("http://h/x"), { credentials, idempotent: true })
        .catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(5000);
      expect(await done).toBeInstanceOf(BceTimeoutError);
      expect(durations).toEqual([250, 400]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("hooks are told the call's operation, and a call without one (raw) has no such key", async () => {
    const seen: unknown[] = [];
    const hooks: AttemptHooks = {
      beforeAttempt: (info) => void seen.push(["before", "operation" in info, info.operation]),
      afterAttempt: (outcome) => void seen.push(["after", "operation" in outcome, outcome.operation]),
    };
    const transport = new Transport({ fetch: fakeFetch([200, 200]).fetch, hooks });
    await transport.send(new Request("http://h/x"), { credentials, idempotent: true, operation: "makeThing" });
    await transport.send(new Request("http://h/x"), { credentials, idempotent: true });
    expect(seen).toEqual([
      ["before", true, "makeThing"],
      ["after", true, "makeThing"],
      ["before", false, undefined],
      ["after", false, undefined],
    ]);
  });

  it("an attempt a beforeAttempt hook ends is not counted: it was never sent", async () => {
    let sent = 0;
    const fetch = async () => {
      sent++;
      return new Response("{}", { status: 503 });
    };
    const hooks = {
      beforeAttempt: ({ attempt }: { attempt: number }) => {
        if (attempt === 2) throw new Error("hook failed");
      },
    };
    const stats = { attempts: 0, totalRetryDelay: 0 };
    await new Transport({ fetch, hooks, retry: { baseDelayMs: 0 } })
      .send(new Request("http://h/x"), { credentials, idempotent: true, stats })
      .catch(() => {});
    expect([sent, stats.attempts]).toEqual([1, 1]);
  });

  it("an abort during an attempt reads the same with an afterAttempt hook as without one", async () => {
    const messages: string[] = [];
    for (const hooks of [undefined, { afterAttempt: () => {} }]) {
      const controller = new AbortController();
      const fetch = (request: Request) =>
        new Promise<Response>((_, reject) => {
          request.signal.addEventListener("abort", () => reject(request.signal.reason));
          controller.abort();
        });
      const error = await new Transport({ fetch, hooks })
        .send(new Request("http://h/x"), { credentials, idempotent: true, signal: controller.signal })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceAbortError);
      messages.push((error as Error).message);
    }
    expect(messages).toEqual(["the call was aborted", "the call was aborted"]);
  });

  it.each([
    [200, "the service answered 200 (request id r-200), but the afterAttempt hook threw (see cause)"],
    [403, "the service answered 403 (request id r-403), but the afterAttempt hook threw (see cause)"],
  ])(
    "an afterAttempt hook that throws after a %i says the service answered, and which request",
    async (status, message) => {
      const cause = new Error("hook failed");
      let calls = 0;
      const fetch = async () => {
        calls++;
        return new Response("{}", { status, headers: { "x-bce-request-id": `r-${status}` } });
      };
      const error = await new Transport({ fetch, hooks: { afterAttempt: () => Promise.reject(cause) } })
        .send(new Request("http://h/x", { method: "PUT" }), { credentials, idempotent: false })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceError);
      expect(error).toMatchObject({ message, cause });
      expect(calls).toBe(1);
    },
  );

  it("an afterAttempt hook that throws after a network failure says the attempt failed, and how", async () => {
    const cause = new Error("hook failed");
    const fetch = () => Promise.reject(new TypeError("fetch failed"));
    const error = await new Transport({ fetch, hooks: { afterAttempt: () => Promise.reject(cause) } })
      .send(new Request("http://h/x"), { credentials, idempotent: false })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      message:
        "the attempt failed (the request to h failed on the network), but the afterAttempt hook threw (see cause)",
      cause,
    });
  });

  it("an abort while the afterAttempt hook runs after a 2xx still says the service answered", async () => {
    const controller = new AbortController();
    const fetch = async () => new Response("{}", { headers: { "x-bce-request-id": "r-1" } });
    const afterAttempt = () => {
      controller.abort(new Error("stop"));
      return new Promise<void>(() => {});
    };
    const error = await new Transport({ fetch, hooks: { afterAttempt } })
      .send(new Request("http://h/x", { method: "PUT" }), { credentials, idempotent: false, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceAbortError);
    expect(error).toMatchObject({
      message: "the service answered 200 (request id r-1), but the call was aborted",
      answerStatus: 200,
    });
  });

  it("a call's stats keep the answer the transport handed back", async () => {
    const { fetch } = fakeFetch([502, 200]);
    const stats: CallContext["stats"] = { attempts: 0, totalRetryDelay: 0 };
    const response = await new Transport({ fetch, retry: { baseDelayMs: 0 } }).send(new Request("http://h/x"), {
      credentials,
      idempotent: true,
      stats,
    });
    expect(stats).toMatchObject({ attempts: 2, answer: response });
    expect(stats.answer?.status).toBe(200);
  });

  it("a shouldRetry that throws ends the call with a BceError carrying its error", async () => {
    const { fetch } = fakeFetch([503]);
    const cause = new Error("policy bug");
    const transport = new Transport({
      fetch,
      retry: {
        shouldRetry: () => {
          throw cause;
        },
      },
    });
    const error = await transport
      .send(new Request("http://h/x"), { credentials, idempotent: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceError);
    expect((error as BceError).cause).toBe(cause);
  });
});

describe("an async shouldRetry (a policy that looks something up)", () => {
  // Its Promise was compared with true: never a retry, and a rejection nobody handled, which ends
  // a Node process.
  it("that resolves true is followed: the call is retried", async () => {
    const { fetch, seen } = fakeFetch([503, 200]);
    const transport = new Transport({ fetch, retry: { baseDelayMs: 0, shouldRetry: async () => true } });
    const response = await transport.send(new Request("http://h/x"), { credentials, idempotent: false });
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(2);
  });

  it("that rejects ends the call with a BceError carrying its error, and leaves no unhandled rejection", async () => {
    const { fetch } = fakeFetch([503]);
    const cause = new Error("policy lookup failed");
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const transport = new Transport({
        fetch,
        retry: { baseDelayMs: 0, shouldRetry: () => Promise.reject(cause) },
      });
      const error = await transport
        .send(new Request("http://h/x"), { credentials, idempotent: true })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceError);
      // After an attempt the service answered 503: it may have acted.
      expect(error).toMatchObject({
        message:
          "retry.shouldRetry threw (see cause); an attempt of the call was sent, and the service may have acted on it",
        cause,
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });
});

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates, and nothing else", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs(new Date(now + 2500).toUTCString(), now)).toBe(2000); // HTTP dates have whole seconds
    expect(retryAfterMs(new Date(now - 5000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs("-1", now)).toBeUndefined();
    expect(retryAfterMs("1.5", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
    // Dates that are not IMF-fixdate, or whose year Date.parse would read as another.
    for (const text of [
      "Sat, 01 Jan 0000 00:00:00 GMT",
      "Thu, 01 Jan 26 00:00:00 GMT",
      "Thursday, 01-Jan-26 00:00:00 GMT",
      "Thu, 1 Jan 2026 00:00:00 GMT",
    ])
      expect(retryAfterMs(text, now), text).toBeUndefined();
  });
});
