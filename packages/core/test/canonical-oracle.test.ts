// The lean canonicalization of src/signing/canonical.ts against the plain one it replaced
// (test/oracle/canonical.ts, kept verbatim): on random requests and dates, every function gives
// the same result, or both throw.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodes } from "./escapes.js";
import * as lean from "../src/signing/canonical.js";
import * as oracle from "./oracle/canonical.js";

type Outcome = { value: unknown } | { threw: string };
function outcome(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}
function same(f: (impl: typeof lean) => unknown): void {
  expect(outcome(() => f(lean))).toEqual(outcome(() => f(oracle as typeof lean)));
}
/**
 * A valid date x-bce-date cannot carry (before 1970, after 9999): the one rule the lean form adds
 * (a RangeError) where the plain one wrote a year of another width or a sign.
 */
function beyondBceDate(t: number | Date): boolean {
  const ms = Math.trunc(typeof t === "number" ? t : t.getTime());
  return Math.abs(ms) <= 8.64e15 && !(ms >= 0 && ms < lean.MAX_SIGNING_TIME + 1000);
}
/**
 * A query given as a string that starts with a second "?" (`??a=1`): the plain form dropped that one
 * too (as URLSearchParams's constructor does), so the signer and the verifier read `/p??a=1`
 * apart; the lean one keeps it, as the wire has it (the parameter `?a`). The oracle is given it
 * after an "&" (which makes no pair), where it keeps it too.
 */
const forOracle = (q: unknown) => (typeof q === "string" && q.startsWith("??") ? `?&${q.slice(1)}` : q);
function sameQuery<Q>(q: Q, f: (impl: typeof lean, q: Q) => unknown): void {
  expect(outcome(() => f(lean, q))).toEqual(outcome(() => f(oracle as typeof lean, forOracle(q) as Q)));
}

/**
 * Where the plain form and the lean one part: an escape that is not UTF-8 (`%E9`, `%80`). The
 * plain form took a path segment holding one literally (`%25E9`) and made it U+FFFD in a query;
 * the lean one keeps the byte (`%E9`), as bce-sdk-go's UriEncode over `[]byte` does. Such inputs
 * are held to `bytewise` below instead.
 */
const pathEscapesAreUtf8 = (path: string) => path.split("/").every((seg) => !seg.includes("%") || decodes(seg));
// In a query string, a "%" that escapes nothing is also left to the reference: Node 20's
// URLSearchParams, which the plain form parsed with, garbles the characters before it when an escape
// follows (`中%zz%41` gives the key `-%zzA`).
const queryEscapesAreUtf8 = (q: unknown) =>
  typeof q !== "string" || (!/%(?![\da-f]{2})/i.test(q) && q.split(/[&=]/).every(decodes));

// The byte-wise reference: escapes decoded to bytes, other characters to their UTF-8 bytes, every
// byte but `A-Z a-z 0-9 - _ . ~` written `%XY`.
function bytesOf(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (/^%[\da-f]{2}$/i.test(text.slice(i, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const ch = String.fromCodePoint(text.codePointAt(i) as number);
      bytes.push(...Buffer.from(ch, "utf8")); // a lone surrogate is EF BF BD
      i += ch.length;
    }
  }
  return bytes;
}
const encodeBytes = (bytes: number[]) =>
  bytes
    .map((b) =>
      b < 128 && /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
const bytewise = {
  uri: (path: string) =>
    (path.startsWith("/") ? path : `/${path}`)
      .split("/")
      .map((seg) => encodeBytes(bytesOf(seg)))
      .join("/"),
  query: (q: string) =>
    q
      .replace(/^\?/, "")
      .split("&")
      .filter(Boolean)
      .map((part) => {
        const eq = part.indexOf("=");
        const [k, v] = eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
        return [k, v].map((x) => encodeBytes(bytesOf(x.replaceAll("+", " ")))) as [string, string];
      })
      .filter(([k]) => k.toLowerCase() !== "authorization")
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join("&"),
};

function formatsLikeOracle(t: number | Date): void {
  if (beyondBceDate(t)) expect(outcome(() => lean.formatBceDate(t))).toEqual({ threw: "RangeError" });
  else same((c) => c.formatBceDate(t));
}

// Characters that exercise every branch: unreserved, reserved, escapes, form decoding, case,
// whitespace, non-ASCII, astral and lone surrogates.
const tricky = fc.constantFrom(
  "a",
  "Z",
  "0",
  "9",
  "-",
  "_",
  ".",
  "~",
  "%",
  "2",
  "F",
  "f",
  "E",
  "+",
  "?",
  "&",
  "=",
  "/",
  " ",
  "\t",
  "!",
  "*",
  "'",
  "(",
  ")",
  ":",
  ";",
  ",",
  "#",
  "é",
  "中",
  "😀",
  "\uD800",
  "\uDC00",
  "\u00A0",
  "A",
  "u",
  "t",
  "h",
  "o",
  "r",
  "i",
  "z",
  "n",
);
const text = fc.oneof(
  fc.string({ unit: tricky, maxLength: 16 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: fc.constantFrom("a", "b", "-", ".", "~", "_", "1"), maxLength: 12 }),
  fc.constantFrom("", "authorization", "Authorization", "AUTHORIZATION", "rebuild", "clientToken"),
);
const percentEscape = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([b, upper]) => {
  const hex = b.toString(16).padStart(2, "0");
  return `%${upper ? hex.toUpperCase() : hex}`;
});
const urlish = fc
  .array(fc.oneof(text, percentEscape, fc.constantFrom("/", "//", "%", "%2F", "%zz", "+")), { maxLength: 6 })
  .map((parts) => parts.join(""));

const queryRecord = fc.dictionary(
  text,
  fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
  { maxKeys: 6 },
);
// Up to three leading `?`: URLSearchParams drops one more after the query's own.
const queryString = fc
  .tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.array(
      fc.oneof(
        urlish,
        fc.tuple(urlish, urlish).map(([k, v]) => `${k}=${v}`),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([marks, parts]) => `${"?".repeat(marks)}${parts.join("&")}`);
const query = fc.oneof(
  queryString,
  queryRecord,
  queryString.map((q) => new URLSearchParams(q)),
  fc.constant(undefined),
);

const headerName = fc.oneof(
  fc.constantFrom(
    "host",
    "Host",
    " HOST ",
    "content-type",
    "Content-Length",
    "content-md5",
    "x-bce-date",
    "X-BCE-Meta",
    "x-bce-a",
    "x-bce-a-b",
    "x-bce-a*",
    "user-agent",
    "x-bce-",
  ),
  fc.string({
    unit: fc.constantFrom("x", "-", "b", "c", "e", "a", "*", "~", "!", "H", " "),
    minLength: 1,
    maxLength: 10,
  }),
);
const headerValue = fc.oneof(
  text,
  fc.integer(),
  fc.array(text, { maxLength: 3 }),
  fc.constant(undefined),
  fc.constant(null),
  fc.constantFrom("  ", " v ", "2026-01-02T03:04:05Z"),
);
// Each name once, whatever its case: two spellings of one name are now joined, as fetch sends them,
// where the oracle kept the last (test/signing-properties.test.ts holds the new way).
const headerRecord = fc
  .dictionary(headerName, headerValue, { maxKeys: 8 })
  .filter((h) => new Set(Object.keys(h).map((n) => n.trim().toLowerCase())).size === Object.keys(h).length);
const headers = fc.oneof(
  headerRecord,
  // A Headers object takes only valid names and values.
  fc
    .dictionary(
      fc.constantFrom("host", "content-type", "x-bce-date", "x-bce-meta", "user-agent", "content-md5"),
      fc.string({ unit: fc.constantFrom("a", " ", "/", ":", "1", "%"), maxLength: 8 }),
      { maxKeys: 6 },
    )
    .map((h) => new Headers(h)),
  headerRecord.map((h) => oracle.normalizeHeaders(h as oracle.HeaderInput)),
  fc.constant(undefined),
);
const headersToSign = fc.option(fc.array(headerName, { maxLength: 5 }), { nil: undefined });

const time = fc.oneof(
  fc.integer({ min: -8.64e15 - 5000, max: 8.64e15 + 5000 }),
  // The ends of Date's range, where a second can be partly inside it.
  fc.integer({ min: -2000, max: 2000 }).chain((d) => fc.constantFrom(8.64e15 + d, -8.64e15 + d)),
  fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
  fc.integer({ min: -1e11, max: 253402300800000 + 1e11 }), // around 1970 and 9999, where arithmetic hands over to Date
  fc.double(),
  fc.integer({ min: -3000, max: 3000 }).map((ms) => ms + 0.5),
  fc.date({ noInvalidDate: false }),
);

const params = { numRuns: 1000 };

describe("lean canonicalization equals the plain one it replaced (fast-check, oracle in test/oracle)", () => {
  it("uriEncode", () => {
    fc.assert(
      fc.property(fc.oneof(text, urlish), (s) => same((c) => c.uriEncode(s))),
      params,
    );
  });

  it("canonicalUri", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          urlish,
          urlish.map((p) => `/${p}`),
        ),
        (p) => {
          if (pathEscapesAreUtf8(p)) same((c) => c.canonicalUri(p));
          else expect(lean.canonicalUri(p)).toBe(bytewise.uri(p));
        },
      ),
      params,
    );
  });

  it("canonicalUri and a query string's canonical form keep the bytes escapes name, UTF-8 or not (the byte-wise reference)", () => {
    for (const [path, expected] of <[string, string][]>[
      ["/v2/instance/i-%E9", "/v2/instance/i-%E9"],
      ["/a%zz%41", "/a%25zzA"],
      ["/%c3%A9/%ED%A0%80", "/%C3%A9/%ED%A0%80"],
    ])
      expect(lean.canonicalUri(path)).toBe(expected);
    for (const [q, expected] of <[string, string][]>[
      ["clientToken=%E9", "clientToken=%E9"],
      ["a=%zz%41", "a=%25zzA"],
      ["?b=%80+%2B&a", "a=&b=%80%20%2B"],
      ["中%zz%41", "%E4%B8%AD%25zzA="],
    ])
      expect(lean.canonicalQueryString(q)).toBe(expected);
    fc.assert(
      fc.property(urlish, queryString, (p, q) => {
        expect(lean.canonicalUri(p)).toBe(bytewise.uri(p));
        expect(lean.canonicalQueryString(q)).toBe(bytewise.query(q));
      }),
      params,
    );
  });

  it("canonicalQueryString (string, URLSearchParams, record)", () => {
    fc.assert(
      fc.property(query, (q) => {
        if (queryEscapesAreUtf8(q)) sameQuery(q, (c, given) => c.canonicalQueryString(given as lean.QueryInput));
        else expect(lean.canonicalQueryString(q)).toBe(bytewise.query(q as string));
      }),
      params,
    );
  });

  it("normalizeHeaders and canonicalHeaders (record, Headers, Map; default set or listed)", () => {
    fc.assert(
      fc.property(headers, headersToSign, (h, toSign) => {
        if (!(h instanceof Map)) same((c) => [...c.normalizeHeaders(h as lean.HeaderInput)]);
        same((c) => c.canonicalHeaders(h as lean.HeaderInput, toSign));
      }),
      params,
    );
  });

  it("canonicalHeaders of more headers than are kept in order one by one (a record in reverse order, names that encode)", () => {
    const record: Record<string, string> = {};
    // Names whose encoded form sorts otherwise than the names ("!" is %21 once encoded, before the digits).
    for (let i = 60; i > 0; i--) record[`x-bce-meta-${String(i).padStart(3, "0")}${i % 3 ? "" : "!"}`] = `v${i}`;
    same((c) => c.canonicalHeaders(record));
    same((c) => c.canonicalHeaders(record, Object.keys(record)));
  });

  it("buildCanonicalRequest", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("GET", "put", "Post", "DELETE", "péché"),
        urlish,
        query,
        headers,
        headersToSign,
        (method, path, q, h, toSign) => {
          fc.pre(pathEscapesAreUtf8(path) && queryEscapesAreUtf8(q)); // the rest: the two tests above
          sameQuery(q, (c, given) =>
            c.buildCanonicalRequest({
              method,
              path,
              query: given as lean.QueryInput,
              headers: h as lean.HeaderInput,
              headersToSign: toSign,
            }),
          );
        },
      ),
      params,
    );
  });

  it("formatBceDate, including runs of times within one second", () => {
    fc.assert(
      fc.property(fc.array(time, { minLength: 1, maxLength: 4 }), (times) => {
        for (const t of times) {
          formatsLikeOracle(t);
          if (typeof t === "number") formatsLikeOracle(t + 999); // the same second, or the next
        }
      }),
      params,
    );
  });
});
