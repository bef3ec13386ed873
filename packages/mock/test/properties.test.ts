// Hostile input, generated: random bytes, random request lines and headers, and validly signed
// requests to random paths and queries. Whatever arrives, the mock never answers a client's fault
// with a 5xx, every answer carries a BCE error body (for errors) and x-bce-request-id, no exchange
// hangs (each ends with the server closing the connection), and the mock keeps serving.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startMock, type MockServer } from "../src/index.js";
import { REBUILD_PATH, REINSTALL_BODY, signedPut } from "./helpers.js";
import { rawExchange, type RawAnswer } from "./raw.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ journalLimit: 50 });
});
afterAll(() => mock.close());

function expectWellFormed(answer: RawAnswer | undefined, head = false): void {
  if (!answer) return; // nothing that looked like a request arrived
  expect(answer.status, answer.raw.slice(0, 300)).toBeLessThan(500);
  expect(answer.headers["x-bce-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  if (answer.status >= 400 && !head) {
    const body = JSON.parse(answer.body) as { requestId: string; code: string; message: string };
    expect(body.requestId).toBe(answer.headers["x-bce-request-id"]);
    expect(body.code).toMatch(/^[A-Za-z]+$/);
    expect(body.message).toMatch(/^[\x20-\x7e]*$/);
  }
}

const exchange = (bytes: string | Buffer) =>
  rawExchange(mock.port, bytes, undefined, { end: true, allowNoAnswer: true });

it("random bytes", async () => {
  // Most random bytes get an answer (a 400); if none did, the property would hold without a check.
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2048 }), async (bytes) => {
      const answer = await exchange(Buffer.from(bytes));
      if (answer) answered++;
      expectWellFormed(answer, Buffer.from(bytes).toString("latin1").startsWith("HEAD "));
    }),
    { numRuns: 150 },
  );
  expect(answered).toBeGreaterThan(75);
});

const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/);
const anyText = fc.string({ unit: "binary", maxLength: 60 });
const pathChars = fc.oneof(
  fc.constantFrom(
    "/",
    "%",
    "%ZZ",
    "%C3%28",
    "%00",
    "..",
    "?",
    "&",
    "=",
    "#",
    "v1",
    "v2",
    "vm",
    "instance",
    "system",
    "reinstall",
    "__mock",
    "{",
    "}",
    " ",
    "\\",
    "rebuild",
    "REBUILD",
  ),
  fc.string({ unit: "grapheme-ascii", maxLength: 8 }),
);
const path = fc.array(pathChars, { maxLength: 12 }).map((parts) => `/${parts.join("")}`);

it("random request lines, headers and bodies", async () => {
  const request = fc.record({
    method: fc.oneof(fc.constantFrom("GET", "PUT", "POST", "OPTIONS", "DELETE", "HEAD", "PATCH"), token),
    path,
    headers: fc.array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom(
            "authorization",
            "content-type",
            "x-bce-date",
            "origin",
            "prefer",
            "expect",
            "transfer-encoding",
            "access-control-request-method",
          ),
          token,
        ),
        anyText,
      ),
      { maxLength: 6 },
    ),
    body: fc.oneof(anyText, fc.constant(JSON.stringify(REINSTALL_BODY)), fc.json()),
  });
  // Each of these is a request line and headers: most get an answer, or the property checks nothing.
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(request, async ({ method, path, headers, body }) => {
      const payload = Buffer.from(body, "utf8");
      const lines = [
        `${method} ${path} HTTP/1.1`,
        "Host: 127.0.0.1",
        ...headers.map(([n, v]) => `${n}: ${v}`),
        `Content-Length: ${payload.length}`,
        "Connection: close",
      ];
      const answer = await exchange(Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), payload]));
      if (answer) answered++;
      expectWellFormed(answer, method === "HEAD");
    }),
    { numRuns: 150 },
  );
  expect(answered).toBeGreaterThan(75);
});

// Path parameters of the spec's own routes, filled with escapes good and bad: these reach Prism's router.
const segment = fc.oneof(
  fc.constantFrom(
    "%ZZ",
    "%",
    "%4",
    "%C3%28",
    "%E0%A4%A",
    "%00",
    "%2F",
    "%25",
    "..",
    "vm-1",
    "i-1",
    "2",
    "%F0%9F%98%80",
  ),
  fc
    .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 6 })
    .map((text) => text.replace(/[?#/\s\\]/g, ""))
    .filter((text) => text !== ""),
);
const routed = fc.oneof(
  fc.tuple(segment, segment).map(([a, b]) => `/v1/vm/instance/${a}${b}/system/reinstall`),
  fc.tuple(segment, segment).map(([version, id]) => `/v${version}/instance/${id}`),
);

it("validly signed requests to random paths, queries and Prefer headers", async () => {
  const query = fc.array(
    fc.tuple(
      fc.constantFrom("rebuild", "REBUILD", "clientToken", "x", "%ZZ", ""),
      fc.string({ unit: "grapheme-ascii", maxLength: 6 }),
    ),
    { maxLength: 3 },
  );
  const prefer = fc.option(
    fc.constantFrom(
      "code=500",
      "code=418",
      "code=abc",
      "example=nope",
      "dynamic=true",
      "code=403, example=AccessDenied",
      "dynamic=true, code=503",
    ),
  );
  await fc.assert(
    fc.asyncProperty(fc.oneof(routed, path), query, prefer, async (p, q, pref) => {
      // Only what a URL can carry: fetch percent-encodes the rest.
      const target = `${p.replace(/[?#\s\\]/g, "")}${q.length ? `?${q.map(([k, v]) => (v ? `${k}=${v.replace(/[#&\s]/g, "")}` : k)).join("&")}` : ""}`;
      let res: Response;
      try {
        res = await signedPut(mock.url, target, REINSTALL_BODY, { headers: pref ? { prefer: pref } : {} });
      } catch (error) {
        if (
          error instanceof TypeError &&
          /URL|Invalid/i.test(String(error.message) + String((error as { cause?: unknown }).cause))
        )
          return; // not sendable
        throw error;
      }
      const text = await res.text();
      const scriptedByPrefer = pref !== null && /code=5/.test(pref);
      if (!scriptedByPrefer) expect(res.status, `${target} ${pref}: ${text}`).toBeLessThan(500);
      expect(res.headers.get("x-bce-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      if (res.status >= 400) expect(JSON.parse(text).requestId).toBe(res.headers.get("x-bce-request-id"));
    }),
    { numRuns: 200 },
  );
});

it("is still serving afterwards", async () => {
  expect((await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" })).status).toBe(200);
});
