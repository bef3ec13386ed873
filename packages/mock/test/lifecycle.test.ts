// Resets between tests, the mock's clock, and closing: what a test suite built on one mock relies on.
import { afterEach, expect, it } from "vitest";
import { startMock, type MockServer } from "../src/index.js";
import { urlFor, wildcardOf } from "../src/mock.js";
import { expectBceError, FIXTURE, put, REINSTALL_BODY, REINSTALL_PATH } from "./helpers.js";
import { rawExchange } from "./raw.js";

let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** Waits, turn by turn of the event loop, for `condition` (no timer). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** An authenticate step that holds each request until `release()`: a request in flight, without timers. */
function gate() {
  let entered!: () => void;
  const arrived = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const authenticate = async () => {
    entered();
    await released;
    return { ok: true as const };
  };
  return { authenticate, arrived, release };
}

it("a request still in flight at reset() counts in neither the next test's journal, actions nor tokens", async () => {
  const { authenticate, arrived, release } = gate();
  mock = await startMock({ authenticate });
  const url = `${mock.url}${REINSTALL_PATH}?clientToken=tok-1`;
  const stale = put(url, REINSTALL_BODY);
  await arrived;
  mock.reset(); // the next test starts while the request waits
  release();
  expect((await stale).status).toBe(200); // still answered, to a client that has moved on

  expect(mock.journal.entries()).toEqual([]);
  expect(mock.actions()).toEqual({});
  // The token the stale request used is free: another body with it is a first use, not a mismatch.
  const fresh = await put(url, { ...REINSTALL_BODY, imageId: "im-2" });
  expect(fresh.status).toBe(200);
  const entries = await mock.journal.waitFor(1);
  expect(entries.map((e) => [e.requestId, e.idempotency])).toEqual([[fresh.headers.get("x-bce-request-id"), "first"]]);
  expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
});

it("a request still in flight at reset() takes no fault the next test scripts", async () => {
  const { authenticate, arrived, release } = gate();
  mock = await startMock({ authenticate });
  const url = `${mock.url}/v2/instance/i-1?rebuild`;
  const stale = put(url, { imageId: "m-1" });
  await arrived;
  mock.reset(); // the next test starts, and scripts a failure for its own request
  mock.faults.enqueue("rebuildInstance", [{ status: 503 }]);
  release();
  expect((await stale).status).toBe(200);
  expect(mock.faults.pending()).toEqual({ "operation:rebuildInstance": [{ status: 503 }] });
  await expectBceError(await put(url, { imageId: "m-1" }), 503, "ServiceUnavailable");
});

it("journal.clear() while a request is in flight: waitFor counts only what arrived after it", async () => {
  const { authenticate, arrived, release } = gate();
  mock = await startMock({ authenticate });
  const stale = put(`${mock.url}${REINSTALL_PATH}`, REINSTALL_BODY);
  await arrived;
  mock.journal.clear();
  release();
  await stale;
  let waited: unknown;
  const waiting = mock.journal.waitFor(1).then((entries) => (waited = entries));
  const fresh = await put(`${mock.url}/v2/instance/i-1?rebuild`, { imageId: "m-1" });
  await waiting;
  expect((waited as { requestId: string }[]).map((e) => e.requestId)).toEqual([fresh.headers.get("x-bce-request-id")]);
  // journal.clear() is the journal's alone: the stale request did take effect.
  expect(mock.actions()).toEqual({ reinstallVmInstance: 1, rebuildInstance: 1 });
});

it.each([
  ["NaN", () => Number.NaN, /got NaN$/],
  ["a string", () => "2024-01-01" as unknown as number, /got string$/],
  ["past what a Date holds", () => 8.64e15 + 1, /got 8640000000000001$/],
])("a now() that returns %s is answered 500 naming now(), and the mock keeps running", async (_, now, got) => {
  mock = await startMock({ spec: FIXTURE, auth: false, now });
  for (let i = 0; i < 2; i++) {
    const body = await expectBceError(
      await put(`${mock.url}/v2/instance/i-1?rebuild`, { imageId: "m-1" }),
      500,
      "InternalError",
    );
    expect(body.message).toMatch(
      /^startMock: now\(\) must return milliseconds since the epoch \(a finite number from -8\.64e15 to 8\.64e15\)/,
    );
    expect(body.message).toMatch(got);
  }
  // What Node's parser refuses is answered from a socket event: the clock fails there too, without a throw.
  const answer = await rawExchange(mock.port, "NOT HTTP\r\n\r\n");
  expect(answer?.status).toBe(500);
  expect(JSON.parse(answer!.body).message).toMatch(/now\(\)/);
});

it("a clock that fails after the request arrived (in the signature check) is a 500 naming now()", async () => {
  let calls = 0;
  mock = await startMock({ spec: FIXTURE, now: () => (++calls > 1 ? Number.NaN : Date.now()) });
  const body = await expectBceError(
    await put(`${mock.url}/v2/instance/i-1?rebuild`, { imageId: "m-1" }),
    500,
    "InternalError",
  );
  expect(body.message).toMatch(/now\(\)/);
});

it("close() twice, or concurrently, resolves each time (one close)", async () => {
  const started = await startMock({ spec: FIXTURE });
  const both = [started.close(), started.close()];
  expect(both[0]).toBe(both[1]);
  await expect(Promise.all(both)).resolves.toEqual([undefined, undefined]);
  await expect(started.close()).resolves.toBeUndefined();
});

it("a journal.waitFor() still pending at close() rejects saying so, as does one made after", async () => {
  const started = await startMock({ spec: FIXTURE, auth: false });
  let pending: Promise<unknown>;
  try {
    await put(`${started.url}/v2/instance/i-1?rebuild`, { imageId: "m-1" });
    pending = started.journal.waitFor(2);
  } finally {
    await started.close(); // also when the request failed: no server outlives its test
  }
  await expect(pending).rejects.toThrow(
    "waitFor(2): the mock was closed after 1 request ended (answered, or cut off: status 0)",
  );
  await expect(started.journal.waitFor(3)).rejects.toThrow(/the mock was closed/);
  // A wait already met still resolves.
  await expect(started.journal.waitFor(1)).resolves.toHaveLength(1);
});

it("a request close() cuts off is noted unanswered (status 0), and counted, before close() resolves", async () => {
  const started = await startMock({ spec: FIXTURE, auth: false });
  started.faults.enqueue("rebuildInstance", { hang: true });
  const cut = put(`${started.url}/v2/instance/i-1?rebuild`, { imageId: "m-1" }).catch((e: unknown) => e);
  let pending: Promise<unknown>;
  try {
    await until(() => started.journal.entries().length === 1);
    pending = started.journal.waitFor(2);
  } finally {
    await started.close();
  }
  expect(started.journal.entries().map((e) => e.answer)).toEqual([{ status: 0 }]);
  await expect(pending).rejects.toThrow(
    "waitFor(2): the mock was closed after 1 request ended (answered, or cut off: status 0)",
  );
  expect(await cut).toBeInstanceOf(Error);
});

it.each([
  ["0.0.0.0", "http://127.0.0.1:4010"],
  ["::", "http://[::1]:4010"],
  ["0:0:0:0:0:0:0:0", "http://[::1]:4010"],
  ["127.0.0.1", "http://127.0.0.1:4010"],
  ["::1", "http://[::1]:4010"],
  ["localhost", "http://localhost:4010"],
  // Other spellings an address lookup reads as a wildcard, and one it reads as loopback.
  ["0", "http://127.0.0.1:4010"],
  ["0x0", "http://127.0.0.1:4010"],
  ["0.0", "http://127.0.0.1:4010"],
  ["00", "http://127.0.0.1:4010"],
  ["::ffff:0.0.0.0", "http://127.0.0.1:4010"],
  ["127.1", "http://127.1:4010"],
])("urlFor(%s) is %s (a wildcard bind is reported as loopback; the tests bind no wildcard)", (host, url) => {
  expect(urlFor(host, 4010)).toBe(url);
  expect(wildcardOf(host) !== undefined).toBe(
    new URL(url).host !== new URL(`http://${host.includes(":") ? `[${host}]` : host}:4010`).host,
  );
});

it.each([
  ["0", "0.0.0.0"],
  ["0x0", "0.0.0.0"],
  ["0.0.0.0", "0.0.0.0"],
  ["0:0::0", "::"],
  ["::", "::"],
  ["::ffff:0.0.0.0", "::ffff:0.0.0.0"],
  ["127.0.0.1", undefined],
  ["localhost", undefined],
  ["constructor", undefined],
])("wildcardOf(%s) is %s: what the CLI says it bound", (host, wildcard) => {
  expect(wildcardOf(host)).toBe(wildcard);
});
