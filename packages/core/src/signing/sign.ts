import {
  canonicalQuery,
  canonicalQueryString,
  canonicalRequest,
  checkBceDate,
  formatBceDate,
  type HeaderInput,
  headerLines,
  normalizeHeaders,
  type CanonicalRequestInput,
} from "./canonical.js";
import { signCanonical } from "#hmac";
import { authStringPrefix, EXPIRATION_RULE } from "./hmac.js";
import type { KeyStore, SigningKeyCache } from "./key-cache.js";
// The package's one Credentials type; its sessionToken is sent (and signed) as x-bce-security-token.
import type { Credentials } from "../credentials.js";
import { option, optionNames, own } from "../internal/check-runtime.js";

export interface SignOptions {
  /** Signing time (a number is milliseconds since the epoch). Default: now. */
  timestamp?: Date | number | undefined;
  /**
   * Validity of the signature. Default 1800, as in the official SDKs (DEFAULT_EXPIRE_SECONDS in
   * baidubce/bce-sdk-go auth/signer.go@de4b16ed428ef08f0d4acf579e8f66f182322441).
   */
  expirationInSeconds?: number | undefined;
  /**
   * Headers to sign. Default: host, content-length, content-type, content-md5 and every
   * `x-bce-*` header present. `host` (and the session token header) are always added.
   */
  headersToSign?: readonly string[] | undefined;
  /**
   * Signing keys to reuse from one request to the next (`createSigningKeyCache()`, one per
   * client). Without it every request derives its signing key afresh.
   */
  signingKeys?: SigningKeyCache | undefined;
}

export interface SignableRequest {
  method: string;
  /** Absolute URL; its path, query and host (when there is no Host header) are signed. */
  url: string | URL;
  /** As fetch takes them: a record, a Headers, or [name, value] pairs (an array, a Map). */
  headers?: Record<string, string | number | undefined> | Headers | Iterable<readonly [string, string]> | undefined;
}

/**
 * The headers to add to the request. A type, not an interface: a record of strings, so it is
 * `HeadersInit` (fetch, `new Headers`) and node:http's headers as it is.
 */
export type SignedHeaders = {
  authorization: string;
  "x-bce-date": string;
  "x-bce-security-token"?: string;
};

export const DEFAULT_EXPIRATION_SECONDS = 1800;

export interface AuthorizationInput extends CanonicalRequestInput {
  accessKeyId: string;
  secretAccessKey: string;
  /** `YYYY-MM-DDThh:mm:ssZ`, a Date, or milliseconds since the epoch. */
  timestamp: string | Date | number;
  expirationInSeconds?: number | undefined;
  /** Signing keys to reuse (`createSigningKeyCache()`); none by default. */
  signingKeys?: SigningKeyCache | undefined;
}

export interface AuthorizationResult {
  /** The full header value, signedHeaders listed. */
  authorization: string;
  signature: string;
  signedHeaders: string[];
}

/** A value now (the node:crypto branch) or later (the Web Crypto branch). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Signs exactly the request described (adds no header): the step the SDKs call
 * generateAuthorization. `signRequest` builds on it.
 */
export async function buildAuthorization(input: AuthorizationInput): Promise<AuthorizationResult> {
  return computeAuthorization(input);
}

/**
 * `buildAuthorization` without the Promise where the platform signs synchronously: a value on
 * the node:crypto branch, a Promise on the Web Crypto branch.
 */
export function computeAuthorization(input: AuthorizationInput): MaybePromise<AuthorizationResult> {
  if (typeof input?.method !== "string" || input.method === "" || typeof input.path !== "string")
    throw new TypeError("input must have a method (non-empty) and a path, as strings");
  assertKeys(input.accessKeyId, input.secretAccessKey);
  assertHeadersToSign(input.headersToSign);
  const { timestamp, headers } = input;
  return authorize(
    input,
    typeof timestamp === "string" ? checkBceDate(timestamp) : formatBceDate(timestamp),
    expiration(input.expirationInSeconds),
    input.method,
    input.path,
    canonicalQueryString(input.query),
    normalizeHeaders(headers),
    input.headersToSign,
    input.signingKeys,
    (authorization, signature, signedHeaders) => ({ authorization, signature, signedHeaders }),
  );
}

/** The validity of a signature, checked. */
export function expiration(seconds = DEFAULT_EXPIRATION_SECONDS): number {
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new RangeError(EXPIRATION_RULE);
  }
  return seconds;
}

/**
 * The one signer under every entry point, its input checked: the query canonical, the headers
 * normalized. `finish` makes the result of the Authorization, its signature and the names signed.
 */
function authorize<T>(
  keys: Credentials,
  timestamp: string,
  expirationInSeconds: number,
  method: string,
  path: string,
  query: string,
  headers: Map<string, string>,
  headersToSign: readonly string[] | undefined,
  signingKeys: SigningKeyCache | KeyStore | undefined,
  finish: (authorization: string, signature: string, signedHeaders: string[]) => T,
): MaybePromise<T> {
  const [lines, signedHeaders] = headerLines(headers, headersToSign?.length ? headersToSign : undefined);
  const prefix = authStringPrefix(keys.accessKeyId, timestamp, expirationInSeconds);
  const done = (signature: string): T =>
    finish(`${prefix}/${signedHeaders.join(";")}/${signature}`, signature, signedHeaders);
  const signature = signCanonical(
    keys.secretAccessKey,
    prefix,
    canonicalRequest(method, path, query, lines),
    signingKeys,
  );
  return typeof signature === "string" ? done(signature) : signature.then(done);
}

/**
 * Signs a request with bce-auth-v1 and returns the headers to add (`authorization`,
 * `x-bce-date`, and `x-bce-security-token` for STS credentials). Needs no Node API. A header value
 * is signed as the bytes fetch and node:http send: a character up to U+00FF is one byte (`é` is
 * E9); one with a character above is UTF-8. For a client that sends UTF-8 (curl), give such a
 * value as its UTF-8 bytes, one character each (the authentication guide shows how).
 */
export async function signRequest(
  request: SignableRequest,
  credentials: Credentials,
  options: SignOptions = {},
): Promise<SignedHeaders> {
  // A misspelt option (`expirationInSecond`, `timeStamp`) would be ignored, its default signed instead.
  if (options !== null && typeof options === "object")
    for (const key of optionNames(options))
      if (!SIGN_OPTION_NAMES.includes(key))
        throw new TypeError(
          `options.${key} is not an option of signRequest; its options are ${SIGN_OPTION_NAMES.join(", ")}`,
        );
  // A record is refused where pairs are (signed, it made a request fetch refuses, with an error
  // quoting the value): a name that is no header name, or a line break or NUL inside a value.
  const headers = request?.headers;
  if (typeof headers === "object" && headers !== null && !(headers instanceof Headers) && !(Symbol.iterator in headers))
    for (const [name, value] of Object.entries(headers))
      if (
        !/^[!#$%&'*+.^`|~\w-]+$/.test(name.trim()) ||
        /[\0\r\n]/.test((Array.isArray(value) ? value.join(", ") : String(value ?? "")).trim())
      )
        throw refused();
  return computeSignedHeaders(request, credentials, options);
}

/** The refusal of headers that are none of what fetch takes (quoting none of them: a value may be secret). */
const refused = () =>
  new TypeError("request.headers must be a record, a Headers, or [name, value] pairs of header names and values");

/**
 * Every option of SignOptions: `satisfies` keeps the list in step with the interface. Pure: a
 * bundle without signRequest (a client's) leaves it out.
 */
const SIGN_OPTION_NAMES = /* @__PURE__ */ Object.keys({
  timestamp: 0,
  expirationInSeconds: 0,
  headersToSign: 0,
  signingKeys: 0,
} satisfies Record<keyof SignOptions, 0>);

/**
 * `signRequest` without the Promise where the platform signs synchronously: a value on the
 * node:crypto branch, a Promise on the Web Crypto branch.
 */
export function computeSignedHeaders(
  request: SignableRequest,
  credentials: Credentials,
  options: SignOptions = {},
): MaybePromise<SignedHeaders> {
  // Never an option or a key only a polluted Object.prototype holds (a `sessionToken` there would be
  // sent and signed with every request): read as `options.timestamp` reads them otherwise.
  const read = <T>(from: unknown, name: string) =>
    (typeof from === "object" && from !== null ? option(from, name) : undefined) as T | undefined;
  const keys =
    typeof credentials === "object" && credentials !== null
      ? {
          accessKeyId: read<string>(credentials, "accessKeyId") as string,
          secretAccessKey: read<string>(credentials, "secretAccessKey") as string,
          sessionToken: read<string>(credentials, "sessionToken"),
        }
      : credentials;
  return signHeaders(
    request,
    keys,
    read<Date | number>(options, "timestamp") ?? Date.now(),
    read<number>(options, "expirationInSeconds"),
    read<readonly string[]>(options, "headersToSign"),
    read<SigningKeyCache>(options, "signingKeys"),
  );
}

/**
 * `computeSignedHeaders` with its options as arguments, every argument checked: what
 * `signingHeaders` (signFetchRequest, the signing middleware) signs with. The transport signs with
 * `signKnownHeaders` (through `knownSigningHeaders`).
 */
export function signHeaders(
  request: SignableRequest,
  credentials: Credentials,
  timestamp: Date | number,
  expirationInSeconds: number | undefined,
  headersToSign: readonly string[] | undefined,
  signingKeys: SigningKeyCache | undefined,
): MaybePromise<SignedHeaders> {
  assertKeys(credentials?.accessKeyId, credentials?.secretAccessKey);
  assertSessionToken(own(credentials, "sessionToken"));
  assertHeadersToSign(headersToSign);
  if (typeof request?.method !== "string" || request.method === "")
    throw new TypeError("request.method must be a non-empty string");
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new TypeError("request.url must be an absolute URL");
  }
  // Pairs (an array, a Map) read as fetch reads them: as a record, they were signed as headers "0", "1"..., or as none.
  const { headers } = request;
  if (headers !== undefined && !(headers instanceof Headers)) {
    if (typeof headers !== "object" || headers === null) throw refused();
    if (Symbol.iterator in headers) {
      try {
        request = { ...request, headers: new Headers([...(headers as Iterable<[string, string]>)]) };
      } catch {
        // Not Headers' own error, which may quote a value.
        throw refused();
      }
    }
  }
  return signKnownHeaders(
    request.method,
    url,
    // A record or a Headers: pairs were read into a Headers above.
    normalizeHeaders(request.headers as HeaderInput | undefined),
    credentials,
    formatBceDate(timestamp),
    expiration(expirationInSeconds),
    headersToSign,
    signingKeys,
  );
}

/**
 * `signHeaders` for keys, a method and a URL known good: keys a credentials resolver has checked
 * (checkCredentials refuses all that assertKeys refuses), a method and an absolute URL that fetch
 * or openapi-fetch made (`url`, read), the date formatted and the validity checked. What the
 * transport signs with, so the checks of the public entry points stay out of a client's bundle.
 * (Both callers normalize the headers, format the date and check the validity, in that order:
 * the same input fails with the same error whichever of them signs it.)
 */
export function signKnownHeaders(
  method: string,
  /** The request's URL, read. */
  url: URL,
  /** The request's headers, normalized (normalizeHeaders): a Map of their own, which the signing headers go into. */
  headers: Map<string, string>,
  credentials: Credentials,
  /** The `x-bce-date`. */
  date: string,
  /** Checked (`expiration`). */
  expirationInSeconds: number,
  headersToSign: readonly string[] | undefined,
  signingKeys: SigningKeyCache | KeyStore | undefined,
): MaybePromise<SignedHeaders> {
  // fetch sets Host itself, so it is usually absent here; URL.host keeps only a non-default port.
  if (!headers.has("host")) headers.set("host", url.host);
  headers.set("x-bce-date", date);
  // Trimmed, as every header value is signed, and as fetch sends it (a token read from a file ends in a line break).
  // Its own: a keys object a resolver checked holds no token when none was given, and one only a
  // polluted Object.prototype holds would be sent and signed with every request.
  const token = own(credentials, "sessionToken")?.trim();
  if (token) headers.set("x-bce-security-token", token);
  // A verifier needs host, and a session token must be covered by the signature.
  if (headersToSign?.length) headersToSign = [...headersToSign, "host", ...(token ? ["x-bce-security-token"] : [])];

  return authorize(
    credentials,
    date,
    expirationInSeconds,
    method,
    url.pathname,
    canonicalQuery(url.search),
    headers,
    headersToSign,
    signingKeys,
    (authorization): SignedHeaders => ({
      authorization,
      "x-bce-date": date,
      ...(token && { "x-bce-security-token": token }),
    }),
  );
}

// The access key id checked last (not a secret): a client signs with the same one every time.
// Undefined until one passes, so that no id (the empty one included) skips the first check.
let checkedAccessKeyId: string | undefined;

/**
 * A list of header names, or nothing: a string ("content-type") was spread into letters, and the
 * request signed with host alone, the header meant to be covered left out.
 */
function assertHeadersToSign(names: unknown): void {
  if (names !== undefined && !(Array.isArray(names) && names.every((name) => typeof name === "string")))
    throw new TypeError("headersToSign must be an array of header names");
}

/**
 * A session token goes out as the x-bce-security-token header, and is signed. Another value than
 * a string was signed as its string (`[object Object]`), and a line break or other control
 * character inside it (not at its ends, which a header's value loses) made headers that fetch
 * refuses with an error quoting the token.
 */
function assertSessionToken(token: unknown): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
  if (token != null && (typeof token !== "string" || /[\x00-\x1f\x7f]/.test(token.trim())))
    throw new TypeError("sessionToken must be a string without line breaks or other control characters");
  // Spaces alone were no token once trimmed: the request went out signed with the keys alone.
  if (token !== "" && token?.trim() === "")
    throw new TypeError('sessionToken is blank (give the token, or "" for none)');
}

function assertKeys(accessKeyId: unknown, secretAccessKey: unknown): void {
  // What the authorization string can carry (split on "/"), and a header: the client's keys are
  // held to the same (checkCredentials).
  if (typeof accessKeyId !== "string" || (accessKeyId !== checkedAccessKeyId && !/^[!-.0-~]+$/.test(accessKeyId))) {
    throw new TypeError('accessKeyId must be a non-empty string of visible ASCII characters, without "/"');
  }
  checkedAccessKeyId = accessKeyId;
  if (typeof secretAccessKey !== "string" || secretAccessKey === "") {
    throw new TypeError("secretAccessKey must be a non-empty string");
  }
}
