import { runtimeAgent } from "#platform";
import createClient, {
  type Client,
  createQuerySerializer,
  defaultBodySerializer,
  defaultPathSerializer,
} from "openapi-fetch";
import { hasLoneSurrogate } from "./crypto/user-data.js";
import { settleOnAbort } from "./abort.js";
import { checkCredentialNames, credentialsResolver } from "./credentials-resolver.js";
import { type Credentials, type CredentialsInput, KEY_FIELDS } from "./credentials.js";
import {
  checkFunction,
  checkNestedOptions,
  checkOptionNames,
  refuseGenericNames,
  refuseOtherNames,
} from "./edit-distance.js";
import { boundTo, childPath, isObject, isOptions, option, optionNames, own } from "./internal/check-runtime.js";
import {
  BceAbortError,
  BceError,
  BceResponseError,
  type BceServiceError,
  BceValidationError,
  cutPath,
  reasonOf,
} from "./errors.js";
import type { ServerTemplate } from "./internal/operation.js";
import { requestIdOf, serviceErrorFromResponse } from "./service-error.js";
import type { SigningOptions } from "./signed-fetch.js";
import {
  type CallOptions,
  checkCallOptions,
  checkHeaders,
  answerError,
  DEFAULT_TIMEOUT_MS,
  PlainRequest,
  throwIfAborted,
  toLogger,
  Transport,
  type AttemptHooks,
  type CallContext,
  type CallStats,
  type Logger,
  type LogEvent,
  type RetryOptions,
} from "./transport.js";
import { VERSION } from "./version.js";

export { checkCallOptions, checkTimeout } from "./transport.js";
export { requestIdOf } from "./service-error.js";
export type { ServerTemplate } from "./internal/operation.js";

/** How 2xx answer bodies are checked against the spec. */
export type ValidateResponses = "off" | "warn" | "strict";

/** Options both clients take. */
export interface BceClientOptions {
  /**
   * Base URL of the service, such as a mock's URL. Defaults to the service's endpoint from the spec.
   * Must be an absolute http(s) URL.
   */
  endpoint?: string | URL | undefined;
  /**
   * Access keys, or a provider (for rotating STS credentials) asked once per call, or, when its
   * keys carry an `expiration`, again only five minutes before it (until the last minute, calls go
   * on with the keys they have while it answers). Default: the environment variables
   * BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY and BCE_SESSION_TOKEN, in Node, Deno and Bun (a
   * browser bundle has no environment).
   */
  credentials?: CredentialsInput | undefined;
  /**
   * fetch to send with. Default: in Node, node:http and node:https over kept-alive connections
   * (about twice as fast as Node's fetch for these small calls), but a call without an
   * idempotency token that may change state (BCC rebuild, a `raw` PUT) on a new connection, which a server closing an
   * idle one cannot reset under it; elsewhere the global fetch. Pass
   * `fetch: globalThis.fetch` to send with fetch in Node too.
   */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  /**
   * Headers sent with every request. Those that frame the message or upgrade the connection
   * (`content-length`, `transfer-encoding`, `expect`, `keep-alive`, `trailer`, `upgrade`, and a
   * `connection` other than `close` or `keep-alive`), and `host` (the endpoint's), are the
   * transport's: refused here, and in a `raw` call's own headers or a middleware's. A
   * `content-type` other than application/json is refused here too (every method's body is JSON).
   */
  headers?: Record<string, string> | undefined;
  /** Signature lifetime, headers to sign, and the clock. */
  signing?: SigningOptions | undefined;
  /** Time one attempt may take, answer body included. Default 30 000 ms; a call can override it. */
  timeoutMs?: number | undefined;
  /** Retry limits and policy; a call can override them. */
  retry?: RetryOptions | undefined;
  /** Largest answer body read. Default 4 MiB. */
  maxResponseBytes?: number | undefined;
  /**
   * Checking of success bodies against the spec. `"off"` (the default): the body is returned as
   * the service sent it. `"warn"`: differences are reported to the logger and the body returned.
   * `"strict"`: a difference rejects the call with BceResponseError (the service has acted all the
   * same). A method's requests are always checked before they are sent (a `raw` call's body is
   * sent as given). The checks load on first use, as a
   * chunk of their own where the bundler splits code: if it fails to load, `"warn"` logs it and
   * returns the body unchecked, `"strict"` rejects with a BceError naming the status and request id.
   */
  validateResponses?: ValidateResponses | undefined;
  /** Where retry decisions and response warnings go (`console` fits). Default: nothing is logged. */
  logger?: Partial<Logger> | undefined;
  /** Called before and after every attempt, with the attempt number, the request, and the answer or error. */
  hooks?: AttemptHooks | undefined;
  /**
   * Your application's name, appended to the user agent as `app/<name>` (up to 64 printable
   * ASCII characters, no spaces). The user agent is sent as `User-Agent`, or as
   * `x-bce-user-agent` in browsers, which do not let a page set `User-Agent`.
   */
  userAgentAppId?: string | undefined;
}

/** What every client method resolves with beside the answer's own fields. */
export interface ResponseMetadata {
  /** HTTP status of the final answer. */
  httpStatusCode: number;
  /** The `x-bce-request-id` BCE gave the call (empty when the answer had none). */
  requestId: string;
  /** Attempts sent, the first included. */
  attempts: number;
  /** Milliseconds spent waiting between attempts. */
  totalRetryDelay: number;
  /** The idempotency token the attempts carried, as sent (BEC reinstall's `clientToken`); absent for an operation that takes none. */
  clientToken?: string;
}

/**
 * `Paths` as a client's `raw` is typed: the same, with every open enum (`"A" | "B" | (string & {})`,
 * known values plus any other string) read as `string`. openapi-fetch's `Readable`, which types
 * answers, takes `string & {}` for an object (it extends `object`) and maps it to the string
 * methods' names, so a field such as an error's `code` could not be used as a string.
 */
export type RawPaths<Paths> = Paths extends string
  ? string extends Paths
    ? string
    : Paths
  : Paths extends object
    ? { [K in keyof Paths]: RawPaths<Paths[K]> }
    : Paths;

/** What a client is built on: the typed openapi-fetch client and the transport its calls go through. */
export interface ServiceClient<Paths extends {}> {
  /**
   * Typed openapi-fetch client; its requests are signed and retried where that is safe, each as a
   * request with no idempotency token (a `clientToken` in a `raw` call's query is not taken for
   * one). Its bodies are sent as given: neither checked nor transformed.
   */
  readonly raw: Client<Paths>;
  /**
   * Credentials for one logical call (every attempt is signed with the same keys); rejects only
   * with a BceError. A provider is waited for until the call's signal aborts or its timeout passes.
   */
  credentials(call?: Pick<CallOptions, "signal" | "timeoutMs">): Promise<Credentials>;
  /**
   * openapi-fetch per-request options (`fetch`, `signal`, and `Request` while no middleware is
   * registered) that send one logical call of a client method through the transport. Made for
   * calls with `parseAs: "stream"` whose body is read with `answerText`: with no middleware, a
   * success answer is handed back with its body already read.
   */
  callOptions(call: CallContext): Record<string, unknown>;
  readonly validateResponses: ValidateResponses;
  /** Never undefined: silent when the client was given no logger. */
  readonly logger: Logger;
}

/**
 * For a client method's call through `raw`: what openapi-fetch throws outside the transport (a
 * middleware of the caller's, the body serializer) becomes a BceError with that error as `cause`,
 * so every rejection is a BceError.
 */
export function rethrowAsBceError(error: unknown): never {
  if (error instanceof BceError) throw error;
  throw new BceError("the call failed outside the transport: a middleware or the body serializer threw (see cause)", {
    cause: error,
  });
}

/**
 * The metadata of a call: status and request id from its final answer, attempts and delays from
 * its stats, and the idempotency token its attempts carried, if any.
 */
export function responseMetadata(response: Response, stats: CallStats | undefined): ResponseMetadata {
  const clientToken = stats?.clientToken;
  return {
    httpStatusCode: response.status,
    requestId: requestIdOf(response),
    attempts: stats?.attempts ?? 1,
    totalRetryDelay: stats?.totalRetryDelay ?? 0,
    ...(clientToken !== undefined && { clientToken }),
  };
}

/**
 * Shared plumbing: a typed openapi-fetch client whose every request goes through the BCE
 * transport. `service` names the API in the user agent (`api/<service>`). `defaultEndpoint` may be
 * a function of the options (a server variable such as BCC's region): it is given the caller's own
 * options as they were read once, never an inherited one (a `region` on a polluted
 * Object.prototype) nor a getter's second answer.
 * `names`: the client's options beyond BceClientOptions (its server variables, such as `region`).
 * `callNames`: options of its calls alone (an operation's query parameters, such as `clientToken`).
 */
export function createServiceClient<Paths extends {}>(
  options: BceClientOptions,
  defaultEndpoint: string | ((options: Readonly<Record<string, unknown>>) => string),
  service?: string,
  names: readonly string[] = [],
  callNames: readonly string[] = [],
): ServiceClient<Paths> {
  try {
    // An array, a Map or a Date has no options: taken as an object, it would leave every option at
    // its default, the endpoint (the production service) and the credentials (the environment's)
    // included. (Asked in the try: the check throws for a revoked Proxy.)
    if (!isOptions(options)) throw notOptions();
    // The keys of `credentials` too: given beside it, they would be ignored, and the call signed
    // with the environment's keys.
    // Its options as `options.endpoint` reads them (see optionNames), each name checked.
    const keys = optionNames(options);
    // (A name the client has as its own option, such as BCC's `region`, is not another's.)
    const others = keys.filter((key) => !names.includes(key));
    refuseOtherNames(options, others);
    checkOptionNames(keys, [...OPTION_NAMES, ...names, ...CREDENTIAL_KEYS]);
    // The caller's options, each read once, as `options.endpoint` reads them (a class's getters
    // too), but never one only a polluted Object.prototype holds (`endpoint`, `fetch`): it would
    // send the signed calls, a session token among them, elsewhere.
    const own: Record<string, unknown> = Object.create(null);
    for (const key of keys) own[key] = options[key];
    refuseGenericNames(own, others);
    // A call's own option given to the client would be ignored: every call would go on without the
    // signal, or with a token of its own.
    for (const key of ["signal", ...callNames])
      if (own[key] !== undefined)
        throw new BceValidationError(key, "unknown", "is an option of a call: give it to the method");
    // Within `credentials` too (see checkCredentialNames). Read once, and handed on: the keys
    // checked here are the keys the calls are signed with. (The isObject guard above left
    // `options` a record of unknowns: the option's own type is restated.)
    const credentials = own.credentials as BceClientOptions["credentials"];
    if (isObject(credentials)) checkCredentialNames(credentials);
    return serviceClient<Paths>(
      own,
      credentials,
      typeof defaultEndpoint === "function" ? defaultEndpoint(own) : defaultEndpoint,
      service,
    );
  } catch (error) {
    if (error instanceof BceError) throw error;
    // Nothing else here throws: a getter or a Proxy of the caller's did, while its options were read.
    throw unreadableOptions(error);
  }
}

/** The refusal of options (a client's or a call's) that are not an object of options (isOptions). */
export const notOptions = () =>
  new BceValidationError("options", "type", "must be an object of options, not an array, a Map or a primitive");

/** The refusal of options a getter or a Proxy of the caller's threw on as they were read. */
export const unreadableOptions = (cause: unknown) =>
  new BceValidationError("options", "type", "could not be read: a getter or a Proxy threw (see cause)", { cause });

/** Every option of BceClientOptions: `satisfies` keeps the list in step with the interface. */
export const OPTION_NAMES = Object.keys({
  endpoint: 0,
  credentials: 0,
  fetch: 0,
  headers: 0,
  signing: 0,
  timeoutMs: 0,
  retry: 0,
  maxResponseBytes: 0,
  validateResponses: 0,
  logger: 0,
  hooks: 0,
  userAgentAppId: 0,
} satisfies Record<keyof BceClientOptions, 0>);

/** `credentialsOption`: the option as createServiceClient read and checked it (read once). */
function serviceClient<Paths extends {}>(
  options: BceClientOptions,
  credentialsOption: CredentialsInput | undefined,
  defaultEndpoint: string,
  service: string | undefined,
): ServiceClient<Paths> {
  // Only a missing endpoint means the default: a null (a config file's `"endpoint": null`) is refused,
  // never taken as the production service.
  const baseUrl = checkEndpoint(options.endpoint === undefined ? defaultEndpoint : options.endpoint);
  const validateResponses = options.validateResponses === undefined ? "off" : options.validateResponses;
  if (!VALIDATE_RESPONSES.includes(validateResponses)) {
    throw new BceValidationError("validateResponses", "enum", `must be one of ${VALIDATE_RESPONSES.join(", ")}`);
  }
  const logger = toLogger(options.logger);
  const givenHooks = options.hooks;
  // A misspelt hook (`afterAttemp`) would otherwise never be called.
  checkNestedOptions(givenHooks, "hooks", HOOK_NAMES);
  // Each hook read once and checked, then called on the caller's object, as `hooks.afterAttempt(…)` would be.
  let hooks: AttemptHooks | undefined;
  if (givenHooks) {
    const bound: Record<string, unknown> = {};
    for (const name of HOOK_NAMES) {
      const hook = boundTo(option(givenHooks, name), givenHooks);
      checkFunction(`hooks.${name}`, hook);
      if (hook !== undefined) bound[name] = hook;
    }
    hooks = bound as AttemptHooks;
  }
  // Each option is read once: a getter of the caller's cannot give one value to the check and
  // another to the transport.
  const { fetch } = options;
  checkFunction("fetch", fetch);
  // As fetch reads them (a record, a Headers, or [name, value] pairs), and sent as read.
  const given = options.headers;
  let headers: Record<string, string> | undefined;
  if (given !== undefined) {
    headers = readHeaders(given, "headers");
    // The transport checks every request's headers; the option's are checked here too, so that a
    // client given one of the transport's own, or a value no header can carry, fails when it is
    // made, not at its first call.
    checkHeaders(headers);
    // Every method's body is JSON: a Content-Type of another kind, given for every request, went
    // out with it, and the service refused the call. (A raw call's own headers may set any.)
    const type = own(headers, "content-type"); // (not a polluted Object.prototype's)
    if (type !== undefined && !/^application\/json[\t ]*(?:;|$)/i.test(type))
      throw new BceValidationError(
        "headers.content-type",
        "format",
        "must be application/json if given: every method sends its body as JSON",
      );
  }
  // Read once: the caller's object changed later applies to neither the transport nor credentials.
  const { timeoutMs } = options;
  // An option left undefined is one the transport does not have; `retry: false` (or null) is
  // refused there, as it turns nothing off.
  const transport = new Transport({
    fetch,
    signing: options.signing,
    timeoutMs,
    retry: options.retry,
    maxResponseBytes: options.maxResponseBytes,
    hooks,
    logger,
  });
  const agent = userAgent(service, options.userAgentAppId);
  // Resolved per call: a client can be made before the environment holds its keys, and a
  // provider of rotating STS keys is asked when its keys are about to expire.
  const resolve = credentialsResolver(credentialsOption, Date.now, (error, expiresInMs) => {
    // The error's own message names what is wrong and holds no key. Its cause, the provider's
    // error, whose message may quote a secret, is told by its class name and code alone (a Node
    // `ECONNREFUSED`), when they read as such: no log entry has a cause to see.
    const cause = error.cause as { name?: unknown; code?: unknown } | undefined;
    const word = (value: unknown) => typeof value === "string" && /^[A-Za-z_$][\w$.-]{0,63}$/.test(value);
    logger.warn(
      "the credentials provider failed while the keys it gave last still hold; they serve until a minute before they expire",
      {
        event: "credentialsRefreshFailed" satisfies LogEvent,
        expiresInMs,
        error: error.message.replace(/ \(see cause\)$/, ""),
        ...(word(cause?.name) && { causeName: cause!.name }),
        ...(word(cause?.code) && { causeCode: cause!.code }),
      },
    );
  });
  const credentials = (call: Pick<CallOptions, "signal" | "timeoutMs"> = {}) =>
    resolve({ signal: own(call, "signal"), timeoutMs: own(call, "timeoutMs") ?? timeoutMs ?? DEFAULT_TIMEOUT_MS });
  const rawFetch = async (request: Request, signal: AbortSignal = request.signal) => {
    throwIfAborted(signal);
    // A header the transport refuses is refused before a credentials provider is asked, as a method's is.
    checkHeaders(Object.fromEntries(request.headers));
    return transport.send(request, { credentials: await credentials({ signal }), idempotent: false, signal });
  };
  const raw = createClient<Paths>({
    baseUrl,
    // Calls made on `raw` directly are treated as not idempotent: retried only where safe for any
    // request. Without a `signal` option, the Request's (a middleware's own) is theirs.
    fetch: (request) => rawFetch(request),
    headers: { [agent.header]: agent.value, ...headers },
    pathSerializer: checkedPathSerializer,
    querySerializer,
    bodySerializer,
    // Given, as none, so that openapi-fetch does not take a polluted Object.prototype's (see ownInit).
    Request: globalThis.Request,
    requestInitExt: undefined,
  });
  // openapi-fetch serializes the path only when path parameters are given: with none, the
  // template went out as it is (`/things/%7Bid%7D`). An empty set has checkedPathSerializer name the
  // missing one. (Not read back from the URL: a value given as "{x}" is encoded the same way.)
  type Init = { params?: { path?: unknown }; signal?: unknown; fetch?: unknown };
  // openapi-fetch reads these of a call's options and params by plain property access (its
  // methods spread the options into an object of their own): each is the caller's own value or
  // undefined, so that a polluted Object.prototype's `baseUrl`, `querySerializer`, `middleware` or
  // `params.header` is none of them (it would send the signed call elsewhere, or change it).
  // A call's own baseUrl is checked as the endpoint is (an empty one or null is none: the
  // client's), its headers and header parameters read once and checked as the client's are (as
  // openapi-fetch's Headers met them, their error quoted a value), its signal checked (null is
  // none, as in RequestInit). A method's timeoutMs and retry are not a raw call's options.
  const ownInit = (init: unknown): Init => {
    const given = isObject(init) ? init : {};
    const givenParams = own(given, "params"); // (not a polluted Object.prototype's: its query and headers would be sent)
    const params = isObject(givenParams) ? givenParams : {};
    for (const name of ["timeoutMs", "retry"])
      if (own(given, name) !== undefined)
        throw new BceValidationError(
          name,
          "unknown",
          "is not an option of a raw call (the client's applies; a raw call takes its signal)",
        );
    const signal = own(given, "signal") ?? undefined;
    checkCallOptions({ signal } as CallOptions);
    const baseUrl = own(given, "baseUrl");
    const headers = own(given, "headers");
    const header = own(params, "header");
    const checked = {
      ...NO_FETCH_OPTIONS,
      ...given,
      signal,
      ...(baseUrl != null && baseUrl !== "" && { baseUrl: checkEndpoint(baseUrl, "baseUrl") }),
      ...(headers != null && { headers: headerSet(headers, "headers") }),
      params: {
        ...NO_PARAMS,
        ...params,
        ...(header != null && { header: headerSet(header, "params.header") }),
        path: own(params, "path") || {},
      },
    };
    // openapi-fetch reads a 2xx body with `response[parseAs]()`: another value threw a TypeError
    // once the call had been carried out.
    const { parseAs } = checked as { parseAs?: unknown };
    if (parseAs !== undefined && !PARSE_AS.includes(parseAs as string))
      throw new BceValidationError("parseAs", "enum", `must be one of ${PARSE_AS.join(", ")}`);
    return checked;
  };
  // openapi-fetch builds a Request with the call's signal, and Node's fetch (undici) keeps a
  // listener on that signal until the Request is garbage-collected: one long-lived signal shared
  // by many calls gathered them (a MaxListenersExceededWarning). The Request gets a signal of the
  // call's own instead, which follows the caller's and lets go of it when the call settles.
  // openapi-fetch awaits each middleware without the signal: the call ends on it all the same, and
  // what it sends is sent on the call's signal, not on the Request's (a middleware's new Request
  // may have none), so that nothing leaves once the call has rejected as aborted. An attempt in
  // flight ends on the signal by itself, with an error that says more (the service had answered):
  // the call's rejection waits for it.
  const ownSignal = (init: Init, send: (init: Init) => unknown) => {
    const signal = init.signal;
    if (!(signal instanceof AbortSignal)) return send(init);
    const own = new AbortController();
    const given = init.fetch;
    const inner =
      typeof given === "function"
        ? (given as (request: Request) => Promise<Response>)
        : (request: Request) => rawFetch(request, own.signal);
    let sending: Promise<unknown> | undefined;
    let ended: BceAbortError | undefined;
    const fetch = (request: Request) => {
      const sent = Promise.resolve().then(() => inner(request));
      sending = sent.catch((error: unknown) => {
        // (Not the signal's reason passed on: another call's BceAbortError is no abort of this one's.)
        if (error instanceof BceAbortError && error !== reasonOf(signal)) ended = error;
      });
      return sent;
    };
    return settleOnAbort(() => Promise.resolve(send({ ...init, signal: own.signal, fetch })), signal, {
      abort: () => own.abort(reasonOf(signal)),
      pending: () => sending,
      error: () => ended,
    });
  };
  // openapi-fetch appends the path to the endpoint as text: one not starting with "/"
  // (".attacker.example/v1/x", "@host/x") would send the signed request to another host.
  const checkedPath = (url: unknown, init: unknown, send: (init: Init) => unknown) => {
    try {
      if (typeof url !== "string" || !url.startsWith("/"))
        throw new BceValidationError("path", "format", 'must start with "/": it is appended to the endpoint URL');
      return ownSignal(ownInit(init), send);
    } catch (error) {
      // A getter of the options' that throws: the call's, as a method's arguments are.
      return Promise.reject(error instanceof BceError ? error : unreadableOptions(error));
    }
  };
  const methods = raw as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of RAW_METHODS) {
    const call = methods[method]!;
    methods[method] = (url, init) => checkedPath(url, init, (checked) => call(url, checked));
  }
  const request = methods.request!;
  methods.request = (method, url, init) => checkedPath(url, init, (checked) => request(method, url, checked));
  // Until a middleware is added, no code of the caller's sees a client method's request: it is
  // built as plain parts, not as a Request (see PlainRequest).
  let middleware = false;
  const use = raw.use;
  raw.use = (...added) => {
    middleware = true;
    use(...added);
  };
  return {
    raw,
    credentials,
    callOptions: (call) => {
      const signal = own(call, "signal");
      return {
        fetch: (request: Request | PlainRequest) => {
          const sending = transport.send(request, call);
          const { stats } = call;
          // Kept for the call: what a middleware's onError throws instead does not hide it.
          return stats
            ? sending.catch((error: unknown) => {
                stats.failure = error;
                throw error;
              })
            : sending;
        },
        // The Request a middleware sees follows the call's signal. Without middleware no Request is
        // made, and the transport alone listens on the signal: one listener per call in flight, as
        // fetch puts on the signal it is given (given to openapi-fetch too, a second one followed it).
        ...(middleware ? (signal ? { signal } : {}) : { Request: PlainRequest }),
      };
    },
    validateResponses,
    logger,
  };
}

const VALIDATE_RESPONSES: readonly string[] = ["off", "warn", "strict"];
/** Each of the space-separated names, none given. */
const none = (names: string) => Object.fromEntries(names.split(" ").map((key) => [key, undefined]));
/** Every call option and param openapi-fetch reads, none given (see ownInit). */
const NO_FETCH_OPTIONS = none(
  "baseUrl fetch Request headers parseAs querySerializer bodySerializer pathSerializer body middleware signal",
);
const NO_PARAMS = none("path query header cookie");
/** The `parseAs` values openapi-fetch has a reader for. */
const PARSE_AS: readonly string[] = ["json", "text", "blob", "arrayBuffer", "stream"];
/** The methods of openapi-fetch's client that send a request (besides `request`). */
const RAW_METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;
/** The keys of `credentials`, as nested names. */
const CREDENTIAL_KEYS = KEY_FIELDS.map((key) => `credentials.${key}`);
const HOOK_NAMES = ["beforeAttempt", "afterAttempt"] as const satisfies readonly (keyof AttemptHooks)[];

/**
 * `bce-openapi-js/<version> api/<service> <runtime>/<version> [app/<id>]`, as `user-agent`
 * where a program may set it, else as `x-bce-user-agent` (browsers keep their own User-Agent).
 */
export function userAgent(service: string | undefined, appId: string | undefined): { header: string; value: string } {
  if (appId !== undefined && !(typeof appId === "string" && /^[\x21-\x7e]{1,64}$/.test(appId))) {
    throw new BceValidationError(
      "userAgentAppId",
      "format",
      "must be 1 to 64 printable ASCII characters without spaces",
    );
  }
  const runtime = runtimeAgent();
  const value = `bce-openapi-js/${VERSION}${service ? ` api/${service}` : ""} ${runtime ?? "browser"}${appId ? ` app/${appId}` : ""}`;
  return { header: runtime ? "user-agent" : "x-bce-user-agent", value };
}

/** What openapi-fetch gives back for a call. */
interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The body of a successful answer, parsed; a BceServiceError for an error answer; a
 * BceResponseError for a success body that is not JSON.
 */
export function unwrap(result: RawResult): unknown {
  const { response } = result;
  if (!response.ok) throw serviceErrorOf(result);
  // Called with parseAs "text", so a body that is not JSON is reported here, not thrown as a
  // SyntaxError; a raw call parsed as JSON by openapi-fetch already holds the value.
  if (typeof result.data !== "string") return result.data;
  const text = result.data;
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BceResponseError({
      status: response.status,
      requestId: requestIdOf(response),
      problems: ["body: is not valid JSON"],
    });
  }
}

/**
 * The BceServiceError of an error answer openapi-fetch gave back: the one the transport made of it
 * (the call's secrets hidden), else, when a middleware replaced the Response, one made of the body
 * openapi-fetch parsed, with what `hidden` gives hidden (worked out only then).
 */
export function serviceErrorOf(
  { response, error }: RawResult,
  hidden: () => readonly string[] = () => [],
  /** Tells the error of an answer a middleware put in the transport's place (see CallStats). */
  told: <E>(error: E) => E = (made) => made,
): BceServiceError {
  return answerError(response) ?? told(serviceErrorFromResponse(response, errorText(error), hidden()));
}

/**
 * The text of an error body openapi-fetch parsed (a middleware replaced the Response, so the
 * transport's bytes are not at hand). A document too deeply nested to write back as JSON keeps
 * only its string code, message and request ID: a RangeError from JSON.stringify would be no BceError.
 */
function errorText(error: unknown): string {
  if (typeof error === "string") return error;
  try {
    // No body (undefined) is written as none.
    return JSON.stringify(error) ?? "";
  } catch {
    const fields = isObject(error) ? error : {};
    return JSON.stringify(
      Object.fromEntries(
        ["code", "message", "requestId"]
          .filter((name) => typeof fields[name] === "string")
          .map((name) => [name, fields[name]]),
      ),
    );
  }
}

function checkEndpoint(endpoint: unknown, field = "endpoint"): string {
  // By its tag, not `instanceof`: a URL of another realm (an iframe, a test environment) or a
  // WHATWG URL library's is one too.
  let text: string | undefined;
  let cause: unknown;
  try {
    const tag = Object.prototype.toString.call(endpoint);
    // As a URL reads it: spaces at its ends are not part of it.
    if (typeof endpoint === "string" || tag === "[object URL]" || tag === "[object String]")
      text = String(endpoint).trim();
  } catch (error) {
    cause = error;
  }
  if (text === undefined)
    throw new BceValidationError(
      field,
      "type",
      "must be a string or a URL",
      cause === undefined ? undefined : { cause },
    );
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  // Without "//" after its scheme, "localhost:4010" is a URL of the scheme "localhost:", and
  // "user:pw@host" one of "user:": the text has no scheme of the kind meant, and is not quoted.
  if (url === undefined || !/^[a-z][a-z\d+.-]*:\/\//i.test(text))
    throw new BceValidationError(
      field,
      "format",
      "must be an absolute http(s) URL, its scheme included (http:// or https://)",
    );
  if (!/^https?:$/.test(url.protocol)) {
    throw new BceValidationError(field, "format", `must use http or https, not ${url.protocol}`);
  }
  // A bare "?" or "#" leaves search and hash empty but stays in href, where paths would follow it.
  if (/[?#]/.test(url.href) || url.username || url.password) {
    throw new BceValidationError(field, "format", "must not hold a query, fragment or user info");
  }
  // No DNS name is longer (RFC 1035, 253 characters written out); one that is would be looked up,
  // and quoted whole in each error that names where the call went.
  if (url.hostname.replace(/\.$/, "").length > 253)
    throw new BceValidationError(field, "maxLength", "has a host name longer than 253 characters, the most DNS allows");
  return url.href.replace(/\/+$/, "");
}

/**
 * Headers as fetch reads them (a record, a Headers, or [name, value] pairs), or a BceValidationError
 * naming `field`: not the Headers error, which quotes the value, and a value may be a secret. The
 * first key that is no header name (a token) is named, else the first header whose value no header
 * can carry (`headers.x-b`, as checkHeaders names one), with what is wrong with it (the value itself
 * never quoted).
 */
function readHeaders(given: unknown, field: string): Record<string, string> {
  try {
    return Object.fromEntries(new Headers(given as HeadersInit));
  } catch {
    let pairs: unknown[][] = [];
    try {
      // Pairs as an iterable gives them (an array, a Map, a Headers), else a record's entries.
      pairs =
        Symbol.iterator in (given as object)
          ? [...(given as Iterable<unknown>)].map((pair) => [...(pair as unknown[])])
          : Object.entries(given as object);
    } catch {}
    for (const [name] of pairs)
      if (typeof name === "string" && !/^[!#$%&'*+.^_`|~\w-]+$/.test(name))
        throw new BceValidationError(childPath(field, name), "format", "is not a header name");
    for (const [name, sent] of pairs)
      try {
        new Headers([[name as string, sent as string]]);
      } catch {
        // A list's values are sent joined (as fetch joins them).
        const value = Array.isArray(sent) && sent.every((one) => typeof one === "string") ? sent.join() : sent;
        if (typeof name === "string" && typeof value === "string")
          throw new BceValidationError(
            // As checkHeaders names one: lower case.
            `${field}.${name.toLowerCase()}`,
            "format",
            `holds ${/[\u0100-\uffff]/.test(value) ? "a character beyond U+00FF" : "a control character"}, which a header cannot carry`,
          );
      }
    throw new BceValidationError(field, "format", "must map header names to values a header can carry");
  }
}

/**
 * A raw call's headers as openapi-fetch merges them (a record or a Headers; a null value removes
 * a header, an array's values are each appended), read once and checked: a copy, so that a getter
 * read again by openapi-fetch cannot give it another value. An array of pairs is refused:
 * openapi-fetch reads it as headers named 0, 1, …
 */
function headerSet(value: unknown, field: string): Record<string, unknown> {
  if (!isObject(value))
    throw new BceValidationError(field, "type", "must be a record of header names to values, or a Headers");
  let entries: [string, unknown][];
  try {
    entries = value instanceof Headers ? [...value.entries()] : Object.entries(value);
  } catch (cause) {
    throw new BceValidationError(field, "type", "could not be read (see cause)", { cause });
  }
  // Each value made text once, and that text checked and sent (a getter or toString is not asked
  // again, by openapi-fetch); a Symbol is no text.
  const text = (one: unknown) => {
    try {
      return `${one}`;
    } catch (cause) {
      throw new BceValidationError(field, "format", "must map header names to values a header can carry", { cause });
    }
  };
  const copy: Record<string, string | string[] | null | undefined> = {};
  const given: [string, string][] = [];
  for (const [name, v] of entries) {
    const value = v == null ? v : Array.isArray(v) ? [...v].map(text) : text(v);
    copy[name] = value;
    if (value != null) for (const one of [value].flat()) given.push([name, one]);
  }
  readHeaders(given, field);
  return copy;
}

/**
 * openapi-fetch's path serializer, refusing a path parameter that would send a `raw` call to
 * another path (a client method checks its own against the spec first): one not given (left as
 * `{name}`), or a segment of its own that is empty, "." or ".." (a URL drops or climbs those).
 */
function checkedPathSerializer(url: string, params: Record<string, unknown>): string {
  return url
    .split("/")
    .map((segment) => {
      const names = [...segment.matchAll(/\{([^}]+)\}/g)].map(([, name]) => name!.replace(/^[.;]|\*$/g, ""));
      const serialized = names.length === 0 ? segment : withParams(segment, names, params);
      // A URL reads "\" as "/" and drops tabs and line breaks: `/..\x`, `/..\t/x` or `/..\{id}`
      // climbs too. (A parameter's value is percent-encoded: these are the template's own.)
      if (/[\\\t\n\r]/.test(serialized))
        throw new BceValidationError(
          "path",
          "format",
          "must not hold a backslash, tab or line break, which a URL reads as / or drops",
        );
      // The path as written, `/../x` or `/%2e%2e/x`, or as its parameters make it (`/%2e{id}`
      // with ".", or an empty one): the URL would climb out of the endpoint's base path (a
      // gateway's prefix) with the signed request. So would `/..?x`, `/..#x` and `/.. ` (a URL
      // ends a segment at "?" and "#", and drops spaces and controls at its end).
      const bare = dotSegment(serialized);
      if (names.length === 0 && /^(?:\.|%2e){1,2}$/i.test(bare))
        throw new BceValidationError(
          "path",
          "format",
          `must not hold the segment ${bare}, which a URL drops or climbs`,
        );
      // openapi-fetch does not percent-encode an object's keys: `{ "a/../../x": "" }` makes segments.
      if (names.length > 0 && bare.includes("/"))
        throw new BceValidationError(
          names[0]!,
          "format",
          'must not put a "/" in the path (an object\'s keys go in as they are)',
        );
      if (names.length > 0 && /^(?:\.|%2e){0,2}$/i.test(bare))
        throw new BceValidationError(
          names[0]!,
          "format",
          `must not make the path segment ${JSON.stringify(bare)}, which a URL ${bare ? "drops or climbs" : "leaves empty"}`,
        );
      return serialized;
    })
    .join("/");
}

/**
 * A template's segment with its parameters' values (`names`, read from `params` once each, own
 * ones only) put in by openapi-fetch's serializer; one not given, or that it cannot put in the URL,
 * refused by name.
 */
function withParams(segment: string, names: readonly string[], params: Record<string, unknown>): string {
  // Each value read once (a getter that throws is named as the parameter).
  const values: Record<string, unknown> = Object.create(null);
  try {
    // Own ones only: a template's `{constructor}` was sent as `function Object() {…}`.
    for (const name of names) values[name] = own(params, name);
  } catch (cause) {
    throw notInUrl(names[0]!, [], cause);
  }
  const missing = names.find((name) => values[name] == null);
  if (missing !== undefined)
    throw new BceValidationError(missing, "required", "is a path parameter of the request, and was not given");
  try {
    return defaultPathSerializer(segment, values);
  } catch (cause) {
    // encodeURIComponent's URIError (a lone surrogate), or a value that is no text (a Symbol).
    throw notInUrl(names[0]!, Object.values(values), cause);
  }
}

/** A path segment as a URL reads it for "." and "..": up to a query or fragment, without the spaces and controls it drops at its end. */
const dotSegment = (segment: string): string => segment.replace(/[?#].*$/s, "").replace(/[\0- ]+$/, "");

/** A value that openapi-fetch could not put in the URL: named, with what is wrong where that is known. */
const notInUrl = (field: string, values: readonly unknown[], cause: unknown) =>
  new BceValidationError(
    field,
    "format",
    values.some((v) => typeof v === "string" && hasLoneSurrogate(v))
      ? "holds a lone surrogate, which is not valid Unicode"
      : "could not be put in the URL (see cause)",
    { cause },
  );

const serializeQuery = createQuerySerializer();

/**
 * openapi-fetch's query serializer, given the query's own keys only (its `for...in` would add a
 * key of a polluted Object.prototype to every signed URL), refusing what it cannot put in the URL.
 */
function querySerializer(query: Record<string, unknown>): string {
  let own: Record<string, unknown> = {};
  try {
    own = Object.assign(Object.create(null), query);
    return serializeQuery(own);
  } catch (cause) {
    // Its keys and values alike.
    throw notInUrl("query", Object.entries(own).flat(), cause);
  }
}

/**
 * `body` as JSON, refusing what JSON cannot carry: JSON.stringify's own refusals (a BigInt, a cycle)
 * and a getter's error as `body`, and a function or Symbol, which JSON.stringify leaves out without
 * a word (`adminPass: getPassword`, the call forgotten, sent no password), as the field it is.
 */
export function bodyJson(body: unknown): string | undefined {
  const paths = new WeakMap<object, string>();
  try {
    return JSON.stringify(body, function (this: object, key: string, value: unknown) {
      const kind = typeof value;
      // A path only where one can be needed: an object's (its values may be refused) or a refused value's.
      if ((kind !== "object" || value === null) && kind !== "function" && kind !== "symbol") return value;
      const holder = paths.get(this);
      const path = holder === undefined ? "body" : Array.isArray(this) ? `${holder}[${key}]` : childPath(holder, key);
      if (kind !== "object")
        throw new BceValidationError(
          cutPath(path),
          "type",
          `is a ${kind === "symbol" ? "Symbol" : "function"}, which JSON cannot carry`,
        );
      paths.set(value as object, path);
      return value;
    });
  } catch (cause) {
    if (cause instanceof BceValidationError) throw cause;
    throw new BceValidationError(
      "body",
      "type",
      "must be JSON data: no BigInt, no cycles, no nesting too deep to serialize, nothing that throws when read (see cause)",
      { cause },
    );
  }
}

/** openapi-fetch's body serializer (JSON, a form, FormData), refusing a body it cannot serialize. */
function bodySerializer(body: unknown, headers?: Headers | Record<string, string>): string | FormData | undefined {
  // openapi-fetch's own for FormData and a form's content type; JSON ours.
  if (body instanceof FormData || new Headers(headers).get("content-type") === "application/x-www-form-urlencoded")
    try {
      // (Its declaration leaves out the headers it reads, for a form's content type.)
      return (defaultBodySerializer as (body: unknown, headers?: unknown) => string | FormData)(body, headers);
    } catch (cause) {
      throw new BceValidationError("body", "type", "could not be written as a form (see cause)", { cause });
    }
  return bodyJson(body);
}

/** The parts of a JSON Schema a path parameter uses. */
export interface StringParameterSchema {
  readonly type?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

/**
 * Check a path parameter against its schema from the spec before it is put in a URL, so a value
 * such as "../x" or "a/b" is refused instead of reaching another path.
 */
export function checkPathParameter(field: string, value: unknown, schema: StringParameterSchema): string {
  if (typeof value !== "string") throw new BceValidationError(field, "type", "must be a string");
  if (value.trim() === "") throw new BceValidationError(field, "minLength", "must not be empty or blank");
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    throw new BceValidationError(
      field,
      "minLength",
      `must be at least ${schema.minLength} character${schema.minLength === 1 ? "" : "s"}`,
    );
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    throw new BceValidationError(
      field,
      "maxLength",
      `must be at most ${schema.maxLength} character${schema.maxLength === 1 ? "" : "s"}`,
    );
  }
  if (schema.enum && !schema.enum.includes(value)) {
    throw new BceValidationError(field, "enum", `must be one of ${schema.enum.join(", ")}`);
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
    throw new BceValidationError(field, "pattern", `must match ${schema.pattern}`);
  }
  return value;
}

/** Fill a server URL template's variables, refusing values the spec does not list. */
export function serverUrl(server: ServerTemplate, values: Readonly<Record<string, unknown>> = {}): string {
  return server.url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const variable = server.variables[name];
    if (!variable) throw new BceValidationError(name, "server", `the server URL has no variable ${name}`);
    // Only a missing value means the default: a null region is refused, not taken as the default one.
    const value = values[name] === undefined ? variable.default : values[name];
    if (variable.enum && !(variable.enum as readonly unknown[]).includes(value)) {
      throw new BceValidationError(
        name,
        "enum",
        // A string that is not listed may be a region the spec does not know yet.
        `must be one of ${variable.enum.join(", ")}; got ${describeRefused(value)}${typeof value === "string" ? " (for another, give the endpoint option its URL)" : ""}`,
      );
    }
    // A variable with no enum takes only what cannot move the request elsewhere: RFC 3986's
    // unreserved characters (a "/", "#", "@" or ":" would change the host or the path it reaches).
    if (!variable.enum && !(typeof value === "string" && /^[\w.~-]+$/.test(value))) {
      throw new BceValidationError(
        name,
        "format",
        `must be letters, digits and "-", ".", "_", "~" only; got ${describeRefused(value)}`,
      );
    }
    return value as string; // listed, or of the unreserved characters: a string either way
  });
}

/**
 * A refused server variable's value as an error may quote it: a short string (a typo such as
 * "beijing") as it is, a longer one by its length only. A 32-character value is more likely a
 * secret access key or session token read into the wrong option than a region.
 */
function describeRefused(value: unknown): string {
  if (value === null || (typeof value === "string" && value.length <= 15)) return JSON.stringify(value);
  return typeof value === "string" ? `a string of ${value.length} characters` : `a value of type ${typeof value}`;
}
