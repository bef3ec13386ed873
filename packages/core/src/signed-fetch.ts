import type { Middleware } from "openapi-fetch";
import { credentialsResolver } from "./credentials-resolver.js";
import type { Credentials, CredentialsInput } from "./credentials.js";
import { checkFunction, checkNestedOptions, checkOnlyOptionNames, checkPositiveInteger } from "./edit-distance.js";
import { boundTo, isObject, isOptions, option, optionNames } from "./internal/check-runtime.js";
import { BceValidationError } from "./errors.js";
import { bceDate, MAX_SIGNING_TIME, recordHeaders } from "./signing/canonical.js";
import { createSigningKeyCache, type KeyStore, type SigningKeyCache } from "./signing/key-cache.js";
import { expiration, signHeaders, signKnownHeaders, type MaybePromise, type SignedHeaders } from "./signing/sign.js";

/** How requests are signed. */
export interface SigningOptions {
  /**
   * Seconds a signature stays valid; 1800 by default, as in the official SDKs (DEFAULT_EXPIRE_SECONDS
   * in baidubce/bce-sdk-go auth/signer.go@de4b16ed428ef08f0d4acf579e8f66f182322441).
   */
  expirationInSeconds?: number | undefined;
  /**
   * Headers to sign. Default: host, content-length, content-type, content-md5 and every
   * `x-bce-*` header (the STS `x-bce-security-token` included).
   */
  headersToSign?: readonly string[] | undefined;
  /** The clock, in milliseconds since the epoch; injectable for tests. Default `Date.now`. */
  clock?: (() => number) | undefined;
}

/** Every option of SigningOptions: `satisfies` keeps the list in step with the interface. */
const SIGNING_OPTION_NAMES = Object.keys({
  expirationInSeconds: 0,
  headersToSign: 0,
  clock: 0,
} satisfies Record<keyof SigningOptions, 0>);

/**
 * Refuse signing options a signature cannot be made with, naming the option. Returns them as
 * checked, copied: a change to the caller's object afterwards (a `headersToSign` array pushed to)
 * neither applies to the client or middleware made with them nor escapes these checks.
 */
export function checkSigningOptions(
  options: SigningOptions | undefined,
  prefix = "signing.",
): SigningOptions | undefined {
  if (options === undefined) return undefined;
  // A misspelt one (`expirationInSecond`) would otherwise be ignored, leaving the default in force.
  if (prefix) checkNestedOptions(options, "signing", SIGNING_OPTION_NAMES);
  // Each read once, never from a polluted Object.prototype (a `clock` there would date every signature).
  const seconds = option(options, "expirationInSeconds") as SigningOptions["expirationInSeconds"];
  // Called on the caller's object, as `signing.clock()` would be.
  const clock = boundTo(option(options, "clock"), options) as SigningOptions["clock"];
  const names = option(options, "headersToSign");
  checkPositiveInteger(`${prefix}expirationInSeconds`, seconds);
  checkFunction(`${prefix}clock`, clock);
  if (names !== undefined && !(Array.isArray(names) && names.every((name) => typeof name === "string")))
    throw new BceValidationError(`${prefix}headersToSign`, "type", "must be an array of header names");
  return { expirationInSeconds: seconds, clock, headersToSign: names && [...names] };
}

/**
 * The bce-auth-v1 headers (`authorization`, `x-bce-date`, and `x-bce-security-token` for STS
 * keys) for a request about to be sent: the one place where SigningOptions become a signature,
 * for the transport and the middleware alike. `headers` must hold the `content-length` that will
 * be sent when there is a body (fetch sends one for a byte body); it is not copied.
 * Synchronous where HMAC is (node:crypto), a Promise where it is not (Web Crypto): `await` the
 * result. `signingKeys` is the caller's own signing-key cache (one per client).
 */
export function signingHeaders(
  request: { method: string; url: string; headers: Record<string, string> },
  credentials: Credentials,
  options: SigningOptions = {},
  clockOffsetMs = 0,
  signingKeys?: SigningKeyCache,
): MaybePromise<SignedHeaders> {
  const time = signingTime(options, clockOffsetMs);
  return signHeaders(
    request,
    credentials,
    time,
    option(options, "expirationInSeconds") as number | undefined,
    option(options, "headersToSign") as readonly string[] | undefined,
    signingKeys,
  );
}

/**
 * `signingHeaders` for credentials a credentials resolver has checked and a request fetch or
 * openapi-fetch built (a method, an absolute URL, headers as a record): the same headers and
 * errors, without the checks of keys, method, URL and headers that such a request and such keys
 * always pass. What the transport signs every attempt with.
 */
export function knownSigningHeaders(
  request: { method: string; url: string; headers: Record<string, string> },
  credentials: Credentials,
  options: SigningOptions = {},
  clockOffsetMs = 0,
  signingKeys?: SigningKeyCache | KeyStore,
): MaybePromise<SignedHeaders> {
  const time = signingTime(options, clockOffsetMs);
  // An absolute URL: a Request's, or what openapi-fetch made from the client's checked endpoint.
  return signKnownHeaders(
    request.method,
    new URL(request.url),
    recordHeaders(request.headers),
    credentials,
    bceDate(time),
    // (Never an option only a polluted Object.prototype holds: the transport's are `{}` when none is given.)
    expiration(option(options, "expirationInSeconds") as number | undefined),
    option(options, "headersToSign") as readonly string[] | undefined,
    signingKeys,
  );
}

/**
 * What the signing clock says (`signing.clock`, else Date.now), unchecked; one that throws is a
 * BceValidationError naming it, its error the cause (not "the request could not be signed or sent").
 */
export function readClock(options: SigningOptions | undefined): number {
  const clock = options && (option(options, "clock") as SigningOptions["clock"]);
  if (clock === undefined) return Date.now();
  try {
    return clock();
  } catch (error) {
    throw new BceValidationError("signing.clock", "type", "threw (see cause)", { cause: error });
  }
}

/** The clock's time, with the offset learnt from the service; refused when `x-bce-date` cannot carry it. */
function signingTime(options: SigningOptions, clockOffsetMs: number): number {
  const time = readClock(options) + clockOffsetMs;
  if (!(typeof time === "number" && time >= 0 && time <= MAX_SIGNING_TIME))
    throw new BceValidationError(
      "signing.clock",
      "range",
      "must return milliseconds since the epoch, up to the year 9999",
    );
  return time;
}

/**
 * Sign one request with bce-auth-v1: returns a new Request carrying the signing headers. The
 * body is read once so its length can be signed; the returned Request carries the same bytes.
 */
export async function signFetchRequest(
  request: Request,
  credentials: Credentials,
  options: SigningOptions = {},
  signingKeys?: SigningKeyCache,
): Promise<Request> {
  const signing = ownSigningOptions(options, SIGNING_OPTION_NAMES, "signFetchRequest");
  // Duck-typed: another realm's Request (a test environment's) signs alike.
  if (typeof (request as Partial<Request> | null)?.arrayBuffer !== "function" || !isObject(request.headers))
    throw new BceValidationError("request", "type", "must be a Request");
  return signChecked(request, credentials, signing, signingKeys);
}

/**
 * Options given on their own (not as a client's `signing`), checked: an object, with no key but
 * `names` (a misspelt one would be ignored, its default signed instead), each signing option valid.
 */
function ownSigningOptions(options: unknown, names: readonly string[], what: string): SigningOptions {
  if (!isOptions(options)) throw new BceValidationError("options", "type", "must be an object");
  checkOnlyOptionNames(optionNames(options), names, what);
  return checkSigningOptions(options, "") ?? {};
}

/** signFetchRequest with its options checked. */
async function signChecked(
  request: Request,
  credentials: Credentials,
  options: SigningOptions,
  signingKeys: SigningKeyCache | undefined,
): Promise<Request> {
  const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // fetch sends Content-Length for a byte body; sign the value it will send, send the rest as given.
  const signed = { ...headers, ...(body !== undefined ? { "content-length": String(body.byteLength) } : {}) };
  Object.assign(
    headers,
    await signingHeaders(
      { method: request.method, url: request.url, headers: signed },
      credentials,
      options,
      0,
      signingKeys,
    ),
  );
  // Made anew from its URL (another realm's Request, a library's, would be read as text by this
  // realm's constructor), with the options a Request of this realm gives: cookies, cache control,
  // keepalive, integrity, referrer. Its mode only if "same-origin": "no-cors" would drop the
  // signature's headers without a word, and "navigate" (a service worker's) cannot be made.
  const own = request instanceof Request;
  return new Request(request.url, {
    method: request.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    signal: request.signal,
    ...(own && {
      cache: request.cache,
      credentials: request.credentials,
      integrity: request.integrity,
      keepalive: request.keepalive,
      referrer: request.referrer,
      referrerPolicy: request.referrerPolicy,
      ...(request.mode === "same-origin" && { mode: request.mode }),
    }),
    // A signed request is not sent on to where a redirect points: fetch would carry its session
    // token and date there (it drops only Authorization across origins), and its signature, for
    // this URL, is good for no other. The redirect is the answer, as the clients' transport has it.
    redirect: request.redirect === "error" ? "error" : "manual",
  });
}

/**
 * openapi-fetch middleware that signs every request, for your own openapi-fetch clients
 * (`client.use(createSigningMiddleware({ credentials }))`). The BEC and BCC clients sign in
 * their transport instead, so that each retry is signed afresh.
 */
export function createSigningMiddleware(
  options: SigningOptions & { credentials?: CredentialsInput | undefined } = {},
): Middleware {
  // Its options are its own: a misspelt or unknown one (`credential`) is refused, not ignored.
  const signing = ownSigningOptions(options, [...SIGNING_OPTION_NAMES, "credentials"], "createSigningMiddleware");
  const getCredentials = credentialsResolver(option(options, "credentials") as CredentialsInput | undefined);
  const signingKeys = createSigningKeyCache(); // this middleware's own
  return {
    async onRequest({ request }) {
      return signChecked(request, await getCredentials({ signal: request.signal }), signing, signingKeys);
    },
  };
}
