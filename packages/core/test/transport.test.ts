// The transport's pure parts (backoff, the default retry decision) and its attempt loop with a
// fake fetch. Client-level fault injection over real sockets is in tests/contract/test/faults.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  BceNetworkError,
  BceServiceError,
  BceTimeoutError,
  isSafeToRetry,
  Transport,
  type RetryContext,
} from "../src/internal/index.js";

const credentials = { accessKeyId: "ak", secretAccessKey: "sk-0123456789abcdef" };

describe("backoffDelay", () => {
  it("doubles from the base, is capped, and jitters within [half, full] of the step", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseDelayMs, maxDelayMs, r) => {
          const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
          const delay = backoffDelay(retry, { baseDelayMs, maxDelayMs }, () => r);
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
  });
});

describe("isSafeToRetry", () => {
  const service = (status: number, code: string) => new BceServiceError({ status, code, message: "", requestId: "" });
  const network = (requestSent: boolean) => new BceNetworkError("x", { errorCode: requestSent ? "ECONNRESET" : "ECONNREFUSED", requestSent });
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
});

describe("Transport", () => {
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
  let t = Date.UTC(2026, 0, 1);
  const clock = () => (t += 1000);

  it("sends the same bytes on every attempt, signed afresh each time", async () => {
    const { seen, fetch } = fakeFetch([503, 502, 200]);
    const transport = new Transport({ fetch, signing: { clock }, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const request = new Request("http://h/x", { method: "PUT", body: '{"a":1}', headers: { "content-type": "application/json" } });
    const answer = await transport.send(request, { credentials, idempotent: true });
    expect(answer.status).toBe(200);
    expect(seen.map((s) => s.body)).toEqual(['{"a":1}', '{"a":1}', '{"a":1}']);
    expect(new Set(seen.map((s) => s.date)).size).toBe(3);
    expect(new Set(seen.map((s) => s.auth)).size).toBe(3);
  });

  it("gives back the last error answer when the policy stops, without throwing", async () => {
    const { seen, fetch } = fakeFetch([500]);
    const transport = new Transport({ fetch, signing: { clock }, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const answer = await transport.send(new Request("http://h/x", { method: "PUT", body: "{}" }), { credentials, idempotent: false });
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
  ])("undici's fetch failed with cause %s: requestSent %s, %i attempts for a non-idempotent call", async (code, requestSent, attempts) => {
    let calls = 0;
    const transport = new Transport({
      fetch: async () => {
        calls++;
        throw new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
      },
      signing: { clock },
      retry: { baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 2 },
    });
    const error = await transport.send(new Request("http://h/x"), { credentials, idempotent: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceNetworkError);
    expect(error).toMatchObject({ errorCode: code, requestSent });
    expect(calls).toBe(attempts);
  });
});
