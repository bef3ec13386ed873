import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signRequest, type SignOptions } from "../src/signing/index.js";

// A random request: its query pairs and headers are what the invariants reorder or change.
const key = fc
  .string({ minLength: 1, maxLength: 8, unit: "grapheme" })
  .filter((k) => k.toLowerCase() !== "authorization");
const value = fc.string({ maxLength: 12, unit: "grapheme" });
const request = fc.record({
  method: fc.constantFrom("GET", "PUT", "POST", "DELETE"),
  segments: fc.array(fc.string({ minLength: 1, maxLength: 10, unit: "grapheme" }), { maxLength: 4 }),
  query: fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 5 }),
  contentType: fc.constantFrom("application/json", "text/plain; charset=utf-8"),
  meta: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ""),
  timestamp: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }),
  secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
});
type Req = typeof request extends fc.Arbitrary<infer T> ? T : never;

function urlOf(r: Req, query = r.query): string {
  const url = new URL("https://bcc.bj.baidubce.com");
  url.pathname = `/${r.segments.map(encodeURIComponent).join("/")}`;
  for (const [k, v] of query) url.searchParams.append(k, v);
  return url.href;
}

function headersOf(r: Req, extra: Record<string, string> = {}): Record<string, string> {
  return { "Content-Type": r.contentType, "x-bce-meta-test": r.meta, "User-Agent": "ua/1", ...extra };
}

async function sign(
  r: Req,
  over: { url?: string; method?: string; headers?: Record<string, string>; sk?: string; options?: SignOptions } = {},
) {
  const signed = await signRequest(
    { method: over.method ?? r.method, url: over.url ?? urlOf(r), headers: over.headers ?? headersOf(r) },
    { accessKeyId: "ak", secretAccessKey: over.sk ?? r.secretAccessKey },
    { timestamp: r.timestamp, ...over.options },
  );
  return signed.authorization;
}
const signatureOf = (authorization: string) => authorization.split("/").at(-1);

describe("signature invariants (fast-check)", () => {
  it("query parameter order does not change the signature", async () => {
    await fc.assert(
      fc.asyncProperty(
        request.chain((r) => fc.tuple(fc.constant(r), fc.shuffledSubarray(r.query, { minLength: r.query.length }))),
        async ([r, shuffled]) => {
          expect(await sign(r, { url: urlOf(r, shuffled) })).toBe(await sign(r));
        },
      ),
    );
  });

  it("header name case and surrounding whitespace do not change the signature", async () => {
    await fc.assert(
      fc.asyncProperty(request, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), async (r, upper) => {
        const headers = Object.fromEntries(
          Object.entries(headersOf(r)).map(([n, v], i) => [
            upper[i] ? ` ${n.toUpperCase()} ` : n.toLowerCase(),
            ` ${v} `,
          ]),
        );
        expect(await sign(r, { headers })).toBe(await sign(r));
      }),
    );
  });

  it("changing any signed part changes the signature", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const base = signatureOf(await sign(r));
        const changed = [
          await sign(r, { method: r.method === "GET" ? "PUT" : "GET" }),
          await sign({ ...r, segments: [...r.segments, "x"] }),
          await sign({ ...r, query: [...r.query, ["added", "v"]] }),
          await sign(r, { headers: headersOf(r, { "x-bce-meta-test": `${r.meta}x` }) }),
          await sign(r, { headers: headersOf(r, { "Content-Type": "application/xml" }) }),
          await sign({ ...r, timestamp: r.timestamp + 1000 }),
          await sign(r, { sk: `${r.secretAccessKey}x` }),
        ];
        if (r.query.length > 0) {
          const [[k, v], ...rest] = r.query as [[string, string], ...Array<[string, string]>];
          changed.push(await sign({ ...r, query: [[k, `${v}x`], ...rest] }));
        }
        for (const authorization of changed) expect(signatureOf(authorization)).not.toBe(base);
      }),
    );
  });

  it("changing an unsigned header does not change the signature", async () => {
    await fc.assert(
      fc.asyncProperty(request, fc.string(), async (r, ua) => {
        expect(await sign(r, { headers: headersOf(r, { "User-Agent": ua, "X-Other": ua }) })).toBe(await sign(r));
      }),
    );
  });
});

// fetch sends both values of a name spelt twice in a record, joined: that is what is signed.
it.each<[Record<string, string> | [string, string][]]>([
  [{ "X-Bce-Meta-A": "1", "x-bce-meta-a": "2" }],
  [{ "Content-Type": "application/json", "content-type": "charset=utf-8" }],
  // An empty value is joined too: fetch sends ", 2" and "1,".
  [{ "X-Bce-Meta-A": "", "x-bce-meta-a": "2" }],
  [{ "X-Bce-Meta-A": "1", "x-bce-meta-a": " " }],
  [
    [
      ["x-bce-meta-a", "1"],
      ["X-BCE-META-A", " 2 "],
    ],
  ],
])("signs the values of a name given twice, %j, as fetch sends them", async (headers) => {
  const request = { method: "PUT", url: "https://bec.baidubce.com/x" };
  const keys = { accessKeyId: "ak", secretAccessKey: "sk" };
  const options = { timestamp: 1_700_000_000_000 };
  const sent = new Headers(headers);
  expect(await signRequest({ ...request, headers }, keys, options)).toEqual(
    await signRequest({ ...request, headers: sent }, keys, options),
  );
});

describe("the session token is one a header can carry", () => {
  const request = { method: "PUT", url: "https://bec.baidubce.com/x" };
  const keys = { accessKeyId: "ak", secretAccessKey: "sk" };
  it.each([
    ["a line break inside", "tok\r\nx-evil: 1"],
    ["a NUL inside", "tok\u0000en"],
    ["a number", 5],
    ["an object", { token: "tok" }],
  ])("refuses %s with a TypeError naming it", async (_, sessionToken) => {
    await expect(signRequest(request, { ...keys, sessionToken } as never)).rejects.toThrow(
      new TypeError("sessionToken must be a string without line breaks or other control characters"),
    );
  });
  it.each([["token-1"], ["tok en/2"], ["tok\n"], [" tok\r\n"], [""]])(
    "signs with %j, as before",
    async (sessionToken) => {
      const signed = await signRequest(request, { ...keys, sessionToken });
      expect(signed.authorization).toMatch(/^bce-auth-v1\/ak\//);
      expect(new Headers({ ...signed }).get("x-bce-security-token") ?? "").toBe(sessionToken.trim());
    },
  );
  it("refuses a token of spaces alone, which would sign with the keys alone", async () => {
    await expect(signRequest(request, { ...keys, sessionToken: " \t " })).rejects.toThrow(
      new TypeError('sessionToken is blank (give the token, or "" for none)'),
    );
  });
  // A token's ends are not part of it: fetch drops them, and the official SDKs sign it trimmed
  // (bce-sdk-js src/auth.js, bce-sdk-go auth/signer.go), so its signature is the trimmed token's.
  it.each([["tok-1234\n"], [" tok-1234"], ["\ttok-1234\r\n"]])(
    "signs %j as the token without its ends",
    async (sessionToken) => {
      const options = { timestamp: 1_700_000_000_000 };
      const signed = await signRequest(request, { ...keys, sessionToken }, options);
      expect(signed).toEqual(await signRequest(request, { ...keys, sessionToken: "tok-1234" }, options));
    },
  );
});

describe("the keys are checked on every call, the first one included", () => {
  // The signer remembers the last access key id that passed; an empty id once matched its
  // starting value and was signed with (found by the oracle property test, seed -288028239).
  // Each case loads the signer afresh, so that no key has passed before.
  afterEach(() => vi.resetModules());
  it.each([
    [
      "an empty accessKeyId",
      { accessKeyId: "", secretAccessKey: "sk" },
      'accessKeyId must be a non-empty string of visible ASCII characters, without "/"',
    ],
    [
      "an accessKeyId with a slash",
      { accessKeyId: "a/b", secretAccessKey: "sk" },
      'accessKeyId must be a non-empty string of visible ASCII characters, without "/"',
    ],
    // Signed, either made an authorization header fetch refuses, quoting it (its signature too).
    [
      "an accessKeyId with a NUL",
      { accessKeyId: "ak\u0000", secretAccessKey: "sk" },
      'accessKeyId must be a non-empty string of visible ASCII characters, without "/"',
    ],
    [
      "an accessKeyId with a lone surrogate",
      { accessKeyId: "ak\ud800", secretAccessKey: "sk" },
      'accessKeyId must be a non-empty string of visible ASCII characters, without "/"',
    ],
    [
      "an empty secretAccessKey",
      { accessKeyId: "ak", secretAccessKey: "" },
      "secretAccessKey must be a non-empty string",
    ],
  ])("refuses %s, before and after a good key was used", async (_, keys, message) => {
    vi.resetModules();
    const fresh = (await import("../src/signing/index.js")).signRequest;
    const request = { method: "PUT", url: "https://bec.baidubce.com/x" };
    await expect(fresh(request, keys)).rejects.toThrow(new TypeError(message));
    await fresh(request, { accessKeyId: "ak", secretAccessKey: "sk" });
    await expect(fresh(request, keys)).rejects.toThrow(new TypeError(message));
  });
});
