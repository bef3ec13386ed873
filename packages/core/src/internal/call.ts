/**
 * One call of a generated operation: what every generated client method does, driven by the
 * operation's table (OperationSpec, generated from the spec by packages/codegen).
 */
import {
  bodyJson,
  notOptions,
  unreadableOptions,
  OPTION_NAMES,
  rethrowAsBceError,
  responseMetadata,
  serviceErrorOf,
  type ResponseMetadata,
  type ServiceClient,
} from "../client.js";
import {
  BceAbortError,
  BceError,
  BceResponseError,
  BceValidationError,
  cutPath,
  webCrypto,
  aborted,
  abortedAfter,
  answerStatusOf,
  reasonOf,
} from "../errors.js";
import { settleOnAbort } from "../abort.js";
import {
  answerError,
  answerText,
  checkCallOptions,
  fromTheirFetch,
  type CallOptions,
  type CallStats,
  type LogEvent,
} from "../transport.js";
import { checkOnlyOptionNames } from "../edit-distance.js";
import { boundTo, childPath, isObject, isOptions, option, optionEntries, own } from "./check-runtime.js";
import { hasLoneSurrogate } from "../crypto/user-data.js";
import type { BodilessOperationSpec, BodyTransform, OperationInput, OperationSpec } from "./operation.js";
import type { Transform } from "./transforms.js";
import type { Credentials } from "../credentials.js";
import { answeredBut, requestIdOf, requestSecrets } from "../service-error.js";

/** What a call resolves with before the generated method shapes it. */
export interface OperationResult {
  /** The parsed success body; undefined when the answer has none. */
  readonly data: unknown;
  readonly $metadata: ResponseMetadata;
}

/** The parts of a service client (createServiceClient) a call uses. */
export type OperationService = Pick<
  ServiceClient<Record<string, never>>,
  "credentials" | "callOptions" | "validateResponses" | "logger"
> & { readonly raw: object };

/**
 * The code a client's operations need beyond the tables: the body transforms they name, and, when
 * they have success bodies to check, a loader of the response checks. Passed by the generated
 * client, so a bundle holds only what its operations use (BCC has no answer body to check, BEC
 * encrypts nothing); the loader is a dynamic import, so bundlers that split code load the schema
 * interpreter and the answer schemas only when a client checks answers (`validateResponses`).
 */
export interface OperationRuntime {
  readonly transforms?: Readonly<Partial<Record<BodyTransform["kind"], Transform>>>;
  readonly responseChecks?: () => Promise<ResponseChecks>;
}

/** What opt-in response checking needs: the success body schemas, and what checks a body against them. */
export interface ResponseChecks {
  /** The problems (`path: message`) of a success body: none when it matches, or `responses` gives it no schema. */
  readonly responseProblems: (
    responses: ResponseChecks["responses"],
    operationId: string,
    status: number,
    body: unknown,
  ) => string[];
  /** By operationId, then status code (as a string): the JSON Schema of the success body, null when there is none. */
  readonly responses: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

type RawCall = (
  path: string,
  init: Record<string, unknown>,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/**
 * Send one operation: check the call, add the idempotency token, resolve credentials, transform
 * the body, check what is about to be sent, send it through the service's openapi-fetch client,
 * map an error answer to BceServiceError, and parse the success body tolerantly.
 */
export async function callOperation(
  service: OperationService,
  spec: OperationSpec,
  input: OperationInput,
  options: CallOptions = {},
  runtime: OperationRuntime = {},
): Promise<OperationResult> {
  const { response, $metadata } = await sendOperation(service, spec, input, options, runtime);
  // The spec gives the answer no body: nothing to parse, and nothing that could turn a rebuild
  // the service carried out into a rejection the caller might answer by rebuilding again.
  if (spec.successBody === false) return { data: undefined, $metadata };
  const signal = option(options, "signal") as CallOptions["signal"];
  let body: string;
  try {
    // The transport's bytes, or the body of a Response a middleware put in its place, read until the call's signal aborts.
    const text = answerText(response);
    body = typeof text === "string" || !signal ? await text : await settleOnAbort(() => text, signal);
  } catch (error) {
    // The service has acted: a failure to read its answer (a middleware's body that breaks off,
    // whatever it breaks off with, another call's BceError too) says so, as does the caller's abort.
    const abort = callerAbort(error, signal);
    throw withMetadata(
      abort ? abortedAnswered(response, abort) : acted(response, "the answer could not be read", error),
      $metadata,
    );
  }
  try {
    return { data: await readBody(service, spec, runtime, response, body), $metadata };
  } catch (error) {
    // Ours (a body that is not JSON; in "strict", one that does not match), or the caller's logger's.
    throw withMetadata(
      error instanceof BceError ? error : acted(response, "the answer could not be read", error),
      $metadata,
    );
  }
}

/**
 * callOperation for a client none of whose operations has a success body (`successBody: false`,
 * as BCC's rebuild): the same call, without the body reader and the response checks, which such a
 * client never uses, in its bundle. The generated client calls it when that holds of every operation;
 * the type of `spec` refuses, at compile time, an operation whose success body would go unread.
 */
export async function callBodilessOperation(
  service: OperationService,
  spec: BodilessOperationSpec,
  input: OperationInput,
  options: CallOptions = {},
  runtime: OperationRuntime = {},
): Promise<OperationResult> {
  return { data: undefined, $metadata: (await sendOperation(service, spec, input, options, runtime)).$metadata };
}

/** A call up to its success answer: all that callOperation does but read the body. */
async function sendOperation(
  service: OperationService,
  spec: OperationSpec,
  input: OperationInput,
  options: CallOptions,
  runtime: OperationRuntime,
): Promise<{ response: Response; $metadata: ResponseMetadata }> {
  let prepared: Prepared;
  try {
    prepared = await prepare(service, spec, input, options, runtime);
  } catch (error) {
    // What is not a BceError came from reading the caller's arguments (a getter that throws, a revoked Proxy).
    throw error instanceof BceError ? error : unreadable(error);
  }
  const { path, query, hasBody, body, plain, json, credentials } = prepared;
  const stats: CallStats = { attempts: 0, totalRetryDelay: 0 };
  const send = (service.raw as Record<string, RawCall>)[spec.method];
  if (typeof send !== "function")
    throw new BceValidationError("method", "enum", `${spec.method} is not an HTTP method the client sends`);
  try {
    const result = await send(spec.path, {
      params: { path: { ...spec.fixedPath, ...path }, query: { ...spec.fixedQuery, ...query } },
      ...(hasBody ? { body, bodySerializer: () => json } : {}),
      // The body is not read through openapi-fetch: the transport has its bytes (answerText).
      parseAs: "stream",
      ...service.callOptions({
        ...options,
        credentials,
        operation: spec.operationId,
        idempotent: spec.retry === "idempotency-token",
        ...(spec.idempotencyToken && { idempotencyToken: spec.idempotencyToken.name }),
        bodiless: spec.successBody === false,
        stats,
        givenBody: plain,
      }),
    }).catch((error: unknown) => {
      const { answer, failure } = stats;
      const abort = callerAbort(error, option(options, "signal") as CallOptions["signal"]);
      // A middleware that throws, or an abort while one runs, after the answer came: the caller
      // learns whether the service acted, whatever the error (a BceError of another call's, a
      // refused connection, says nothing of this one).
      if (answer) {
        // Told of the attempts before the answer, as its own error would be (see CallStats).
        const told = <E>(made: E): E => stats.toldEarlier?.(made) ?? made;
        if (abort) throw told(abortedAnswered(answer, abort));
        // An error answer whose body a middleware read (or holds a reader of): what failed is
        // openapi-fetch reading it again (a TypeError, as every fetch gives for a used body), and
        // the service's error is known.
        const taken = answer.bodyUsed || answer.body?.locked === true;
        const refused = !answer.ok && taken && error instanceof TypeError ? answerError(answer) : undefined;
        if (refused) throw refused;
        throw told(acted(answer, "a middleware threw", error));
      }
      // A middleware's onError that threw, or gave back, an error of its own in place of the
      // attempt's failure: the failure (a timeout, after which the service may have acted) is told
      // first. An attempt the caller aborted stays their abort, and so does their abort while an
      // onError ran, after the failure it follows (as after a hook's).
      if (failure instanceof BceError && error !== failure) {
        if (failure instanceof BceAbortError) throw failure;
        if (abort)
          throw abortedAfter(`the attempt failed (${failure.message}), but `, abort.cause, answerStatusOf(failure));
        throw new BceError(
          `${failure.message.replaceAll(" (see cause)", "")}, and then a middleware threw (see cause)`,
          {
            cause: error,
          },
        );
      }
      if (abort) throw abort;
      return rethrowAsBceError(error);
    });
    const { response } = result;
    // An answer may echo what the request carried: the client's own secrets are not passed on,
    // nor the last attempt's (its signature) when a middleware replaced the error answer.
    if (!response.ok)
      throw serviceErrorOf(
        result,
        () =>
          [...(stats.secretForms?.() ?? []), ...requestSecrets(credentials, body, plain)].sort(
            (a, b) => b.length - a.length,
          ),
        stats.toldEarlier,
      );
    // Told with the outcome, success or failure: the token the attempts carried as sent, which
    // the caller may repeat the call with.
    return { response, $metadata: responseMetadata(response, stats) };
  } catch (error) {
    throw withMetadata(error, stats);
  }
}

/**
 * The error a call rejects with, given what the call took (`$metadata`) once it sent an attempt.
 * One of the caller's own (a BceError their fetch threw) is passed on unchanged: written on, it
 * would carry this call's idempotency token into the next call their fetch fails the same way.
 */
function withMetadata(
  error: unknown,
  { attempts, totalRetryDelay, clientToken }: Pick<CallStats, "attempts" | "totalRetryDelay" | "clientToken">,
): unknown {
  if (
    error instanceof BceError &&
    attempts > 0 &&
    !fromTheirFetch(error) &&
    Object.isExtensible(error) &&
    !Object.hasOwn(error, "$metadata")
  )
    Object.defineProperty(error, "$metadata", {
      value: Object.freeze({ attempts, totalRetryDelay, ...(clientToken !== undefined && { clientToken }) }),
      enumerable: true,
    });
  return error;
}

const unreadable = (error: unknown) =>
  new BceError("the call's arguments could not be read (see cause)", { cause: error });

/** A failure after a success answer: the caller learns that the service acted, and which request it was. */
const acted = (response: Response, what: string, cause: unknown) =>
  new BceError(`${answeredBut(response)}${what} (see cause)`, { cause });
/**
 * The caller's abort, when `error` is it: a BceAbortError once their signal has aborted (not one a
 * middleware threw from another call), or their signal's reason itself, whatever it is (another
 * call's BceError too), as a middleware's fetch or `throwIfAborted` passes it on.
 */
function callerAbort(error: unknown, signal: AbortSignal | undefined): BceAbortError | undefined {
  try {
    if (!signal?.aborted) return undefined;
    // The reason first: another call's BceAbortError too is a reason, not this call's error.
    if (error === reasonOf(signal)) return aborted(signal);
  } catch {
    return undefined; // a signal of the caller's whose `aborted` or `reason` throws: no abort to tell
  }
  return error instanceof BceAbortError ? error : undefined;
}

const abortedAnswered = (response: Response, { cause }: BceAbortError) =>
  abortedAfter(answeredBut(response), cause, response.status);

interface Prepared {
  path: Record<string, string>;
  query: Record<string, string>;
  hasBody: boolean;
  body: unknown;
  /** The body before the transforms (a password before it was encrypted). */
  plain: unknown;
  json: string | undefined;
  credentials: Credentials;
}

/** Everything before the send: the caller's arguments checked, transformed and encoded. */
async function prepare(
  service: OperationService,
  spec: OperationSpec,
  input: OperationInput,
  options: CallOptions,
  runtime: OperationRuntime,
): Promise<Prepared> {
  checkCallOptions(options);
  const transforms = spec.bodyTransforms.map(({ path, kind }) => {
    const transform = runtime.transforms?.[kind];
    if (!transform) throw new BceError(`${spec.operationId}: the client was built without the ${kind} transform`);
    return { path, field: ["body", ...path].join("."), transform };
  });
  const path = { ...input.path };
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.query ?? {})) if (value !== undefined) query[name] = value;
  const token = spec.idempotencyToken;
  // One token for every attempt of the call: the service acts at most once.
  // (The query's own: a polluted Object.prototype's would be taken as given, and not sent.)
  if (token && !Object.hasOwn(query, token.name)) query[token.name] = webCrypto("randomUUID").randomUUID();
  // Its own: a polluted Object.prototype's `body` would be sent.
  const hasBody = Object.hasOwn(input, "body");
  // Path and query first, then the body, all before a credentials provider is asked.
  spec.checkRequest({ path, query });
  let body: unknown;
  let json: string | undefined;
  if (hasBody) {
    // The body is checked and sent as JSON will carry it: what JSON.stringify makes of it (a
    // toJSON, an undefined, a NaN), read back; the transforms work on that.
    json = bodyJson(input.body);
    body = json === undefined ? undefined : JSON.parse(json);
    // JSON carries a lone surrogate as an escape, which the service reads as U+FFFD: a string
    // that is not Unicode is refused, wherever it is (BEC's userData transform refused its own).
    // JSON.stringify writes one as `\udxxx` (lowercase), so a body whose JSON has no `\ud` has none,
    // and is not walked: the common case costs one scan of the text, not a walk of the body.
    const broken = json?.includes("\\ud") ? loneSurrogateAt(body, "body") : undefined;
    if (broken !== undefined)
      throw new BceValidationError(cutPath(broken), "format", "holds a lone surrogate, which is not valid Unicode");
  }
  // What a transform checks of the caller's value (the password policy), then the body with a
  // stand-in where a transform will put a value it makes with the credentials (a ciphertext). A
  // value a transform refuses is told after the body's other problems (a wrong or missing
  // `keyConfig.type`, a password where none is allowed: what to fix first), with a value it takes
  // checked in its place.
  let checked = body;
  if (hasBody) {
    let refused: BceValidationError | undefined;
    // A value the caller gave in a wrapper (`{ encrypted }`), checked as sent: named at the key it wrote.
    const wrapped = new Map<string, string>();
    for (const { path, field, transform } of transforms) {
      let value = valueAt(body, path);
      try {
        transform.prepare?.(value, field);
      } catch (error) {
        if (!(error instanceof BceValidationError) || transform.accepted === undefined) throw error;
        refused ??= error;
        value = transform.accepted;
        checked = setAt(checked, path, value);
      }
      if (value != null && transform.standIn) {
        if (typeof value === "object") wrapped.set(field, `${field}.${Object.keys(value)[0]}`);
        checked = setAt(checked, path, transform.standIn(value));
      }
    }
    try {
      spec.checkRequest({ path, query, body: checked });
    } catch (error) {
      // (Not a refusal of the field being there at all, `not`: that is the field's, not its ciphertext's.)
      const inner = error instanceof BceValidationError && error.rule !== "not" && wrapped.get(error.field);
      throw inner ? new BceValidationError(inner, error.rule, error.message.slice(error.field.length + 2)) : error;
    }
    if (refused) throw refused;
  }

  const credentials = await service.credentials(options);
  const plain = body;
  if (hasBody) {
    for (const { path, field, transform } of transforms) {
      const value = valueAt(body, path);
      if (value === undefined || value === null || !transform.apply) continue;
      const out = await transform.apply(value, credentials, field);
      if (out !== value) body = setAt(body, path, out);
    }
    // The values the transforms made are checked, and sent, as they are.
    if (body !== checked) spec.checkRequest({ path, query, body });
    if (body !== plain) json = JSON.stringify(body);
  }
  return { path, query, hasBody, body, plain, json, credentials };
}

/** Every option of CallOptions: `satisfies` keeps the list in step with the interface. */
const CALL_OPTION_NAMES = Object.keys({ signal: 0, timeoutMs: 0, retry: 0 } satisfies Record<keyof CallOptions, 0>);

/**
 * A generated method's options, split: the operation's query parameters (the idempotency token
 * among them) go to the request, the rest (signal, timeoutMs, retry...) to the transport. Any
 * other key is refused, one that misspells an option with a suggestion, as a client's options are.
 */
export function splitOptions(
  options: unknown,
  queryNames: readonly string[],
  /** The client's options beyond BceClientOptions (`region`): refused as the client's, as those are. */
  clientNames: readonly string[] = [],
): { query: Record<string, string>; call: CallOptions } {
  if (options === undefined || options === null) return { query: {}, call: {} };
  if (typeof options !== "object") throw notOptions();
  const query: Record<string, string> = {};
  const call: Record<string, unknown> = {};
  let entries: [string, unknown][];
  let refused: boolean;
  try {
    // An array or a Map would be read as no options: a clientToken inside it ignored, and the call
    // sent with a new one. (isOptions throws for a revoked Proxy.)
    refused = !isOptions(options);
    entries = optionEntries(options);
  } catch (error) {
    throw unreadableOptions(error);
  }
  if (refused) throw notOptions();
  const keys = entries.map(([name]) => name);
  const names = [...CALL_OPTION_NAMES, ...queryNames];
  // Ignored, a client's option given to a call (`endpoint`, `credentials`) would send the call
  // where, or as whom, the client sends.
  const misplaced = keys.find(
    (key) => (OPTION_NAMES.includes(key) || clientNames.includes(key)) && !names.includes(key),
  );
  if (misplaced !== undefined)
    throw new BceValidationError(
      misplaced,
      "unknown",
      "is an option of the client, not of a call: give it when the client is made",
    );
  // A key that is none of them (a BCC `clientToken`, which its rebuild does not take) is refused, not ignored.
  checkOnlyOptionNames(keys, names, "this call");
  for (const [name, value] of entries) {
    if (!queryNames.includes(name)) call[name] = value;
    else if (value !== undefined) query[name] = value as string;
  }
  // `retry` copied, each of its options read once: the check and the transport see the same values.
  // (Its shouldRetry still called on the caller's object, as `retry.shouldRetry(…)` would be.)
  const retry = call.retry;
  if (isOptions(retry))
    try {
      call.retry = Object.fromEntries(
        optionEntries(retry).map(([name, value]) => [name, name === "shouldRetry" ? boundTo(value, retry) : value]),
      );
    } catch (error) {
      throw unreadableOptions(error);
    }
  return { query, call };
}

/**
 * The success body, parsed, and (when asked) checked against the spec. A body that is not JSON is
 * a BceResponseError whatever the mode; one that differs from the spec is passed on unless "strict".
 */
async function readBody(
  service: OperationService,
  spec: OperationSpec,
  runtime: OperationRuntime,
  response: Response,
  text: string,
): Promise<unknown> {
  const requestId = requestIdOf(response);
  // An empty body has no fields, as null has; like null, it is still checked against the spec
  // below ("warn", "strict"), so a strict client does not take a missing answer for a valid one.
  let data: unknown = null;
  if (text.trim() !== "") {
    try {
      data = JSON.parse(text);
    } catch {
      throw new BceResponseError({ status: response.status, requestId, problems: ["body: is not valid JSON"] });
    }
  }
  // Every BCE answer body is an object, whose fields the method returns: a string, number, boolean
  // or array has none (null is taken as no fields, as an empty body is).
  if (typeof data !== "object" || Array.isArray(data))
    throw new BceResponseError({ status: response.status, requestId, problems: ["body: is not a JSON object"] });
  const mode = service.validateResponses;
  // A client with no answer body to check has no loader: there is nothing to check.
  if (mode === "off" || !runtime.responseChecks) return data;
  let checks: ResponseChecks;
  try {
    checks = await runtime.responseChecks();
  } catch (error) {
    // They load on first use, as a chunk of their own (a failed download, a redeploy): the service
    // has acted all the same, so "warn" goes on unchecked and "strict" says what happened.
    if (mode === "strict")
      throw acted(response, "the response checks did not load, so the answer was not checked", error);
    service.logger.warn("the response checks did not load; the answer is not checked", {
      event: "responseChecksUnavailable" satisfies LogEvent,
      operation: spec.operationId,
      status: response.status,
      requestId,
      error: String(error),
    });
    return data;
  }
  const problems = checks.responseProblems(checks.responses, spec.operationId, response.status, data);
  if (problems.length === 0) return data;
  // The service has acted whatever the body says: only "strict" turns this into a rejection.
  if (mode === "strict") throw new BceResponseError({ status: response.status, requestId, problems });
  service.logger.warn("the answer does not match the API description", {
    event: "responseMismatch" satisfies LogEvent,
    operation: spec.operationId,
    status: response.status,
    requestId,
    problems,
  });
  return data;
}

/** Where in a JSON value (a string, or an object key) there is a lone surrogate, named as the checks name fields. */
function loneSurrogateAt(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return hasLoneSurrogate(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = loneSurrogateAt(value[i], `${path}[${i}]`);
      if (at !== undefined) return at;
    }
  } else if (isObject(value)) {
    for (const [name, item] of Object.entries(value)) {
      const child = childPath(path, name);
      if (hasLoneSurrogate(name)) return child;
      const at = loneSurrogateAt(item, child);
      if (at !== undefined) return at;
    }
  }
  return undefined;
}

/** The body's own value at `path`: one inherited from a polluted Object.prototype is none. */
function valueAt(body: unknown, path: readonly string[]): unknown {
  let node = body;
  for (const name of path) {
    if (!isObject(node)) return undefined;
    node = own(node, name);
  }
  return node;
}

/** The body with `value` at `path` (a copy along the path: the caller's object is left alone). */
function setAt(node: unknown, path: readonly string[], value: unknown): unknown {
  const [name, ...rest] = path;
  if (name === undefined) return value;
  const object = node as Record<string, unknown>;
  return { ...object, [name]: setAt(object[name], rest, value) };
}
