import { canonicalQueryString, canonicalRequest, headerLines, receivedHeaders, type HeaderInput } from "./canonical.js";
import { parseAuthorization } from "./authorization.js";
import { signCanonical } from "#hmac";
import { authStringPrefix, timingSafeEqual } from "./hmac.js";
import type { SigningKeyCache } from "./key-cache.js";

/** A request as a server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path as on the wire (percent-encoded). May carry `?query` (Node's `req.url`) when `query` is omitted. */
  path: string;
  /**
   * Raw query string, best with its leading `?` (`url.search`; without it, a query that itself
   * starts with `?` loses that one): `rebuild` and `rebuild=` verify alike. Absent (or null, as
   * Node's legacy `url.parse` gives none): read from `path`.
   */
  query?: string | null | undefined;
  /** As Node reads them (`req.headers`): a character for each byte received, which is what is signed. */
  headers: HeaderInput;
}

/**
 * How far ahead of the verifier's clock a signature's timestamp may be, in seconds: 15 minutes. BCE
 * publishes no figure for the window (it answers a request dated too far ahead 403
 * `RequestTimeTooSkewed`, the code the official JavaScript SDK signs again after, in its release
 * 1.0.7, https://unpkg.com/@baiducloud/sdk@1.0.7/src/bce_base_client.js); 15 minutes is the one
 * signature-v4 services use.
 */
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 15 * 60;

export interface VerifyOptions {
  /** Secret access key of an access key id, or undefined when the id is unknown. */
  getSecretAccessKey: (accessKeyId: string) => string | undefined | Promise<string | undefined>;
  /** Time to check expiry (and skew) against. Default: now. */
  now?: Date | number | undefined;
  /**
   * How far ahead of `now` a signature's timestamp may be, in seconds (`Infinity`: any); further is
   * `RequestTimeTooSkewed`. Default: DEFAULT_MAX_CLOCK_SKEW_SECONDS (900). A past timestamp is judged
   * by its expiration (`RequestExpired`).
   */
  maxClockSkewSeconds?: number | undefined;
  /** Signing keys to reuse across requests (`createSigningKeyCache`); none by default. */
  signingKeys?: SigningKeyCache | undefined;
}

export type VerifyErrorCode =
  | "InvalidHTTPAuthHeader"
  | "InvalidAccessKeyId"
  | "SignatureDoesNotMatch"
  | "RequestExpired"
  | "RequestTimeTooSkewed";

export type VerifyResult =
  | {
      ok: true;
      accessKeyId: string;
      signedHeaders: string[];
      /** The signature's timestamp (`YYYY-MM-DDThh:mm:ssZ`), for a check of clock skew. */
      timestamp: string;
    }
  | { ok: false; code: VerifyErrorCode; message: string };

/**
 * Checks a bce-auth-v1 signature the way the service does, for the mock server. Accepts a
 * listed signedHeaders (any set that includes host) and the empty form (the default set). The
 * authentication string is the `Authorization` header's or, with no such header, the query's
 * `authorization` parameter (a URL signed for a third party; any case, as the canonical query
 * leaves it out in any case: https://intl.cloud.baidu.com/doc/Reference/s/3jwvz1x2e-en).
 * Messages are safe to return to the client: they never contain a key, token or signature.
 */
export async function verifyRequest(request: ReceivedRequest, options: VerifyOptions): Promise<VerifyResult> {
  if (typeof request?.method !== "string" || typeof request.path !== "string")
    throw new TypeError("request must have a method and a path, as strings");
  if (request.query != null && typeof request.query !== "string")
    throw new TypeError("request.query must be the raw query string (as on the wire), if given");
  if (typeof options?.getSecretAccessKey !== "function")
    throw new TypeError("options.getSecretAccessKey must be a function");
  const { maxClockSkewSeconds = DEFAULT_MAX_CLOCK_SKEW_SECONDS } = options;
  if (!(typeof maxClockSkewSeconds === "number" && maxClockSkewSeconds >= 0))
    throw new RangeError("options.maxClockSkewSeconds must be a number of seconds, at least 0 (Infinity for any)");
  const fail = (code: VerifyErrorCode, message: string): VerifyResult => ({ ok: false, code, message });
  // Empty values kept: a signer may list a header it sent empty (see below); read once.
  const received = receivedHeaders(request.headers);

  let { path } = request;
  let query = request.query ?? undefined;
  // The query with its `?`: one that starts with another `?` (`/p??a=1`) keeps it.
  if (query === undefined && path.includes("?")) [path, query] = splitOnce(path, "?");
  const parsed = parseAuthorization(received.get("authorization") || queryParameter(query, "authorization"));
  if (!parsed.ok) return fail("InvalidHTTPAuthHeader", parsed.reason);
  const auth = parsed.authorization;
  if (auth.signedHeaders.length > 0 && !auth.signedHeaders.includes("host")) {
    return fail("InvalidHTTPAuthHeader", "signedHeaders must include host");
  }
  // An `x-bce-date` other than the Authorization timestamp is taken (the signature covers it when
  // signed): bce-sdk-go sets it (baidubce/bce-sdk-go bce/client.go@085a1d70533fd3f293892936cec3ffa2dcadc7eb,
  // buildHttpRequest) before its signer reads the clock again or takes `SignOptions.Timestamp`
  // (baidubce/bce-sdk-go auth/signer.go@de4b16ed428ef08f0d4acf579e8f66f182322441), so its two differ when a second
  // passes between them, and always with a timestamp set.

  const secretAccessKey = await options.getSecretAccessKey(auth.accessKeyId);
  // The id is not quoted: an unknown one is often a secret key or session token given in its place.
  if (!secretAccessKey) return fail("InvalidAccessKeyId", "the access key id in Authorization does not exist");
  if (typeof secretAccessKey !== "string")
    throw new TypeError("options.getSecretAccessKey must return a string, or undefined for an unknown id");

  let now = Number.NaN;
  try {
    now = options.now === undefined ? Date.now() : Number(options.now);
  } catch {
    // A Symbol, or an object whose valueOf throws: no time, refused below.
  }
  if (!Number.isFinite(now)) throw new RangeError("options.now is not a valid time");
  const signedAt = Date.parse(auth.timestamp);
  // Dated ahead of the clock by more than the window: a signature made for later (or by a clock
  // far ahead), which its expiration alone would let through for all that time.
  const ahead = signedAt - now;
  if (ahead > maxClockSkewSeconds * 1000) return fail("RequestTimeTooSkewed", tooFarAhead(ahead, maxClockSkewSeconds));
  const expiresAt = signedAt + auth.expirationInSeconds * 1000;
  if (now > expiresAt)
    // An expiry past the year 275760 (a Date's last) is not named, rather than thrown as a RangeError.
    return fail(
      "RequestExpired",
      `request expired${expiresAt <= 8.64e15 ? ` at ${new Date(expiresAt).toISOString()}` : ""}`,
    );

  // A header listed and sent empty is signed as `name:`, as bce-sdk-go signs it (baidubce/bce-sdk-go
  // auth/signer.go@de4b16ed428ef08f0d4acf579e8f66f182322441, getCanonicalHeaders, which trims a
  // value and skips none).
  const missing = auth.signedHeaders.find((name) => !received.has(name));
  if (missing !== undefined) return fail("SignatureDoesNotMatch", `signed header ${missing} is missing`);

  const named = auth.signedHeaders.length > 0;
  const [lines, defaultNames] = headerLines(received, named ? auth.signedHeaders : undefined);
  // The names the signature covers: never `authorization`, which it replaces.
  const signedHeaders = named ? auth.signedHeaders.filter((name) => name !== "authorization") : defaultNames;
  const canonical = canonicalRequest(request.method, path, canonicalQueryString(query), lines);
  const prefix = authStringPrefix(auth.accessKeyId, auth.timestamp, auth.expirationInSeconds);
  const expected = await signCanonical(secretAccessKey, prefix, canonical, options.signingKeys);
  if (!timingSafeEqual(expected, auth.signature)) {
    return fail("SignatureDoesNotMatch", "the request signature does not match the one computed for it");
  }
  return { ok: true, accessKeyId: auth.accessKeyId, signedHeaders, timestamp: auth.timestamp };
}

/** What a refusal of a signature dated `aheadMs` ahead of a window of `maxSeconds` says. */
export const tooFarAhead = (aheadMs: number, maxSeconds: number): string =>
  `the request time is ${Math.round(aheadMs / 1000)} s ahead of the server's time (at most ${maxSeconds} s allowed)`;

/**
 * The value of a query's first parameter `name` (lowercase; matched in any case), decoded (as it
 * came when it does not decode); undefined with none.
 */
export function queryParameter(query: string | undefined, name: string): string | undefined {
  if (!query) return undefined;
  for (const pair of query.replace(/^\?/, "").split("&")) {
    const at = pair.indexOf("=");
    if (at < 0 || pair.slice(0, at).toLowerCase() !== name) continue;
    try {
      return decodeURIComponent(pair.slice(at + 1));
    } catch {
      return pair.slice(at + 1);
    }
  }
  return undefined;
}

/** `text` before the first `separator`, and from it on (the separator kept). */
function splitOnce(text: string, separator: string): [string, string] {
  const i = text.indexOf(separator);
  return [text.slice(0, i), text.slice(i)];
}
