// src/signing/canonical.ts as it was before the signing path was slimmed down, kept verbatim (but for the amendments
// at the end) as the canonicalization of the signer oracle (./sign.ts). Not shipped; do not edit.
import { headerValue } from "./header-value.js";

// bce-auth-v1 canonical forms (https://intl.cloud.baidu.com/doc/Reference/s/njwvz1yfu-en).
// Pure string functions: no crypto, no I/O. Written for the common case (ASCII paths, short
// queries, a handful of headers) with a fast path that does no encoding work when there is none
// to do; test/canonical-oracle.test.ts proves them equal to the plain implementation they replace.

/** Query parameters: a raw query string (leading `?` optional), URLSearchParams, or a record. */
export type QueryInput =
  | string
  | URLSearchParams
  | Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Headers: a Fetch `Headers`, or a record (Node's `IncomingHttpHeaders` fits: arrays are joined with `, `). */
export type HeaderInput = Headers | Readonly<Record<string, string | number | readonly string[] | undefined>>;

// Per ASCII code: 0 must be %-encoded, 1 unreserved (kept), 2 kept by encodeURIComponent but
// not by UriEncode (`! ' ( ) *`).
const CLASS = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~") CLASS[ch.charCodeAt(0)] = 1;
for (const ch of "!'()*") CLASS[ch.charCodeAt(0)] = 2;
const KEPT_BY_ENCODE_URI_COMPONENT = /[!'()*]/g;
const escapeKept = (ch: string): string => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`;

/**
 * UriEncode: UTF-8 bytes; `A-Z a-z 0-9 - _ . ~` kept, every other byte `%XY` (uppercase).
 * encodeURIComponent does exactly that except for `! ' ( ) *`, which it keeps; a lone surrogate
 * becomes U+FFFD first, as UTF-8 encoding (TextEncoder) makes it.
 */
export function uriEncode(value: string): string {
  let unreserved = true;
  let kept = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const cls = code < 128 ? CLASS[code]! : 0;
    if (cls !== 1) {
      unreserved = false;
      if (cls === 2) kept = true;
    }
  }
  if (unreserved) return value; // the common case: nothing to encode
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    encoded = encodeURIComponent(value.replace(/\p{Surrogate}/gu, "\uFFFD")); // only a lone surrogate throws
  }
  return kept ? encoded.replace(KEPT_BY_ENCODE_URI_COMPONENT, escapeKept) : encoded;
}

const PLAIN_PATH = /^\/[A-Za-z0-9\-_.~/]*$/;

/**
 * CanonicalURI of a URL path. `%XY` escapes are decoded segment by segment first, so the
 * percent-encoded path of a URL (`/a%20b`) and the plain path (`/a b`) agree, while an
 * escaped `%2F` stays inside its segment. A segment that is not valid percent-encoding is
 * taken literally. Empty path is `/`.
 */
export function canonicalUri(path: string): string {
  if (PLAIN_PATH.test(path)) return path; // nothing to decode or encode
  if (path === "") return "/";
  const segments = (path.charCodeAt(0) === 0x2f ? path : `/${path}`).split("/");
  for (let i = 1; i < segments.length; i++) segments[i] = uriEncode(safeDecode(segments[i]!));
  return segments.join("/");
}

function safeDecode(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// One `key` or `key=value` of a query string whose form decoding and UriEncode change nothing.
const PLAIN_PAIR = /^[A-Za-z0-9\-_.~]*(=[A-Za-z0-9\-_.~]*)?$/;

/**
 * CanonicalQueryString. Each parameter becomes `UriEncode(key)=UriEncode(value)` (`key=` for
 * a null or empty value, so `?rebuild` and `?rebuild=` agree); `authorization` in any case is
 * left out; the encoded strings are sorted (not the keys: `text10=` sorts before `text1=`).
 * In a record, `undefined` means absent (as openapi-fetch drops it), `null` means empty.
 */
export function canonicalQueryString(query: QueryInput | undefined): string {
  if (query === undefined) return "";
  const pairs: string[] = [];
  const add = (key: string, value: string): void => {
    if (key.toLowerCase() === "authorization") return;
    pairs.push(`${uriEncode(key)}=${uriEncode(value)}`);
  };
  if (typeof query === "string") {
    // The query's `?`, then (as URLSearchParams's constructor does) one more at the start.
    let text = query.charCodeAt(0) === 0x3f ? query.slice(1) : query;
    if (text.charCodeAt(0) === 0x3f) text = text.slice(1);
    if (text === "") return "";
    for (const part of text.split("&")) {
      if (part === "") continue;
      if (PLAIN_PAIR.test(part)) {
        const eq = part.indexOf("=");
        add(eq < 0 ? part : part.slice(0, eq), eq < 0 ? "" : part.slice(eq + 1));
      } else {
        // `+`, `%XY` or other characters: decoded as application/x-www-form-urlencoded, as
        // URLSearchParams does (each `&`-separated part is decoded on its own there too; the
        // leading `&` keeps a `?` at the start of the part from being taken as the query's `?`).
        new URLSearchParams(`&${part}`).forEach((value, key) => {
          add(key, value);
        });
      }
    }
  } else if (query instanceof URLSearchParams) {
    query.forEach((value, key) => {
      add(key, value);
    });
  } else {
    for (const key of Object.keys(query)) {
      const value = query[key];
      if (value !== undefined) add(key, value === null ? "" : String(value));
    }
  }
  return pairs.length === 1 ? pairs[0]! : pairs.sort().join("&");
}

/** Lowercased, trimmed names to trimmed values; empty values dropped (they are never signed). */
export function normalizeHeaders(headers: HeaderInput | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (headers === undefined) return out;
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, name) => {
      const v = value.trim();
      if (v !== "") out.set(name.trim().toLowerCase(), v);
    });
    return out;
  }
  const record = headers as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    const raw = record[name];
    if (raw === undefined || raw === null) continue;
    const v = (typeof raw === "string" ? raw : Array.isArray(raw) ? raw.join(", ") : String(raw)).trim();
    if (v !== "") out.set(name.trim().toLowerCase(), v);
  }
  return out;
}

export interface CanonicalHeaders {
  /** Lines `UriEncode(name):UriEncode(value)`, sorted, joined with `\n`. */
  canonicalHeaders: string;
  /** The names actually signed, lowercase and sorted (the Authorization's signedHeaders). */
  signedHeaders: string[];
}

/** Signed when the caller names none: these four plus every `x-bce-*` header. */
function signedByDefault(name: string): boolean {
  return (
    name.startsWith("x-bce-") ||
    name === "host" ||
    name === "content-type" ||
    name === "content-length" ||
    name === "content-md5"
  );
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
  const normalized = headers instanceof Map ? headers : normalizeHeaders(headers);
  let wanted: Set<string> | undefined;
  if (headersToSign) {
    wanted = new Set();
    for (const h of headersToSign) wanted.add(h.trim().toLowerCase());
  }
  const names: string[] = [];
  const lines: string[] = [];
  normalized.forEach((value, name) => {
    if (value === "" || !(wanted ? wanted.has(name) && name !== "authorization" : signedByDefault(name))) return;
    insertSorted(names, name);
    insertSorted(lines, `${uriEncode(name)}:${headerValue(value)}`);
  });
  // Lines sort on their encoded text, names on themselves: the two orders can differ.
  let canonical = lines.length > 0 ? lines[0]! : "";
  for (let i = 1; i < lines.length; i++) canonical += `\n${lines[i]}`;
  return { canonicalHeaders: canonical, signedHeaders: names };
}

/** Insertion in UTF-16 code unit order (as Array#sort's default): the lists are a few entries long. */
function insertSorted(list: string[], item: string): void {
  let i = list.length;
  list.push(item);
  while (i > 0 && list[i - 1]! > item) {
    list[i] = list[i - 1]!;
    i--;
  }
  list[i] = item;
}

export interface CanonicalRequestInput {
  method: string;
  /** URL path, percent-encoded or not (see `canonicalUri`). */
  path: string;
  query?: QueryInput;
  headers?: HeaderInput | Map<string, string>;
  /** Names to sign; omitted or empty means the default set. */
  headersToSign?: readonly string[];
}

/** `METHOD\nCanonicalURI\nCanonicalQueryString\nCanonicalHeaders`, no trailing newline. */
export function buildCanonicalRequest(input: CanonicalRequestInput): {
  canonicalRequest: string;
  signedHeaders: string[];
} {
  const toSign = input.headersToSign && input.headersToSign.length > 0 ? input.headersToSign : undefined;
  const headers = canonicalHeaders(input.headers, toSign);
  const canonicalRequest = `${input.method.toUpperCase()}\n${canonicalUri(input.path)}\n${canonicalQueryString(input.query)}\n${headers.canonicalHeaders}`;
  return { canonicalRequest, signedHeaders: headers.signedHeaders };
}

// Requests signed within one second share their timestamp: it is formatted once.
let lastSecond = Number.NaN;
let lastDate = "";

/** UTC `YYYY-MM-DDThh:mm:ssZ` without milliseconds; a number is milliseconds since the epoch. */
export function formatBceDate(time: Date | number): string {
  const ms = typeof time === "number" ? time : time.getTime();
  // Date's own range (±8.64e15 ms) and truncation of fractional milliseconds.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new RangeError("timestamp is not a valid date");
  const second = Math.floor(Math.trunc(ms) / 1000);
  if (second !== lastSecond) {
    lastDate = formatSecond(second);
    lastSecond = second;
  }
  return lastDate;
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** Epoch seconds as `YYYY-MM-DDThh:mm:ssZ`, by arithmetic for years 1970-9999 (no Date made). */
function formatSecond(second: number): string {
  if (second < 0 || second >= 253402300800) return `${new Date(second * 1000).toISOString().slice(0, -5)}Z`;
  const days = Math.floor(second / 86400);
  const inDay = second - days * 86400;
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian calendar).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(inDay / 3600);
  const minutes = Math.floor((inDay % 3600) / 60);
  return `${year}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(inDay % 60)}Z`;
}

// Amended (the two changes since it was copied): the Authorization is never signed, even when
// named; a header value is UriEncoded over the bytes that carry it (./header-value.ts).
