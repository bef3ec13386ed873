// bce-auth-v1 canonical forms (https://intl.cloud.baidu.com/doc/Reference/s/njwvz1yfu-en).
// Pure string functions: no crypto, no I/O. Small, because the clients ship them to browsers:
// the common case (ASCII paths, a short query, a handful of headers) is tested for with one
// regular expression and then costs no encoding work. test/canonical-oracle.test.ts proves them
// equal to the plain implementation they replace.

/** Query parameters: a raw query string (leading `?` optional), URLSearchParams, or a record. */
export type QueryInput =
  | string
  | URLSearchParams
  | Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Headers: a Fetch `Headers`, or a record (Node's `IncomingHttpHeaders` fits: arrays are joined with `, `). */
export type HeaderInput = Headers | Readonly<Record<string, string | number | readonly string[] | undefined>>;

// Per ASCII code: 0 where UriEncode keeps the character (`A-Z a-z 0-9 - _ . ~`), 1 where
// encodeURIComponent keeps it and UriEncode does not (`! ' ( ) *`), 2 elsewhere. A loop over
// this table tells the common case (nothing to encode) faster than a regular expression.
const CLASS = new Uint8Array(128).map((_, code) => {
  const ch = String.fromCharCode(code);
  return /[\w.~-]/.test(ch) ? 0 : /[!'()*]/.test(ch) ? 1 : 2;
});

/**
 * UriEncode: UTF-8 bytes; `A-Z a-z 0-9 - _ . ~` kept, every other byte `%XY` (uppercase).
 * encodeURIComponent does exactly that except for `! ' ( ) *`, which it keeps; a lone surrogate
 * becomes U+FFFD first, as UTF-8 encoding (TextEncoder) makes it.
 */
export function uriEncode(value: string): string {
  let found = 0;
  for (let i = 0; i < value.length; i++) found |= CLASS[value.charCodeAt(i)] ?? 2;
  if (!found) return value; // the common case: nothing to encode
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    encoded = encodeURIComponent(value.replace(/\p{Surrogate}/gu, "\uFFFD")); // only a lone surrogate throws
  }
  return found & 1 ? encoded.replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`) : encoded;
}

const PLAIN_PATH = /^\/[\w.~/-]*$/;

/**
 * UriEncode of the bytes a percent-encoded text stands for: each `%XY` is its byte, every other
 * character its UTF-8 bytes (a `%` not followed by two hex digits is itself). Escapes that are
 * not UTF-8 (`%E9`) stay the bytes they name, as bce-sdk-go's UriEncode over `[]byte` gives them
 * (baidubce/bce-sdk-go auth/signer.go@de4b16ed428ef08f0d4acf579e8f66f182322441, getCanonicalURIPath and getCanonicalQueryString).
 */
function encodeEscaped(text: string): string {
  try {
    return uriEncode(decodeURIComponent(text));
  } catch {} // escapes that are not UTF-8, or a `%` that escapes nothing: escape by escape
  // The text between escapes (a stray `%` in it is itself: `%25`) encoded in one piece, so that a
  // text of megabytes of `%` or `%zz` costs one UriEncode, not one call per character.
  let out = "";
  let from = 0;
  for (let at = text.indexOf("%"); at >= 0; at = text.indexOf("%", at + 1)) {
    const hex = text.slice(at + 1, at + 3);
    if (!HEX_PAIR.test(hex)) continue;
    const byte = Number.parseInt(hex, 16);
    out += uriEncode(text.slice(from, at)) + (CLASS[byte] === 0 ? String.fromCharCode(byte) : `%${hex.toUpperCase()}`);
    from = at + 3;
    at += 2;
  }
  return out + uriEncode(text.slice(from));
}
const HEX_PAIR = /^[\da-f]{2}$/i;

/**
 * CanonicalURI of a URL path. `%XY` escapes are decoded segment by segment first, so the
 * percent-encoded path of a URL (`/a%20b`) and the plain path (`/a b`) agree, while an
 * escaped `%2F` stays inside its segment (see `encodeEscaped`). Empty path is `/`.
 */
export function canonicalUri(path: string): string {
  if (PLAIN_PATH.test(path)) return path; // nothing to decode or encode
  return path.replace(/^\/?/, "/").split("/").map(encodeEscaped).join("/");
}

/** `key=value` of one query parameter, or nothing for `authorization` (in any case). */
function addPair(pairs: string[], key: string, value: string): void {
  if (key.toLowerCase() !== "authorization") pairs.push(`${uriEncode(key)}=${uriEncode(value)}`);
}

/**
 * CanonicalQueryString of a query string, decoded as application/x-www-form-urlencoded (see
 * `canonicalQueryString`): what the signer of URLs uses.
 */
export function canonicalQuery(query: string): string {
  // The query's `?`, one: a second is the query's own (`/p??a=1` has the parameter `?a`).
  const text = query.replace(QUERY_MARK, "");
  if (PLAIN_PAIR.test(text)) {
    // The clients' queries (`clientToken=...`, `rebuild`): nothing to decode, encode or sort.
    const pair = text.includes("=") ? text : `${text}=`;
    return text && pair.slice(0, 14).toLowerCase() !== "authorization=" ? pair : "";
  }
  // Decoded as application/x-www-form-urlencoded (as URLSearchParams parses it: pairs split at
  // "&" and at the first "=", "+" is a space), but to bytes (see `encodeEscaped`).
  const pairs: string[] = [];
  for (const part of text.replace(/\+/g, " ").split("&")) {
    const eq = part.indexOf("=");
    const pair =
      eq < 0 ? `${encodeEscaped(part)}=` : `${encodeEscaped(part.slice(0, eq))}=${encodeEscaped(part.slice(eq + 1))}`;
    if (part && pair.slice(0, 14).toLowerCase() !== "authorization=") pairs.push(pair);
  }
  return pairs.sort().join("&");
}

// One `key` or `key=value` that form decoding and UriEncode leave as it is.
const PLAIN_PAIR = /^[\w.~-]*(=[\w.~-]*)?$/;
const QUERY_MARK = /^\?/;

/**
 * CanonicalQueryString. Each parameter becomes `UriEncode(key)=UriEncode(value)` (`key=` for
 * a null or empty value, so `?rebuild` and `?rebuild=` agree); `authorization` in any case is
 * left out; the encoded strings are sorted (not the keys: `text10=` sorts before `text1=`).
 * A string is decoded as application/x-www-form-urlencoded, as URLSearchParams does, but to
 * bytes: an escape that is not UTF-8 (`%E9`) stays its byte, where URLSearchParams makes it U+FFFD. In a
 * record, `undefined` means absent (as openapi-fetch drops it), `null` means empty.
 */
export function canonicalQueryString(query: QueryInput | null | undefined): string {
  if (typeof query === "string") return canonicalQuery(query);
  const pairs: string[] = [];
  if (isSearchParams(query))
    query.forEach((v, k) => {
      addPair(pairs, k, v);
    });
  else if (query != null) {
    if (typeof query !== "object" || Array.isArray(query))
      throw new TypeError("query must be a string, a URLSearchParams, or a record of names to values");
    for (const key of Object.keys(query)) {
      const value = query[key];
      if (value !== undefined) addPair(pairs, key, value === null ? "" : String(value));
    }
  }
  return pairs.sort().join("&");
}

/** A URLSearchParams, this realm's or another's: its pairs are no keys of its own. */
const isSearchParams = (query: unknown): query is URLSearchParams =>
  typeof (query as URLSearchParams | null)?.getAll === "function";

/**
 * Lowercased, trimmed names to trimmed values; empty values dropped (they are never signed). A
 * record, or what iterates over [name, value] pairs as fetch reads them: a Headers (this realm's,
 * another's, a library's), a Map, an array. A Headers gives its names lowercased, each once but
 * set-cookie, whose values are joined as a record's two spellings of a name are.
 */
export function normalizeHeaders(
  headers: HeaderInput | Iterable<readonly [string, string]> | null | undefined,
): Map<string, string> {
  return withoutEmpty(receivedHeaders(headers));
}

/**
 * `normalizeHeaders` with empty values kept: a verifier's, as a signer may list a header it sent
 * empty (bce-sdk-go signs its line `name:`: baidubce/bce-sdk-go auth/signer.go@de4b16ed428ef08f0d4acf579e8f66f182322441, getCanonicalHeaders).
 */
export function receivedHeaders(
  headers: HeaderInput | Iterable<readonly [string, string]> | null | undefined,
): Map<string, string> {
  const out = new Map<string, string>();
  if (headers == null) return out;
  if (typeof headers !== "object") throw headersRefused();
  if (!(Symbol.iterator in headers)) return recordMap(headers as Readonly<Record<string, unknown>>);
  for (const entry of headers as Iterable<unknown>) {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") throw headersRefused();
    addHeader(out, entry[0], entry[1]);
  }
  return out;
}

/**
 * `normalizeHeaders` of a record: what the transport signs (a record of strings), with nothing to
 * refuse.
 */
export const recordHeaders = (record: Readonly<Record<string, unknown>>): Map<string, string> =>
  withoutEmpty(recordMap(record));

/** A record's headers, normalized, empty values kept. */
function recordMap(record: Readonly<Record<string, unknown>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of Object.keys(record)) addHeader(out, name, record[name]);
  return out;
}

/**
 * One header into normalized headers: the name lowercased and trimmed, the value trimmed (null and
 * undefined are none); a name met again (`X-Bce-Foo` and `x-bce-foo` in a record) adds its value
 * after a comma, an empty one included, as fetch joins them (`", 2"`, `"1,"` once trimmed).
 */
function addHeader(out: Map<string, string>, name: string, value: unknown): void {
  if (value == null) return;
  const v = (Array.isArray(value) ? value.join(", ") : String(value)).trim();
  const key = name.trim().toLowerCase();
  const before = out.get(key);
  out.set(key, before === undefined ? v : `${before}, ${v}`.trim());
}

/** The headers with an empty value dropped: they are never signed. */
function withoutEmpty(out: Map<string, string>): Map<string, string> {
  for (const [name, value] of out) if (value === "") out.delete(name);
  return out;
}

/** The refusal of headers that are none of what fetch takes (quoting none of them: a value may be secret). */
const headersRefused = () =>
  new TypeError("headers must be a record, a Headers, or [name, value] pairs of header names and values");

export interface CanonicalHeaders {
  /** Lines `UriEncode(name):UriEncode(value)`, sorted, joined with `\n`. */
  canonicalHeaders: string;
  /** The names actually signed, lowercase and sorted (the Authorization's signedHeaders). */
  signedHeaders: string[];
}

/**
 * CanonicalHeaders over `headersToSign` (case-insensitive), or by default over host,
 * content-length, content-type, content-md5 and every `x-bce-*` header. Headers that are
 * absent or empty are skipped, and so are not listed in `signedHeaders`.
 */
export function canonicalHeaders(
  headers: HeaderInput | Map<string, string> | undefined,
  headersToSign?: readonly string[],
): CanonicalHeaders {
  const [lines, names] = headerLines(normalizeHeaders(headers), headersToSign);
  return { canonicalHeaders: lines, signedHeaders: names };
}

/**
 * `canonicalHeaders` of normalized headers: the lines and the names signed. A named header of an
 * empty value (only a verifier's `receivedHeaders` keep one) is signed as `name:`; the default set
 * never takes one.
 */
export function headerLines(headers: Map<string, string>, headersToSign?: readonly string[]): [string, string[]] {
  const wanted = headersToSign && new Set(headersToSign.map((h) => h.trim().toLowerCase()));
  const names: string[] = [];
  const lines: string[] = [];
  headers.forEach((value, name) => {
    if (
      wanted
        ? // Not the Authorization itself, which the signature replaces (as bce-sdk-go's getCanonicalHeaders skips it).
          wanted.has(name) && name !== "authorization"
        : value &&
          (name.startsWith("x-bce-") ||
            name === "host" ||
            name === "content-type" ||
            name === "content-length" ||
            name === "content-md5")
    ) {
      const line = `${uriEncode(name)}:${headerValueEncode(value)}`;
      // Kept in order as they come while they are few (a call signs a handful: faster than a sort);
      // past that, sorted once at the end (inserted one by one, a record of many thousand headers
      // in another order took quadratic time).
      if (names.length < FEW_HEADERS) {
        insertSorted(names, name);
        insertSorted(lines, line);
      } else {
        names.push(name);
        lines.push(line);
      }
    }
  });
  // Lines sort on their encoded text, names on themselves: the two orders can differ.
  if (names.length > FEW_HEADERS) {
    names.sort();
    lines.sort();
  }
  return [lines.join("\n"), names];
}

/** How many signed headers are kept in order one by one (see headerLines). */
const FEW_HEADERS = 16;

/** Insertion in UTF-16 code unit order (as Array#sort's default): for the first few headers. */
function insertSorted(list: string[], item: string): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > item) list[i] = list[--i]!;
  list[i] = item;
}

/**
 * UriEncode of a header value over the bytes that carry it. fetch and node:http send a value's
 * characters up to U+00FF one byte each (they refuse any above), and a server reads and signs the
 * bytes it got (as the official SDKs sign the bytes they send: baidubce/bce-sdk-go
 * auth/signer.go@de4b16ed428ef08f0d4acf579e8f66f182322441, getCanonicalHeaders), so `é` is `%E9`,
 * not its UTF-8 `%C3%A9`. A value with a character above U+00FF, which no JavaScript sender can
 * send as such, is taken as UTF-8, the form other senders (bce-sdk-go) use.
 */
function headerValueEncode(value: string): string {
  return isByteText(value)
    ? value.replace(/[^\w.~-]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)
    : uriEncode(value);
}

/**
 * Whether a header's text holds a character from U+0080 to U+00FF and none above: bytes as fetch
 * and node:http carry and read them, a character a byte (to sign as such, or to read as UTF-8).
 */
export const isByteText = (text: string): boolean => /[\x80-\xff]/.test(text) && !/[\u0100-\uffff]/.test(text);

export interface CanonicalRequestInput {
  method: string;
  /** URL path, percent-encoded or not (see `canonicalUri`). */
  path: string;
  query?: QueryInput | undefined;
  headers?: HeaderInput | Map<string, string> | undefined;
  /** Names to sign; omitted or empty means the default set. */
  headersToSign?: readonly string[] | undefined;
}

/** `METHOD\nCanonicalURI\nCanonicalQueryString\nCanonicalHeaders`, no trailing newline. */
export function buildCanonicalRequest(input: CanonicalRequestInput): {
  canonicalRequest: string;
  signedHeaders: string[];
} {
  const toSign = input.headersToSign?.length ? input.headersToSign : undefined;
  const headers = canonicalHeaders(input.headers, toSign);
  return {
    canonicalRequest: canonicalRequest(
      input.method,
      input.path,
      canonicalQueryString(input.query),
      headers.canonicalHeaders,
    ),
    signedHeaders: headers.signedHeaders,
  };
}

/** The canonical request of a method and path, from its canonical query and header lines. */
export const canonicalRequest = (method: string, path: string, query: string, headerLines: string): string =>
  `${method.toUpperCase()}\n${canonicalUri(path)}\n${query}\n${headerLines}`;

// Requests signed within one minute share the formatted minute.
let lastMinute = NaN;
let minuteText = "";

/** 9999-12-31T23:59:59Z: the last time `x-bce-date` (`YYYY-MM-DDThh:mm:ssZ`) can carry. */
export const MAX_SIGNING_TIME = 253_402_300_799_000;

/**
 * UTC `YYYY-MM-DDThh:mm:ssZ` without milliseconds; a number is milliseconds since the epoch. A
 * time that form cannot carry (before 1970, after 9999) is a RangeError.
 */
export function formatBceDate(time: Date | number): string {
  // A Date by its getTime, so one from another realm (a vm context, an iframe) is one too.
  const ms = Math.trunc(typeof time === "number" ? time : typeof time?.getTime === "function" ? time.getTime() : NaN);
  // Date's own range (±8.64e15 ms).
  if (!(Math.abs(ms) <= 8.64e15)) throw new RangeError("timestamp is not a valid date");
  if (!(ms >= 0 && ms < MAX_SIGNING_TIME + 1000))
    throw new RangeError(
      "timestamp must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z (x-bce-date is YYYY-MM-DDThh:mm:ssZ)",
    );
  return bceDate(ms);
}

const BCE_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Whether a text is `YYYY-MM-DDThh:mm:ssZ` of a real time. Date.parse may roll an impossible date
 * (02-30) over instead of failing: the time is written back and compared.
 */
export function isBceDate(text: string): boolean {
  if (!BCE_DATE.test(text)) return false;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && new Date(ms).toISOString() === `${text.slice(0, -1)}.000Z`;
}

/** A timestamp given as text, checked as formatBceDate checks a time: the form, a real time, 1970 on. */
export function checkBceDate(text: string): string {
  if (!isBceDate(text) || Date.parse(text) < 0)
    throw new RangeError(
      `timestamp ${JSON.stringify(text.slice(0, 40))} is not a time as x-bce-date writes it (YYYY-MM-DDThh:mm:ssZ)`,
    );
  return text;
}

/**
 * formatBceDate of a number of milliseconds it accepts, unchecked: whole, or from 0 up (the
 * transport's signing time, which signingTime has checked), where flooring is truncating.
 */
export function bceDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  const minute = Math.floor(second / 60);
  // `YYYY-MM-DDThh:mm:` (a year past 9999 has six digits and a sign): the ISO text without `ss.sssZ`.
  if (minute !== lastMinute) minuteText = new Date(minute * 60000).toISOString().slice(0, -7);
  lastMinute = minute;
  const s = second - minute * 60;
  return `${minuteText}${s < 10 ? "0" : ""}${s}Z`;
}
