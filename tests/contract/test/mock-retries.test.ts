// Both clients against each fault script the mock can play, through their public API only
// (endpoint, credentials, retry, fetch, timeoutMs); attempts are observed in the mock's journal,
// what took effect in its action counts. BEC reinstall carries one clientToken for every attempt,
// so it is retried on 500/502/503, dropped connections and timeouts, and a repeat after a cut-off
// answer is recognised by the mock; BCC rebuild has no token and is not retried after the service
// may have acted. Both retry RequestExpired and throttling, and correct their clock on
// RequestTimeTooSkewed, or on RequestExpired when the mock's Date is far from their clock.
import { BceNetworkError, BceServiceError, BceTimeoutError } from "@bce-openapi/core";
import { createBccClient } from "@bce-openapi/bcc";
import { createBecClient } from "@bce-openapi/bec";
import { DEFAULT_CREDENTIALS, startMock, type FaultStep, type JournalEntry, type MockServer } from "@bce-openapi/mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { examples } from "./helpers.js";

// Retries without waiting: the backoff is not what is tested here.
const retry = { baseDelayMs: 1, maxDelayMs: 2 };
const BEC_BODY = examples.becRequest as Parameters<ReturnType<typeof createBecClient>["reinstallVmInstance"]>[1];
const BCC_BODY = { imageId: "m-mRjO3cjs", adminPass: "1qaz@WSX" };

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

const bec = (options: Partial<Parameters<typeof createBecClient>[0]> = {}) =>
  createBecClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS, retry, ...options });
const bcc = (options: Partial<Parameters<typeof createBccClient>[0]> = {}) =>
  createBccClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS, retry, ...options });
const reinstall = (options?: Parameters<typeof bec>[0]) => bec(options).reinstallVmInstance("vm-6ahy6dli", BEC_BODY);
const rebuild = (options?: Parameters<typeof bcc>[0]) => bcc(options).rebuildInstance("i-YufwpQAe", BCC_BODY);

const outcome = (call: Promise<unknown>) =>
  call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
const statuses = (entries: JournalEntry[]) => entries.map((e) => e.answer?.code ?? e.answer?.status);
const tokens = (entries: JournalEntry[]) =>
  new Set(entries.map((e) => new URLSearchParams(e.query).get("clientToken")));

/** The attempts the mock saw: all signed validly; for BEC, all with one clientToken. */
function attempts(operation: "reinstallVmInstance" | "rebuildInstance"): JournalEntry[] {
  const entries = mock.journal.entries();
  for (const entry of entries) {
    expect(entry.operationId).toBe(operation);
    expect(entry.signature).toBe("verified");
  }
  if (operation === "reinstallVmInstance") {
    expect(tokens(entries).size).toBe(1);
    expect([...tokens(entries)][0]).toMatch(/^[\x21-\x7e]{1,64}$/);
  }
  return entries;
}

function script(operation: string, steps: FaultStep[]) {
  mock.faults.enqueue(operation, steps);
}

describe.each([
  ["503, 503, then 200", [{ status: 503 }, { status: 503 }], ["ServiceUnavailable", "ServiceUnavailable", 200]],
  ["500, then 200", [{ status: 500 }], ["InternalError", 200]],
  ["502, then 200", [{ status: 502 }], ["BadGateway", 200]],
] as const)("%s", (_, steps, becSeen) => {
  it("BEC retries with the same clientToken and reinstalls once", async () => {
    script("reinstallVmInstance", [...steps, {}]);
    const result = await reinstall();
    expect(result).toMatchObject({ result: true, action: "reinstall" });
    expect(statuses(attempts("reinstallVmInstance"))).toEqual(becSeen);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  });

  it("BCC does not retry: the service may have acted", async () => {
    script("rebuildInstance", [...steps, {}]);
    const { error } = (await outcome(rebuild())) as { error: BceServiceError };
    expect(error).toBeInstanceOf(BceServiceError);
    expect(error.status).toBe(steps[0].status);
    expect(error.requestId).toBe(mock.journal.entries()[0]!.requestId);
    expect(statuses(attempts("rebuildInstance"))).toEqual([becSeen[0]]);
    expect(mock.actions()).toEqual({});
  });
});

describe("RequestExpired and throttling: the service did not act, so both retry", () => {
  it.each([
    ["RequestExpired", { status: 400, code: "RequestExpired" }],
    ["TooManyRequests", { status: 429 }],
  ] as const)("%s, then 200", async (code, step) => {
    script("reinstallVmInstance", [step, {}]);
    script("rebuildInstance", [step, {}]);
    await reinstall();
    await rebuild();
    const entries = mock.journal.entries();
    expect(entries.map((e) => [e.operationId, e.answer?.code ?? e.answer?.status])).toEqual([
      ["reinstallVmInstance", code],
      ["reinstallVmInstance", 200],
      ["rebuildInstance", code],
      ["rebuildInstance", 200],
    ]);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1, rebuildInstance: 1 });
  });
});

describe("a dropped connection (no answer; the request did not take effect)", () => {
  it("BEC retries and reinstalls once", async () => {
    script("reinstallVmInstance", [{ drop: true }, {}]);
    await reinstall();
    expect(statuses(attempts("reinstallVmInstance"))).toEqual([0, 200]);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  });

  it("BCC reports a network error after one attempt: it cannot know whether the service acted", async () => {
    script("rebuildInstance", [{ drop: true }, {}]);
    const { error } = (await outcome(rebuild())) as { error: BceNetworkError };
    expect(error).toBeInstanceOf(BceNetworkError);
    expect(error.requestSent).toBe(true);
    expect(statuses(attempts("rebuildInstance"))).toEqual([0]);
  });
});

describe("a truncated answer (the request took effect, the answer was cut off)", () => {
  it("BEC retries with the same token; the mock answers as the first time and counts one reinstall", async () => {
    script("reinstallVmInstance", [{ truncate: true }]);
    const result = await reinstall();
    expect(result).toMatchObject({ result: true });
    const entries = attempts("reinstallVmInstance");
    expect(entries.map((e) => [e.fault, e.idempotency, e.answer?.status])).toEqual([
      ["truncate", "first", 200],
      [undefined, "replay", 200],
    ]);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  });

  it("BCC resolves: the 200 says the rebuild is done, and the spec gives it no body to read", async () => {
    script("rebuildInstance", [{ truncate: true }]);
    await expect(rebuild()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200, attempts: 1 } });
    expect(attempts("rebuildInstance")).toHaveLength(1);
    expect(mock.actions()).toEqual({ rebuildInstance: 1 });
  });
});

describe("a call that failed after the service may have acted, repeated by the caller", () => {
  it("BEC with the caller's own clientToken: the repeat is a replay, and the mock reinstalls once", async () => {
    // Every attempt the client may make is cut off: the call fails, though the reinstall happened.
    script("reinstallVmInstance", [{ truncate: true }, { truncate: true }]);
    const clientToken = "my-reinstall-1";
    const options = { clientToken };
    const client = bec({ retry: { ...retry, maxAttempts: 2 } });
    const { error } = (await outcome(client.reinstallVmInstance("vm-6ahy6dli", BEC_BODY, options))) as {
      error: BceNetworkError;
    };
    expect(error).toBeInstanceOf(BceNetworkError);
    await expect(client.reinstallVmInstance("vm-6ahy6dli", BEC_BODY, options)).resolves.toMatchObject({ result: true });
    const entries = attempts("reinstallVmInstance");
    expect([...tokens(entries)]).toEqual([clientToken]);
    expect(entries.map((e) => e.idempotency)).toEqual(["first", "replay", "replay"]);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  });

  it("BEC with the token the failed call carried ($metadata.clientToken): the repeat is a replay, and the mock reinstalls once", async () => {
    script("reinstallVmInstance", [{ truncate: true }, { truncate: true }]);
    const client = bec({ retry: { ...retry, maxAttempts: 2 } });
    const { error } = (await outcome(client.reinstallVmInstance("vm-6ahy6dli", BEC_BODY))) as {
      error: BceNetworkError;
    };
    expect(error).toBeInstanceOf(BceNetworkError);
    const [sent] = tokens(mock.journal.entries());
    expect(error.$metadata).toEqual({ attempts: 2, totalRetryDelay: expect.any(Number), clientToken: sent });
    const repeated = await client.reinstallVmInstance("vm-6ahy6dli", BEC_BODY, {
      clientToken: error.$metadata!.clientToken!,
    });
    expect(repeated).toMatchObject({ result: true, $metadata: { clientToken: sent } });
    const entries = attempts("reinstallVmInstance");
    expect(entries.map((e) => e.idempotency)).toEqual(["first", "replay", "replay"]);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  });
});

describe("a service gone after an attempt it acted on", () => {
  // The first attempt's answer is cut off after its 200 head (the reinstall happened); the mock then
  // stops, so the retry's connection is refused. The error must not say that nothing was sent.
  it("BEC's error says requestSent, and the 2xx the first attempt had, though the last connection was refused", async () => {
    const gone = await startMock();
    try {
      gone.faults.enqueue("reinstallVmInstance", [{ truncate: true }]);
      const client = createBecClient({
        endpoint: gone.url,
        credentials: DEFAULT_CREDENTIALS,
        retry: { baseDelayMs: 100, maxDelayMs: 100, maxAttempts: 2 },
        logger: {
          info: (_: string, data?: object) => {
            if ((data as { event?: string } | undefined)?.event === "retrying") void gone.close();
          },
        },
      });
      const { error } = (await outcome(client.reinstallVmInstance("vm-6ahy6dli", BEC_BODY))) as {
        error: BceNetworkError;
      };
      expect(error).toBeInstanceOf(BceNetworkError);
      expect(error).toMatchObject({ errorCode: "ECONNREFUSED", requestSent: true, answerStatus: 200 });
      expect(error.message).toMatch(
        /\(ECONNREFUSED\); attempt 1's answer came \(status 200: the service took the call\), but not all of its body$/,
      );
      expect(error.$metadata).toMatchObject({ attempts: 2 });
      expect(gone.actions()).toEqual({ reinstallVmInstance: 1 });
    } finally {
      await gone.close();
    }
  });
});

describe("a slow answer", () => {
  it("within the timeout: both wait for it, one attempt each", async () => {
    script("reinstallVmInstance", [{ delayMs: 50 }]);
    script("rebuildInstance", [{ delayMs: 50 }]);
    await reinstall();
    await rebuild();
    expect(mock.journal.entries().map((e) => e.fault)).toEqual(["delay 50 ms", "delay 50 ms"]);
  });

  // A hanging answer never comes, so the attempt's timeout always fires first; the timeout is a
  // real-clock bound (the clients' public options have no clock) and is generous so that the
  // next attempt, a normal answer, fits in it on a busy machine.
  const timeoutMs = 3000;

  it("that never comes: BEC times out, retries with the same token, and succeeds", async () => {
    script("reinstallVmInstance", [{ hang: true }, {}]);
    await reinstall({ timeoutMs });
    await mock.journal.waitFor(2); // the hung attempt is noted when its connection closes
    expect(statuses(attempts("reinstallVmInstance"))).toEqual([0, 200]);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  });

  it("that never comes: BCC times out once and does not retry", async () => {
    script("rebuildInstance", [{ hang: true }, {}]);
    const { error } = (await outcome(rebuild({ timeoutMs }))) as { error: BceTimeoutError };
    expect(error).toBeInstanceOf(BceTimeoutError);
    expect(statuses(await mock.journal.waitFor(1))).toEqual([0]);
    expect(mock.faults.pending()).toEqual({ "operation:rebuildInstance": [{}] });
  });
});

// BEC's error chapter (https://cloud.baidu.com/doc/BEC/s/5k4106ncs), scripted with a step's `form`.
describe("BEC's error forms, scripted", () => {
  it("a platform error's msg and a gateway error's headers reach the caller as BceServiceError; a 503 of either is retried", async () => {
    script("reinstallVmInstance", [{ status: 400, code: "9001", message: "bad parameter", form: "bec-platform" }]);
    const platform = (await outcome(reinstall())) as { error: BceServiceError };
    expect(platform.error).toBeInstanceOf(BceServiceError);
    expect(platform.error).toMatchObject({ status: 400, code: "9001" });
    expect(platform.error.message).toMatch(/^9001: bad parameter \(status 400, request id /);
    mock.reset();
    script("reinstallVmInstance", [
      { status: 403, code: "AccountArrears", message: "The account is in arrears.", form: "bec-gateway" },
    ]);
    const gateway = (await outcome(reinstall())) as { error: BceServiceError };
    expect(gateway.error).toMatchObject({ status: 403, code: "AccountArrears" });
    expect(gateway.error.message).toMatch(/^AccountArrears: The account is in arrears\. /);
    expect(statuses(attempts("reinstallVmInstance"))).toEqual(["AccountArrears"]);
    mock.reset();
    script("reinstallVmInstance", [{ status: 503, form: "bec-gateway" }, { status: 503, form: "bec-platform" }, {}]);
    await expect(reinstall()).resolves.toMatchObject({ result: true });
    expect(statuses(attempts("reinstallVmInstance"))).toEqual(["ServiceUnavailable", "ServiceUnavailable", 200]);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  });
});

describe("chosen answers through the clients (Prefer, added by the caller's fetch)", () => {
  // Prefer is not a signed header, so adding it after signing keeps the signature valid.
  const preferring = (value: string) => (request: Request) => {
    const headers = new Headers(request.headers);
    headers.set("prefer", value);
    return globalThis.fetch(new Request(request, { headers }));
  };

  it("Prefer: code=500 on every attempt: BEC tries four times with one token, BCC once", async () => {
    const becError = (await outcome(reinstall({ fetch: preferring("code=500") }))) as { error: BceServiceError };
    expect(becError.error).toMatchObject({ status: 500, code: "InternalError" });
    expect(statuses(attempts("reinstallVmInstance"))).toEqual(Array(4).fill("InternalError"));
    mock.reset();
    const bccError = (await outcome(rebuild({ fetch: preferring("code=500") }))) as { error: BceServiceError };
    expect(bccError.error).toMatchObject({ status: 500, code: "InternalError" });
    expect(attempts("rebuildInstance")).toHaveLength(1);
  });

  it("Prefer: code=403, example=IdempotentParameterMismatch is a typed error, not retried", async () => {
    const { error } = (await outcome(
      reinstall({ fetch: preferring("code=403, example=IdempotentParameterMismatch") }),
    )) as { error: BceServiceError };
    expect(error).toBeInstanceOf(BceServiceError);
    expect(error).toMatchObject({ status: 403, code: "IdempotentParameterMismatch" });
    expect(mock.journal.entries()).toHaveLength(1);
  });
});

describe.each([
  // The mock's clock an hour behind this machine's: to the mock, the signatures are dated an hour
  // in the future.
  ["too far ahead", -3600_000, "RequestTimeTooSkewed"],
  // The mock's clock an hour ahead: to the mock, the signatures (valid for 1800 s) expired half
  // an hour ago.
  ["too far behind", 3600_000, "RequestExpired"],
] as const)("a clock the service finds %s", (_, mockAheadMs, code) => {
  it(`both clients correct their clock from the answer's Date after ${code}, and succeed`, async () => {
    const skewed = await startMock({ now: () => Date.now() + mockAheadMs });
    try {
      const options = { endpoint: skewed.url, credentials: DEFAULT_CREDENTIALS, retry: { ...retry, maxAttempts: 1 } };
      await createBecClient(options).reinstallVmInstance("vm-6ahy6dli", BEC_BODY);
      await createBccClient(options).rebuildInstance("i-YufwpQAe", BCC_BODY);
      const entries = skewed.journal.entries();
      expect(entries.map((e) => [e.operationId, e.answer?.code ?? e.answer?.status])).toEqual([
        ["reinstallVmInstance", code],
        ["reinstallVmInstance", 200],
        ["rebuildInstance", code],
        ["rebuildInstance", 200],
      ]);
      expect(skewed.actions()).toEqual({ reinstallVmInstance: 1, rebuildInstance: 1 });
    } finally {
      await skewed.close();
    }
  });
});

describe("idempotency state across calls", () => {
  it("two BEC calls are two reinstalls (each call has its own token); the journal shows both tokens", async () => {
    await reinstall();
    await reinstall();
    const entries = mock.journal.entries();
    expect(tokens(entries).size).toBe(2);
    expect(entries.map((e) => e.idempotency)).toEqual(["first", "first"]);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 2 });
  });
});
