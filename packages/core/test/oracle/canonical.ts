// The bce-auth-v1 canonicalization as it was before the lean rewrite of src/signing/canonical.ts,
// kept (verbatim but for the two amendments said at the end) as the oracle of test/canonical-oracle.test.ts. Not shipped; do not edit.
import { headerValue } from "./header-value.js";

// bce-auth-v1 canonical forms (https://intl.cloud.baidu.com/doc/Reference/s/njwvz1yfu-en).
// Pure string functions: no crypto, no I/O.

/** Query parameters: a raw query string (leading `?` optional), URLSearchParams, or a record. */
export type QueryInput =
  | string
  | URLSearchParams
  | Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Headers: a Fetch `Headers`, or a record (Node's `IncomingHttpHeaders` fits: arrays are joined with `, `). */
export type HeaderInput = Headers | Readonly<Record<string, string | number | readonly string[] | undefined>>;

/** Headers signed when the caller names none: these four plus every `x-bce-*` header. */
const DEFAULT_SIGNED = new Set(["host", "content-length", "content-type", "content-md5"]);

const UNRESERVED_ONLY = /^[A-Za-z0-9\-_.~]*$/;

/**
 * UriEncode: UTF-8 bytes; `A-Z a-z 0-9 - _ . ~` kept, every other byte `%XY` (uppercase).
 * encodeURIComponent does exactly that except for `! ' ( ) *`, which it keeps; a lone surrogate
 * becomes U+FFFD first, as UTF-8 encoding (TextEncoder) makes it.
 */
export function uriEncode(value: string): string {
  if (UNRESERVED_ONLY.test(value)) return value; // the common case: nothing to encode
  return encodeURIComponent(value.replace(/\p{Surrogate}/gu, "\uFFFD")).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * CanonicalURI of a URL path. `%XY` escapes are decoded segment by segment first, so the
 * percent-encoded path of a URL (`/a%20b`) and the plain path (`/a b`) agree, while an
 * escaped `%2F` stays inside its segment. A segment that is not valid percent-encoding is
 * taken literally. Empty path is `/`.
 */
export function canonicalUri(path: string): string {
  if (path === "") return "/";
  const withSlash = path.startsWith("/") ? path : `/${path}`;
  return withSlash
    .split("/")
    .map((segment) => uriEncode(safeDecode(segment)))
    .join("/");
}

function safeDecode(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * CanonicalQueryString. Each parameter becomes `UriEncode(key)=UriEncode(value)` (`key=` for
 * a null or empty value, so `?rebuild` and `?rebuild=` agree); `authorization` in any case is
 * left out; the encoded strings are sorted (not the keys: `text10=` sorts before `text1=`).
 * In a record, `undefined` means absent (as openapi-fetch drops it), `null` means empty.
 */
export function canonicalQueryString(query: QueryInput | undefined): string {
  const pairs: string[] = [];
  for (const [key, value] of queryEntries(query)) {
    if (key.toLowerCase() === "authorization") continue;
    pairs.push(`${uriEncode(key)}=${uriEncode(value)}`);
  }
  return pairs.sort().join("&");
}

function queryEntries(query: QueryInput | undefined): Array<[string, string]> {
  if (query === undefined) return [];
  if (typeof query === "string") {
    return [...new URLSearchParams(query.startsWith("?") ? query.slice(1) : query)];
  }
  if (query instanceof URLSearchParams) return [...query];
  const entries: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) entries.push([key, value === null ? "" : String(value)]);
  }
  return entries;
}

/** Lowercased, trimmed names to trimmed values; empty values dropped (they are never signed). */
export function normalizeHeaders(headers: HeaderInput | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, value: string): void => {
    const v = value.trim();
    if (v !== "") out.set(name.trim().toLowerCase(), v);
  };
  if (headers === undefined) return out;
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, name) => add(name, value));
    return out;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    add(name, Array.isArray(value) ? value.join(", ") : String(value));
  }
  return out;
}

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
  const normalized = headers instanceof Map ? headers : normalizeHeaders(headers);
  const wanted = headersToSign && new Set(headersToSign.map((h) => h.trim().toLowerCase()));
  const names: string[] = [];
  for (const [name, value] of normalized) {
    if (
      value !== "" &&
      (wanted ? wanted.has(name) && name !== "authorization" : DEFAULT_SIGNED.has(name) || name.startsWith("x-bce-"))
    )
      names.push(name);
  }
  names.sort();
  const lines = names.map((name) => `${uriEncode(name)}:${headerValue(normalized.get(name) ?? "")}`).sort();
  return { canonicalHeaders: lines.join("\n"), signedHeaders: names };
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
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(input.path),
    canonicalQueryString(input.query),
    headers.canonicalHeaders,
  ].join("\n");
  return { canonicalRequest, signedHeaders: headers.signedHeaders };
}

/** UTC `YYYY-MM-DDThh:mm:ssZ` without milliseconds; a number is milliseconds since the epoch. */
export function formatBceDate(time: Date | number): string {
  const ms = typeof time === "number" ? time : time.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("timestamp is not a valid date");
  return `${new Date(ms).toISOString().slice(0, -5)}Z`; // drop the milliseconds
}

// Amended (the two changes since it was copied): the Authorization is never signed, even when
// named; a header value is UriEncoded over the bytes that carry it (./header-value.ts).
