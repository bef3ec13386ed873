import { isUtf8 } from "node:buffer";
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createLogger, type IPrismDiagnostic } from "@stoplight/prism-core";
import {
  createInstance,
  type IHttpConfig,
  type IHttpRequest,
  type IHttpResponse,
  type PrismHttpInstance,
} from "@stoplight/prism-http";
import { verifyRequest } from "@bce-openapi/core";
import { checkNestedOptions, secretForms } from "@bce-openapi/core/internal";
import { closestName } from "./closest-name.js";
import { undecryptable } from "./encrypted.js";
import { handleAdmin, ADMIN_PREFIX } from "./admin.js";
import { closeAfterAnswer, Exchange, exchangeOfResponse } from "./exchange.js";
import {
  allowAll,
  authResultProblem,
  DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  resolveCredentials,
  signatureAuthenticator,
  type Authenticate,
  type AuthResult,
  type Credential,
} from "./auth.js";
import { allowOrigin, answerPreflight, isPreflight, originPolicy, type CorsOption, type OriginPolicy } from "./cors.js";
import { validateInput } from "./empty-query.js";
import { asciiSafe, BCE_CONTENT_TYPE, REQUEST_ID_HEADER, sendError } from "./errors.js";
import { DEFAULT_CODES, describeStep, FaultScripts, type FaultStep } from "./faults.js";
import { hideDecodedSecrets, Journal, MAX_JOURNAL_BODY, redactLogLine, type JournalEntry } from "./journal.js";
import {
  indexOperations,
  pickedResponse,
  unescapeUnreserved,
  type OperationIndex,
  type OperationInfo,
} from "./operations.js";
import { parsePrefer, type Preference } from "./prefer.js";
import { LOG_LEVELS, type LogLevel } from "./log-levels.js";
import { defaultSpecPath } from "./spec.js";
import { type SpecOperations, specOperations } from "./spec-cache.js";
import { repairUriTemplateExport } from "./uri-template.js";

export interface MockOptions {
  /** 0 picks a free port. Default 0 (the CLI defaults to 4010). */
  port?: number | undefined;
  /** Default 127.0.0.1. A wildcard (0.0.0.0, ::) listens everywhere; `url` then names loopback. */
  host?: string | undefined;
  /** Path of an OpenAPI document. Default: the bundle of @bce-openapi/spec. */
  spec?: string | undefined;
  /** Prism's own log output (pino, to stdout). Default 'silent'. */
  logLevel?: LogLevel | undefined;
  /** Accepted key pairs. Default: BCE_MOCK_ACCESS_KEY_ID / BCE_MOCK_SECRET_ACCESS_KEY, else DEFAULT_CREDENTIALS. */
  credentials?: Credential[] | undefined;
  /**
   * Verify bce-auth-v1 signatures as BCE does. Default true: the mock answers an unsigned or
   * badly signed request with the error the real service gives.
   */
  auth?: boolean | undefined;
  /** The mock's clock in milliseconds since the epoch: signature expiry, skew, the `Date` header. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Replaces the built-in authentication step (wins over `auth`). */
  authenticate?: Authenticate | undefined;
  /** Browser origins allowed to call the mock. Default: loopback origins. `false`: no CORS. */
  cors?: CorsOption | undefined;
  /** Requests the journal keeps (the oldest go first). Default 1000; 0 keeps none. */
  journalLimit?: number | undefined;
  /** Largest request body accepted; a larger declared Content-Length is answered 413 before it is read. Default 10 MiB. */
  maxBodyBytes?: number | undefined;
  /** How far in the future a signature may be dated before RequestTimeTooSkewed. Default 900 s. */
  maxClockSkewSeconds?: number | undefined;
  /**
   * Time a whole request (head and body) may take to arrive before it is answered 408
   * `RequestTimeout` and its connection closed. Default 60 000 ms (Node's own is 300 000).
   */
  requestTimeoutMs?: number | undefined;
}

export interface MockServer {
  url: string;
  port: number;
  /**
   * Stops listening, cuts off requests in flight and rejects pending `journal.waitFor()` calls.
   * Calling it again (or concurrently) returns the same promise.
   */
  close(): Promise<void>;
  /** What arrived and what was answered. */
  journal: Journal;
  /** Scripted answers: `mock.faults.enqueue("reinstallVmInstance", [{ status: 503 }, {}])`. */
  faults: FaultScripts;
  /**
   * How many times each operation took effect (answered 2xx), by operationId. A call repeated
   * with the same idempotency token counts once.
   */
  actions(): Record<string, number>;
  /** Forgets faults, journal, idempotency tokens and action counts: call it between tests. */
  reset(): void;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024; // Prism's own server limit
const DEFAULT_JOURNAL_LIMIT = 1000;
/** As a front server gives a client to send its request (nginx's client_header_timeout and client_body_timeout). */
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const MAX_TOKENS = 10_000;
const DIAGNOSTIC_ERROR = 0; // DiagnosticSeverity.Error in @stoplight/types

function prismConfig(preference: Preference = {}): IHttpConfig {
  // A fresh object per request: Prism's mocker writes the Accept header into `config.mock`.
  return {
    mock: {
      dynamic: preference.dynamic ?? false,
      ...(preference.code !== undefined ? { code: preference.code } : {}),
      ...(preference.exampleKey !== undefined ? { exampleKey: preference.exampleKey } : {}),
    },
    validateRequest: true,
    // Responses are the spec's own examples; checking them is the spec linter's job, not the mock's.
    validateResponse: false,
    checkSecurity: false, // Prism cannot check bce-auth-v1; `authenticate` does
    errors: false,
    upstreamProxy: undefined,
    isProxy: false,
  };
}

/** An answer kept for an idempotency token. */
interface Remembered {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  payload: string;
}

interface Context {
  prism: PrismHttpInstance;
  operations: SpecOperations;
  index: OperationIndex;
  authenticate: Authenticate;
  checksSignatures: boolean;
  cors: OriginPolicy;
  corsMethods: string[];
  journal: Journal;
  /** The forms of the secrets the mock knows (secretForms), hidden in every error answer too. */
  hidden: readonly string[];
  /** The access key ids of the key pairs the mock accepts: any other is hidden in the journal. */
  accessKeyIds: ReadonlySet<string>;
  /** Each accepted key pair's secret access key, by access key id: what an encrypted field is decrypted with. */
  secretKeys: ReadonlyMap<string, string>;
  /** Exchanges whose response has not closed yet. */
  live: Set<Exchange>;
  faults: FaultScripts;
  tokens: Map<string, Remembered>;
  actions: Map<string, number>;
  now: () => number;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  /** Cancels every delayed or hanging answer (on close). */
  waiting: Set<() => void>;
  /**
   * Bumped by reset(): a request that arrived before a reset and takes effect after it (one
   * waiting on a delayMs step) belongs to the previous test and must not show in its actions or tokens.
   */
  generation: number;
  reset(): void;
}

export async function startMock(given: MockOptions = {}): Promise<MockServer> {
  // Every option is read once and checked before the spec is read: a typo is reported at once, not
  // after a second of loading.
  const options = readOptions(given);
  checkOptions(options);
  let cors: OriginPolicy;
  try {
    cors = originPolicy(options.cors);
  } catch (error) {
    throw new TypeError(`startMock: ${(error as Error).message}`);
  }
  const specPath = options.spec ?? defaultSpecPath();
  let operations: SpecOperations;
  try {
    operations = await specOperations(specPath);
  } catch (error) {
    // Prism says "Unsupported document format" or `Error opening file "x" \nEISDIR: ...`: which
    // file, and which option names it, are ours to say.
    const reason = String((error as Error)?.message ?? error)
      .replace(/\s+/g, " ")
      .trim();
    throw new Error(`startMock: cannot read the spec ${specPath} (the spec option): ${reason}`, { cause: error });
  }
  const keyPairs = resolveCredentials(options.credentials);
  // The secrets of the keys the mock accepts: neither the journal nor the log shows them, wherever a request puts them.
  const secrets = keyPairs.flatMap((pair) => [pair.secretAccessKey, pair.sessionToken]);
  const hidden = secretForms(secrets);
  const accessKeyIds: ReadonlySet<string> = new Set(keyPairs.map((pair) => pair.accessKeyId));
  const logger = createLogger("BCE-MOCK", {
    level: options.logLevel ?? "silent",
    // Prism logs every request's headers and body at debug: the signature, a session token and a
    // plaintext password are hidden as the journal hides them.
    hooks: {
      logMethod(args: unknown[], method: (...args: unknown[]) => void) {
        method.apply(
          this,
          args.map((arg) =>
            typeof arg === "string" ? hideDecodedSecrets(redactLogLine(arg, accessKeyIds), hidden) : arg,
          ),
        );
      },
    },
  });
  repairUriTemplateExport();
  const prism = createInstance(prismConfig(), { logger, validateInput });
  const now = checkedClock(options.now ?? Date.now);
  const journalLimit = options.journalLimit ?? DEFAULT_JOURNAL_LIMIT;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const index = indexOperations(operations);
  const checksSignatures = options.authenticate !== undefined || options.auth !== false;
  const authenticate =
    options.authenticate ??
    (options.auth === false
      ? allowAll
      : signatureAuthenticator(
          keyPairs,
          verifyRequest,
          now,
          options.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS,
        ));
  const ctx: Context = {
    prism,
    operations,
    index,
    authenticate,
    checksSignatures,
    cors,
    // What the spec serves, and nothing more: a method advertised here and then answered 405 misleads the page.
    corsMethods: [...new Set(index.operations.map((op) => op.method.toUpperCase()))],
    hidden,
    accessKeyIds,
    secretKeys: new Map(keyPairs.map((pair) => [pair.accessKeyId, pair.secretAccessKey])),
    live: new Set(),
    journal: new Journal(
      journalLimit,
      secrets,
      keyPairs.map((pair) => pair.accessKeyId),
      index.operations.filter((op) => op.encryptedFields.length > 0).map((op) => op.operationId),
    ),
    faults: new FaultScripts(
      index.operations.map((op) => op.operationId),
      (path) => index.methodsFor(path).length > 0,
      index.operations.map((op) => op.path),
    ),
    tokens: new Map(),
    actions: new Map(),
    now,
    maxBodyBytes,
    requestTimeoutMs,
    waiting: new Set(),
    generation: 0,
    reset: () => {
      ctx.generation++;
      ctx.faults.clear();
      ctx.journal.clear();
      ctx.tokens.clear();
      ctx.actions.clear();
    },
  };
  const actions = () => Object.fromEntries(ctx.actions);

  /** The exchange of a request; undefined when the clock failed (see checkedClock), after an unrecorded answer. */
  const exchangeOf = (req: IncomingMessage, res: ServerResponse): Exchange | undefined => {
    toOriginForm(req);
    const requestId = randomUUID();
    try {
      return new Exchange(req, res, requestId, ctx);
    } catch (error) {
      // Without the clock there is no journal entry, but still an answer.
      answerUnrecorded(res, requestId, error);
      return undefined;
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const exchange = exchangeOf(req, res);
    if (!exchange) return;
    handle(exchange, ctx).catch((error: unknown) => {
      // The client went away mid-request: nobody to answer.
      if (req.socket.destroyed) return exchange.answered(0);
      // Last resort, so that no request is ever left hanging.
      if (!res.headersSent) exchange.error(500, "InternalError", messageOf(error));
      else res.destroy();
    });
  };
  // Node's own Host check answers a bare 400 (no request id, no BCE body, nothing journaled): handle does it instead.
  // A request that stops arriving (a body shorter than its Content-Length, a chunked body never
  // ended) is answered 408 after requestTimeoutMs, not after Node's five minutes. Node checks
  // every connectionsCheckingInterval, so that is a fraction of the timeout.
  const server = createServer(
    {
      requireHostHeader: false,
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(10, Math.floor(requestTimeoutMs / 4))),
    },
    onRequest,
  );
  // Expect: 100-continue: the body is asked for only once the front has accepted the headers.
  server.on("checkContinue", onRequest);
  server.on("checkExpectation", (req, res) => {
    const exchange = exchangeOf(req, res);
    if (!exchange) return;
    // Admin requests are never journaled.
    if (!isAdminPath(exchange.entry.path)) exchange.record();
    closeAfterAnswer(req, res);
    exchange.error(
      417,
      "InvalidHTTPRequest",
      `Expect: ${String(req.headers.expect)} is not supported; only 100-continue is`,
    );
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => answerParserError(error, socket, ctx));
  // CONNECT: the tunnel a client opens through its HTTP proxy, as the Python SDK does for an http
  // endpoint too (baidubce/bce-sdk-python baidubce/http/bce_http_client.py@05812784c5a227009df4af50ac82265fd4cd73d7,
  // `_get_connection`: `set_tunnel`). It leads to the mock itself, whose server reads the requests
  // sent through it as any other. Port 443 would carry TLS, which the mock does not speak: refused,
  // as BCE answers a method it does not take.
  const tunnels = new WeakSet<Duplex>();
  server.on("connect", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Once a socket: a CONNECT inside a tunnel comes on the same one.
    if (!tunnels.has(socket)) socket.on("error", () => socket.destroy());
    tunnels.add(socket);
    // Answers go in the order of the requests (RFC 9112, section 9.3.2): a request pipelined before
    // the CONNECT is answered first, or its answer would follow the tunnel's (and be read as it).
    const earlier = [...ctx.live].filter((x) => x.req.socket === socket && !x.res.writableFinished);
    if (earlier.length === 0) return tunnel(req, socket, head);
    // Out of the server's connections while it waits: close() ends it (an answer the client does
    // not read would never finish).
    const cancel = () => socket.destroy();
    ctx.waiting.add(cancel);
    // The socket is not read meanwhile (as Node leaves a CONNECT's): what the client sends waits in
    // the kernel, held back by TCP, for the tunnel's connection.
    void Promise.all(earlier.map((x) => new Promise((done) => x.res.once("finish", done).once("close", done)))).then(
      () => {
        ctx.waiting.delete(cancel);
        // The answer's end armed the keep-alive timeout, which the tunnel's new connection would
        // never clear: its requests, however slow their answers, would be cut at it.
        (socket as Socket).setTimeout(0);
        tunnel(req, socket, head);
      },
    );
  });
  const tunnel = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (socket.destroyed) return;
    if (/:443$/.test(req.url ?? "")) {
      answerRaw(
        socket,
        ctx,
        [405, "Method Not Allowed", "MethodNotAllowed"],
        "CONNECT to port 443 is not supported: the mock speaks plain HTTP (give the client an http:// endpoint)",
        req.method,
      );
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    server.emit("connection", socket);
  };

  const host = options.host ?? "127.0.0.1";
  const listenPort = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      // Node says `listen EADDRINUSE: address already in use 127.0.0.1:4010`: which option to change is ours to say.
      const wrapped: NodeJS.ErrnoException = new Error(
        `startMock: cannot listen on host ${host}, port ${listenPort} (the host and port options): ${error.message}`,
        { cause: error },
      );
      if (error.code !== undefined) wrapped.code = error.code; // what callers test, as on Node's own error
      reject(wrapped);
    };
    server.once("error", failed);
    server.listen(listenPort, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = urlFor(host, port);

  // One close for every caller: a second server.close() rejects with ERR_SERVER_NOT_RUNNING.
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve, reject) => {
      for (const cancel of [...ctx.waiting]) cancel();
      server.close((error) => {
        // After the server has stopped, so that requests cut off by the close still count first:
        // a cut-off response's own close event may come later.
        for (const exchange of [...ctx.live]) exchange.settle();
        ctx.journal.close();
        if (error) reject(error);
        else resolve();
      });
      server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
    });
    return closing;
  };

  return { url, port, journal: ctx.journal, faults: ctx.faults, actions, reset: ctx.reset, close };
}

/**
 * The URL to reach the mock at. A wildcard bind (0.0.0.0, ::) is no address to send to, and the
 * admin routes answer a loopback Host only: it is reported as loopback (127.0.0.1, [::1]), which
 * the wildcard includes.
 */
export function urlFor(host: string, port: number): string {
  const wildcard = wildcardOf(host);
  const name = wildcard === undefined ? host : wildcard === "::" ? "::1" : "127.0.0.1";
  return `http://${name.includes(":") ? `[${name}]` : name}:${port}`;
}

/** By the URL parser's spelling: each wildcard as an address is usually written. */
const WILDCARDS = new Map([
  ["0.0.0.0", "0.0.0.0"],
  ["[::]", "::"],
  ["[::ffff:0:0]", "::ffff:0.0.0.0"],
]);

/**
 * The wildcard address a host is, as usually written: 0.0.0.0 or :: in any spelling an address
 * lookup reads as one (`0`, `0x0`, `0.0` are 0.0.0.0, `0:0::0` is ::; and `::ffff:0.0.0.0`,
 * which listens on every IPv4 interface), an address that listens everywhere. Undefined for any
 * other host.
 */
export function wildcardOf(host: string): string | undefined {
  return WILDCARDS.get(wildcardName(host) ?? "");
}

/** The host as a URL spells it (the WHATWG parser reads IPv4 numbers as inet_aton does); undefined when it is no host. */
function wildcardName(host: string): string | undefined {
  try {
    return new URL(`http://${host.includes(":") ? `[${host}]` : host}`).hostname;
  } catch {
    return undefined;
  }
}

/** Milliseconds a Date can hold either side of the epoch (ECMA-262 time values). */
const MAX_TIME_MS = 8.64e15;

/**
 * The mock's clock, refusing what no Date can hold: a `now` that returns NaN, a string or a time
 * past year 275760 would otherwise surface as a RangeError from deep inside a request (before,
 * one thrown in the request listener that ended the process). The error names `now()`, and the
 * request is answered 500 with it.
 */
function checkedClock(now: () => number): () => number {
  return () => {
    const time: unknown = now();
    if (typeof time !== "number" || !Number.isFinite(time) || Math.abs(time) > MAX_TIME_MS) {
      const got = typeof time === "number" ? String(time) : typeof time;
      throw new Error(
        `startMock: now() must return milliseconds since the epoch (a finite number from -8.64e15 to 8.64e15), got ${got}`,
      );
    }
    return time;
  };
}

/** What a thrown value says: an Error's message, else the value as text. */
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A 500 for a request no Exchange could be made for (the clock failed): not journaled, but answered. */
function answerUnrecorded(res: ServerResponse, requestId: string, error: unknown): void {
  res.setHeader(REQUEST_ID_HEADER, requestId);
  sendError(res, requestId, 500, "InternalError", messageOf(error));
}

/** Every option startMock takes: `satisfies` keeps the list in step with MockOptions. */
const OPTION_NAMES = Object.keys({
  port: true,
  host: true,
  spec: true,
  logLevel: true,
  credentials: true,
  auth: true,
  now: true,
  authenticate: true,
  cors: true,
  journalLimit: true,
  maxBodyBytes: true,
  maxClockSkewSeconds: true,
  requestTimeoutMs: true,
} satisfies Record<keyof MockOptions, true>);

/** Every field of a key pair (Credential): `satisfies` keeps the list in step with it. */
const KEY_PAIR_FIELDS = Object.keys({
  accessKeyId: true,
  secretAccessKey: true,
  sessionToken: true,
} satisfies Record<keyof Credential, true>);

/**
 * The options, each read once into a plain object (a getter may throw, or answer differently a
 * second time): the own keys (unknown ones too, for checkOptions to name), the known ones inherited,
 * and a copy of each key pair of `credentials`. What cannot be read is a TypeError naming it, with
 * the error as cause.
 */
function readOptions(given: MockOptions): MockOptions {
  if (typeof given !== "object" || given === null) throw new TypeError("startMock: options must be an object");
  const unreadable = (what: string, cause: unknown) =>
    new TypeError(`startMock: ${what}: could not be read (a getter or a Proxy threw; see cause)`, { cause });
  let array: boolean;
  try {
    array = Array.isArray(given); // throws for a revoked Proxy
  } catch (error) {
    throw unreadable("options", error);
  }
  // Read as an object, an array would start a mock with every option at its default.
  if (array) throw new TypeError("startMock: options must be an object, not an array");
  // No prototype: an own "__proto__" key stays an option (refused as unknown), not a prototype.
  const read: Record<string, unknown> = Object.create(null);
  const source = given as Record<string, unknown>;
  try {
    for (const key of Object.keys(source)) read[key] = source[key];
    for (const key of OPTION_NAMES) if (!(key in read) && source[key] !== undefined) read[key] = source[key];
  } catch (error) {
    throw unreadable("options", error);
  }
  const { credentials } = read;
  if (Array.isArray(credentials)) {
    // Each key pair's own fields, read once, for the check of their names below.
    let own: Record<string, unknown>[];
    try {
      own = credentials.map((c: unknown) =>
        typeof c === "object" && c !== null
          ? Object.fromEntries(Object.keys(c).map((key) => [key, (c as Record<string, unknown>)[key]]))
          : {},
      );
      read.credentials = credentials.map((c: unknown) => {
        if (typeof c !== "object" || c === null) return c;
        const { accessKeyId, secretAccessKey, sessionToken } = c as Partial<Credential>;
        return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
      });
    } catch (error) {
      throw unreadable("credentials", error);
    }
    // A misspelt key (`sessiontoken`) or another SDK's (`securityToken`) would be dropped: a key pair
    // meant to be temporary (STS) would then take requests without its token. Other keys pass, as
    // the clients take them (an STS answer given as it came carries more).
    try {
      for (const pair of own) checkNestedOptions(pair, "credentials", KEY_PAIR_FIELDS);
    } catch (error) {
      throw new TypeError(`startMock: ${(error as Error).message}`);
    }
  }
  return read as MockOptions;
}

/** Refuse options the mock cannot run with, naming the option (a TypeError, `startMock:` first). */
function checkOptions(options: MockOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError("startMock: options must be an object");
  const {
    port,
    host,
    spec,
    logLevel,
    credentials,
    auth,
    now,
    authenticate,
    journalLimit,
    maxBodyBytes,
    maxClockSkewSeconds,
    requestTimeoutMs,
  } = options;
  const bad = (what: string) => {
    throw new TypeError(`startMock: ${what}`);
  };
  // A misspelt option would otherwise be ignored: { noAuth: true } would leave signatures checked.
  for (const key of Object.keys(options)) {
    if (OPTION_NAMES.includes(key)) continue;
    // A guess only when it is near (noAuth is auth); otherwise the list alone.
    const closest = closestName(key, OPTION_NAMES);
    bad(
      `unknown option ${JSON.stringify(key)}; ${closest ? `did you mean ${closest}? ` : ""}(options: ${OPTION_NAMES.join(", ")})`,
    );
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
    bad("port must be an integer from 0 to 65535 (0 for any free port)");
  if (host !== undefined && !(typeof host === "string" && host !== "")) bad("host must be a non-empty string");
  if (spec !== undefined && !(typeof spec === "string" && spec !== ""))
    bad("spec must be the path of an OpenAPI document");
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel))
    bad(`logLevel must be one of ${LOG_LEVELS.join(", ")}`);
  if (
    credentials !== undefined &&
    !(
      Array.isArray(credentials) &&
      credentials.every(
        (c) =>
          typeof c?.accessKeyId === "string" &&
          c.accessKeyId !== "" &&
          typeof c.secretAccessKey === "string" &&
          c.secretAccessKey !== "",
      )
    )
  )
    bad("credentials must be a list of { accessKeyId, secretAccessKey } with non-empty strings");
  // The Authorization header is split on "/", and a header carries no whitespace or non-ASCII text.
  if (credentials?.some(({ accessKeyId }) => /[^\x21-\x7e]/.test(accessKeyId) || accessKeyId.includes("/")))
    bad('credentials: an accessKeyId holds "/", whitespace or non-ASCII characters, which no signature can carry');
  // A session token is compared with a header: a value no header can carry could never match. The
  // same rule for the bin's way to give one (resolveCredentials reads it when no credentials are given).
  const headerToken = (token: unknown) => typeof token === "string" && /^[\x21-\x7e]+$/.test(token);
  if (credentials?.some(({ sessionToken }) => sessionToken !== undefined && !headerToken(sessionToken)))
    bad(
      "credentials: a sessionToken must be a non-empty string of printable ASCII without spaces, as a header carries it",
    );
  const envToken = process.env.BCE_MOCK_SESSION_TOKEN;
  if (credentials === undefined && envToken && !headerToken(envToken))
    bad("BCE_MOCK_SESSION_TOKEN must be printable ASCII without spaces, as a header carries it");
  const envId = process.env.BCE_MOCK_ACCESS_KEY_ID;
  if (credentials === undefined && envId && (/[^\x21-\x7e]/.test(envId) || envId.includes("/")))
    bad('BCE_MOCK_ACCESS_KEY_ID holds "/", whitespace or non-ASCII characters, which no signature can carry');
  // Half a pair would be completed with the default's other half: a client signing with the
  // caller's own pair then meets SignatureDoesNotMatch (or InvalidAccessKeyId), with no word why.
  const envSecret = process.env.BCE_MOCK_SECRET_ACCESS_KEY;
  if (credentials === undefined && !envId !== !envSecret) {
    const pair = ["BCE_MOCK_ACCESS_KEY_ID", "BCE_MOCK_SECRET_ACCESS_KEY"];
    const [set, missing] = envId ? pair : pair.reverse();
    bad(`${set} is set without ${missing}: set both, or neither for the default key pair`);
  }
  // Two key pairs with one id: the last would silently win, and the first's secret key never verify.
  const ids = Array.isArray(credentials) ? credentials.map((c) => c?.accessKeyId) : [];
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined)
    bad(`credentials: the accessKeyId ${JSON.stringify(repeated)} is given twice; give each key pair once`);
  if (Array.isArray(credentials) && credentials.length === 0)
    bad(
      "credentials must be a non-empty list: with none, no request could be signed (auth: false accepts every request)",
    );
  if (auth !== undefined && typeof auth !== "boolean") bad("auth must be true or false");
  if (now !== undefined && typeof now !== "function") bad("now must be a function");
  if (authenticate !== undefined && typeof authenticate !== "function") bad("authenticate must be a function");
  if (maxClockSkewSeconds !== undefined && !(typeof maxClockSkewSeconds === "number" && maxClockSkewSeconds >= 0))
    bad("maxClockSkewSeconds must be a number of seconds, at least 0");
  if (
    requestTimeoutMs !== undefined &&
    !(Number.isInteger(requestTimeoutMs) && requestTimeoutMs >= 1 && requestTimeoutMs <= 2_147_483_647)
  )
    bad("requestTimeoutMs must be an integer number of milliseconds from 1 to 2147483647");
  if (journalLimit !== undefined && !(Number.isInteger(journalLimit) && journalLimit >= 0))
    bad("journalLimit must be a non-negative integer");
  if (maxBodyBytes !== undefined && !(Number.isInteger(maxBodyBytes) && maxBodyBytes >= 0))
    bad("maxBodyBytes must be a non-negative integer");
}

/** A Host header's value that is a host (a name or an address, an IPv6 one in brackets) and a port alone. */
const HOST_AND_PORT = /^(?:[\w.-]+|\[[\da-f:.]+\])(?::\d*)?$/i;

/**
 * An absolute-form request line (`PUT http://bcc.bj.baidubce.com/v2/instance/i-1?rebuild`), what a
 * client sends when the mock is its HTTP proxy, read as a proxy forwards it (RFC 9112, 3.2.2): path
 * and query from the URL, and the Host from its authority, which replaces a Host header sent with
 * it that names another. That is what the client signed: fetch and the SDKs sign the URL's host.
 * A Host header that names the same one, but for case or the scheme's default port, is kept as
 * sent: the Go SDK signs and sends the endpoint as configured (`bcc.bj.baidubce.com:80`; baidubce/bce-sdk-go
 * http/request.go@5514084ef5f320ade9f25c8dd6edc91de8c84918, `SetHost`), the Java and Python SDKs
 * sign the host without the port their request line may carry. A user name and password in the
 * URL are dropped unread.
 */
function toOriginForm(req: IncomingMessage): void {
  const absolute = /^(https?):\/\/([^/?#]*)(.*)$/is.exec(req.url ?? "");
  if (!absolute) return;
  const [, scheme = "", authority = "", rest = ""] = absolute;
  req.url = rest.startsWith("/") ? rest : `/${rest}`;
  const host = authority.slice(authority.lastIndexOf("@") + 1);
  if (!host) return;
  // As a client signs it (URL.host): lowercase, without the scheme's default port.
  const normal = (text: string) => URL.parse(`${scheme.toLowerCase()}://${text}`)?.host || text;
  // Only a Host that is a host and port alone: URL.parse reads `x@host` or `host/x` as the host too.
  const sent = req.headers.host;
  if (sent !== undefined && HOST_AND_PORT.test(sent) && normal(sent) === normal(host)) return;
  req.headers.host = normal(host);
}

/**
 * An HTTP/1.1 request without a Host, or with an empty one (HTTP/1.0 needs none), or any request
 * with more than one (Node keeps the first): answered 400, as RFC 9112 section 3.2 says.
 */
const badHost = (req: IncomingMessage) =>
  ((req.httpVersionMajor > 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1)) && !req.headers.host) ||
  (req.headersDistinct.host?.length ?? 0) > 1;

/** The mock's own routes (ADMIN_PREFIX), never journaled. */
const isAdminPath = (path: string) => path === ADMIN_PREFIX.slice(0, -1) || path.startsWith(ADMIN_PREFIX);

async function handle(x: Exchange, ctx: Context): Promise<void> {
  const { req, res } = x;
  // A request from before a reset() belongs to the previous test: it takes none of the next one's state.
  const generation = ctx.generation;
  const current = () => generation === ctx.generation;
  if (badHost(req)) {
    // Admin requests are never journaled.
    if (!isAdminPath(x.entry.path)) x.record();
    return x.error(
      400,
      "InvalidHTTPRequest",
      "An HTTP/1.1 request needs one Host header, and no request may have more (RFC 9112, section 3.2)",
    );
  }
  if (isAdminPath(x.entry.path)) {
    // A web page may send a simple POST to loopback: only pages the CORS setting allows reach the admin routes.
    const from = req.headers.origin;
    if (from !== undefined) {
      if (!ctx.cors?.(from)) return x.error(403, "AccessDenied", `Origin ${from} may not use ${ADMIN_PREFIX}`);
      if (isPreflight(req)) return answerPreflight(req, res, from, ["GET", "POST", "DELETE"], ctx.hidden);
      allowOrigin(res, from);
    }
    return handleAdmin(x, {
      journal: ctx.journal,
      faults: ctx.faults,
      reset: ctx.reset,
      actions: () => Object.fromEntries(ctx.actions),
    });
  }
  x.record();
  // A preflight is journaled under the operation it asks about.
  const method = isPreflight(req) ? String(req.headers["access-control-request-method"]) : (req.method ?? "");
  const operation = ctx.index.match(method, x.entry.path);
  if (operation) x.entry.operationId = operation.operationId;

  const origin = req.headers.origin;
  if (ctx.cors && typeof origin === "string") {
    if (!ctx.cors(origin)) {
      // Refused before anything else happens: a request from a page the mock does not serve must not take effect.
      return x.error(
        403,
        "AccessDenied",
        `Origin ${origin} is not allowed to call this mock (see the cors option / --cors-origin)`,
      );
    }
    if (isPreflight(req)) {
      x.answered(204);
      return answerPreflight(req, res, origin, ctx.corsMethods, ctx.hidden);
    }
    allowOrigin(res, origin);
  }

  const rawBody = await x.readBody(ctx.maxBodyBytes);
  if (!rawBody) return;
  x.entry.bodyBytes = rawBody.length;
  x.entry.body = rawBody.subarray(0, MAX_JOURNAL_BODY).toString("utf8");

  let auth: AuthResult;
  try {
    auth = await ctx.authenticate(req, rawBody);
  } catch (error) {
    return x.error(500, "InternalError", `authenticate threw: ${messageOf(error)}`);
  }
  const badResult = authResultProblem(auth);
  if (badResult) return x.error(500, "InternalError", `authenticate ${badResult}`);
  if (!auth.ok) {
    x.entry.signature = "failed";
    // A custom authenticate's code may quote a secret: hidden, as in its answer.
    x.entry.signatureError = hideDecodedSecrets(auth.code, ctx.hidden);
    return x.error(auth.status, auth.code, auth.message);
  }
  if (ctx.checksSignatures) x.entry.signature = "verified";

  const { path: rawPath, query: rawQuery } = x.entry;
  const badUri = malformedEscape(rawPath, rawQuery) ?? unparsedCharacter(rawPath, rawQuery) ?? dotSegment(rawPath);
  if (badUri) return x.error(400, "InvalidURI", badUri);
  // Base prefixed as a string, so that a path such as //host/x stays a path. Routed (by Prism too)
  // with its escaped unreserved characters read, as it was matched.
  const path = unescapeUnreserved(rawPath);
  const url = new URL(`http://mock.invalid${path.startsWith("/") ? "" : "/"}${path}?${rawQuery}`);
  const caseProblem = [...new Set(url.searchParams.keys())]
    .map((name) => [
      name,
      [...ctx.index.queryNames].find((known) => known !== name && known.toLowerCase() === name.toLowerCase()),
    ])
    .find(([, known]) => known !== undefined);
  if (caseProblem) {
    return x.error(
      400,
      "InvalidHTTPRequest",
      `query.${caseProblem[0]}: query parameter names are case-sensitive; the spec declares ${caseProblem[1]}`,
    );
  }

  // A request from before a reset takes no step the next test scripted.
  const step = current() ? ctx.faults.take(operation?.operationId, url.pathname) : undefined;
  let truncate = false;
  if (step) {
    x.entry.fault = hideDecodedSecrets(describeStep(step), ctx.hidden);
    if (step.hang) return void (await wait(Infinity, res, ctx));
    if (step.delayMs && !(await wait(step.delayMs, res, ctx))) return;
    if (step.drop) return x.drop();
    if (step.status !== undefined) return scriptedError(x, ctx, step);
    truncate = step.truncate === true;
  }

  // A body without a Content-Type is read as JSON, as BCE reads it: the official Python SDK sends
  // every BCC body so (baidubce/bce-sdk-python
  // baidubce/services/bcc/bcc_client.py@06b35ddd8145340e44fd8ed3415443138d9d57b8,
  // BccClient._send_request passes no headers;
  // baidubce/http/bce_http_client.py@05812784c5a227009df4af50ac82265fd4cd73d7 adds none),
  // and so does the BEC seed's request example. Parsed and checked by Prism as that type.
  const contentType = req.headers["content-type"] ?? (rawBody.length > 0 ? JSON_TYPE : undefined);
  // JSON travels as UTF-8 (RFC 8259, section 8.1): a body that is not (a GBK client's) is a body in
  // the wrong format, InvalidHTTPRequest in BCE's common error table, not text to read with its
  // bytes replaced (https://intl.cloud.baidu.com/doc/Reference/s/Bjz3uz3qj-en).
  if (isJsonType(contentType) && !isUtf8(rawBody))
    return x.error(400, "InvalidHTTPRequest", "the body is not UTF-8, the encoding of JSON");
  let body: unknown;
  try {
    body = parseBody(contentType, rawBody);
  } catch {
    // Not JSON.parse's message: it quotes the body around the error, a password included. The
    // spec's example message, as for every error it has an example of.
    return x.error(
      400,
      "MalformedJSON",
      ctx.index.exampleMessage("MalformedJSON") ?? "The JSON you provided was not well-formed.",
    );
  }

  // Prism throws on a media type it cannot parse: a client fault, answered as one.
  const badMediaType =
    mediaTypeProblem(req.headers["content-type"], false, ctx.hidden) ??
    mediaTypeProblem(req.headers.accept, true, ctx.hidden);
  if (badMediaType) return x.error(400, "InvalidHTTPRequest", badMediaType);

  // A body sent as another media type (text/plain, a form) is a fault of the request's headers,
  // not JSON the operation does not take (Prism would check the text against the body's schema).
  if (operation && rawBody.length > 0 && !isJsonType(contentType)) {
    const type = (contentType ?? "").split(";")[0]!.trim();
    return x.error(
      400,
      "InvalidHTTPRequest",
      `Content-Type ${quotedStart(type, ctx.hidden)} is not JSON, the media type of ${operation.operationId}'s body`,
    );
  }

  let preference: Preference;
  try {
    preference = parsePrefer(req.headers.prefer);
  } catch (error) {
    return x.error(400, "InvalidHTTPRequest", (error as Error).message);
  }
  // Prism ignores an example name when the answer it picks has no body (BCC's 200), and refuses one
  // the answer lacks only when it has examples (BEC's 200): a name that is not an example of the
  // answer Prism picks (the code asked for, else the success answer) is refused here for every operation alike.
  const { exampleKey } = preference;
  if (operation && exampleKey !== undefined) {
    const owners = operation.responses.filter((r) => r.exampleKeys.has(exampleKey)).map((r) => r.code);
    const picked = pickedResponse(operation, preference.code);
    if (owners.length === 0) {
      // By answer: an example of another answer than the one picked needs that answer's code= too.
      const byAnswer = operation.responses
        .filter((r) => r.exampleKeys.size > 0)
        .map((r) => `${r.code} ${[...r.exampleKeys].join(", ")}`);
      return x.error(
        400,
        "InvalidHTTPRequest",
        `Prefer: ${operation.operationId} has no example named ${exampleKey}; its examples, by answer: ${byAnswer.join("; ")}` +
          (picked ? ` (one of another answer than the ${picked.code} needs its code= too)` : ""),
      );
    }
    if (picked && !picked.exampleKeys.has(exampleKey)) {
      const hint = owners.find((code) => /^\d{3}$/.test(code));
      return x.error(
        400,
        "InvalidHTTPRequest",
        `Prefer: example=${exampleKey} is not an example of ${operation.operationId}'s ${picked.code} answer` +
          `${preference.code === undefined ? " (the one answered without code=)" : ""}; it belongs to its ${owners.join(", ")} answer` +
          (hint ? `: add code=${hint}` : ""),
      );
    }
  }

  // Prism checks every value of a body and reports each one that is wrong: millions of array items,
  // each of the wrong type, made millions of errors (and an answer of hundreds of megabytes) until
  // the process ran out of memory. No body these operations take comes near the limit. Such a body
  // is not shown to Prism (an empty object stands in, its own problems not told), so that the rest
  // of the request (path, version, query) is still judged first.
  const tooMany = rawBody.length > 0 && exceedsValues(body, MAX_BODY_VALUES);

  // Mirror prism-http-server: no baseUrl, so Prism routes on the path alone and ignores the
  // spec's (path-level, per-API) servers. The mock answers whatever Host it is reached by.
  const input: IHttpRequest = {
    method: (req.method ?? "GET").toLowerCase() as IHttpRequest["method"],
    url: { path: url.pathname, query: queryToNameValues(url.searchParams) },
    headers: {
      ...withoutAccept(flattenHeaders(req)),
      ...acceptForPrism(req.headers.accept),
      ...(contentType !== undefined && { "content-type": withoutEmptyParameters(contentType) }),
    },
    body: tooMany ? {} : body,
  };

  const result = await ctx.prism.request(input, ctx.operations, prismConfig(preference))();
  const violations = inputViolations(result)
    .filter((v) => !(tooMany && v.path?.[0] === "body"))
    .map((v) =>
      // Prism takes a JSON `null` for no body at all: it is JSON, well formed, of the wrong type.
      body === null && rawBody.length > 0 && v.message === "Body parameter is required"
        ? { path: ["body"], message: "must be object, not null" }
        : specNamed(v, (lower) =>
            // A path the index does not match (an empty segment) is still one of the spec's operations' to Prism.
            [operation, ...ctx.index.operations].map((op) => op?.parameterNames.get(lower)).find(Boolean),
          ),
    );
  if (violations.length > 0) {
    // An unknown or missing `/v{version}` (`/v/instance/...`) is what BCE reports as InvalidVersion
    // (404); anything else is a bad request.
    // Only the version is told: the rest is checked against an operation of a version there is not
    // (the JS SDK's `PUT /v1/instance/i-1?start=` was told of the rebuild's body and query).
    const version = violations.filter((v) => v.path?.[0] === "path" && v.path[1] === "version");
    if (version.length > 0) return x.error(404, "InvalidVersion", describe(version));
    // BCE's common error table: JSON that is well formed but not what the operation takes (a required
    // item missing, a value of the wrong type) is InappropriateJSON; InvalidHTTPRequest is for the
    // rest of the request (https://cloud.baidu.com/doc/BCC/s/Ojwvyo6nc).
    const inBody = rawBody.length > 0 && violations.every((v) => v.path?.[0] === "body");
    return x.error(400, inBody ? "InappropriateJSON" : "InvalidHTTPRequest", describe(violations));
  }
  // The rest of the request is well formed, or at least routed to an operation that checked it.
  if (tooMany && (result._tag === "Right" || (result.left as PrismError).status === 422))
    return x.error(400, "InappropriateJSON", `The body holds more than ${MAX_BODY_VALUES} JSON values.`);
  // A password encrypted under the signer's key decrypts with it, to one BCC's policy takes: known
  // only for a request signed with a key pair of the mock's (not with auth off).
  const secretKey = auth.accessKeyId === undefined ? undefined : ctx.secretKeys.get(auth.accessKeyId);
  const undecrypted =
    operation && secretKey !== undefined ? undecryptable(body, operation.encryptedFields, secretKey) : undefined;
  if (undecrypted) return x.error(400, "InappropriateJSON", undecrypted);
  if (result._tag === "Left") {
    const { status = 500, detail, name } = result.left as PrismError;
    const preferred = preference.code !== undefined || preference.exampleKey !== undefined;
    // Prism's NOT_ACCEPTABLE is the Accept header's fault, not the Prefer header's: a 406, as without
    // Prefer (with Prefer, Prism reports it inside another error's detail).
    if (/NOT_ACCEPTABLE/.test(`${String(name)} ${detail ?? ""} ${result.left.message}`)) {
      const [code] = routeErrorCode(406);
      const message = preferred
        ? "The server cannot produce a representation for your accept header"
        : detail || result.left.message;
      return x.error(406, code, message);
    }
    if (preferred && operation && !/NO_(PATH|METHOD)_MATCHED/.test(String(name))) {
      // The operation exists, so Prism could not find what the Prefer header asked for.
      return x.error(400, "InvalidHTTPRequest", `Prefer: ${detail || result.left.message}`);
    }
    const [code, httpStatus] = routeErrorCode(status);
    const { path } = x.entry;
    if (httpStatus === 404) return x.error(404, code, `no operation of the spec has the path ${path}`);
    if (httpStatus === 405) {
      // RFC 9110 (15.5.6): a 405 lists the methods the resource has.
      const allowed = ctx.index.methodsFor(path).join(", ");
      res.setHeader("allow", allowed);
      return x.error(405, code, `${req.method} is not a method of ${path}; its methods are ${allowed}`);
    }
    return x.error(httpStatus, code, detail || result.left.message);
  }

  // Prism answers an Accept that takes none of the answer's media types but takes another type
  // (`*/*;q=0`, `application/json;q=0, */*`) with the answer's status and no body; it is the 406
  // that `text/html` gets.
  const accept = req.headers.accept;
  const answerTypes = (operation && pickedResponse(operation, preference.code)?.mediaTypes) ?? [];
  if (accept !== undefined && answerTypes.length > 0 && !answerTypes.some((type) => accepts(accept, type)))
    return x.error(406, routeErrorCode(406)[0], "The server cannot produce a representation for your accept header");

  // A request with a token the mock has seen is checked as every request is, and answered from
  // the token's record only then: one the spec refuses gets its error, not the first call's answer.
  const token = tokenOf(operation, url.searchParams);
  const tokenKey = token === undefined ? undefined : `${operation!.operationId}\n${token}`;
  // Only for a request with a token: the canonical body costs a second serialization.
  const fingerprint = tokenKey === undefined ? "" : fingerprintOf(req.method ?? "", url.pathname, body, rawBody);
  if (tokenKey !== undefined) {
    // A request from before a reset neither sees nor leaves the tokens of the test after it.
    const seen = current() ? ctx.tokens.get(tokenKey) : undefined;
    if (seen && seen.fingerprint !== fingerprint) {
      x.entry.idempotency = "mismatch";
      return x.error(
        403,
        "IdempotentParameterMismatch",
        ctx.index.exampleMessage("IdempotentParameterMismatch") ??
          "The client token was used before with different parameters.",
      );
    }
    if (seen) {
      // The first call's answer again; the operation does not take effect a second time.
      x.entry.idempotency = "replay";
      return x.send(seen.status, seen.headers, seen.payload, truncate);
    }
  }

  const { output } = result.right;
  const answer = renderOutput(
    x.requestId,
    preference.dynamic && output.statusCode >= 400 && operation
      ? { ...output, body: codeOfStatus(output.statusCode, output.body, operation, ctx.index) }
      : output,
  );
  if (answer.status >= 200 && answer.status < 300 && operation && current()) {
    ctx.actions.set(operation.operationId, (ctx.actions.get(operation.operationId) ?? 0) + 1);
    if (tokenKey !== undefined) {
      x.entry.idempotency = "first";
      if (ctx.tokens.size >= MAX_TOKENS) ctx.tokens.delete(ctx.tokens.keys().next().value!);
      ctx.tokens.set(tokenKey, { fingerprint, ...answer });
    }
  }
  const errorCode = answer.status >= 400 ? errorCodeOf(answer.payload) : undefined;
  if (errorCode) x.answered(answer.status, errorCode);
  x.send(answer.status, answer.headers, answer.payload, truncate);
}

function scriptedError(x: Exchange, ctx: Context, step: FaultStep): void {
  const status = step.status!;
  const code = step.code ?? DEFAULT_CODES[status] ?? (status >= 500 ? "InternalError" : "InvalidHTTPRequest");
  const message = step.message ?? ctx.index.exampleMessage(code) ?? `Scripted ${status} ${code} answer`;
  if (step.retryAfter !== undefined) x.res.setHeader("retry-after", String(step.retryAfter));
  if (status < 400) {
    // A scripted success status: an empty answer with that status.
    x.send(status, { "content-type": BCE_CONTENT_TYPE }, "");
    return;
  }
  x.error(status, code, message, step.form);
}

/** Resolves true after `ms`, false if the connection closes (or has closed already) or the mock stops first. */
function wait(ms: number, res: ServerResponse, ctx: Context): Promise<boolean> {
  // A client that left while its request was read or authenticated: no close event is to come.
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (elapsed: boolean) => {
      clearTimeout(timer);
      res.off("close", closed);
      ctx.waiting.delete(cancel);
      resolve(elapsed);
    };
    const closed = () => done(false);
    const cancel = () => {
      done(false);
      res.destroy();
    };
    const timer = Number.isFinite(ms) ? setTimeout(() => done(true), ms) : undefined;
    res.on("close", closed);
    ctx.waiting.add(cancel);
  });
}

/** The idempotency token of a request to an operation that has one. */
function tokenOf(operation: OperationInfo | undefined, query: URLSearchParams): string | undefined {
  if (!operation?.idempotencyToken) return undefined;
  const value = query.get(operation.idempotencyToken);
  return value === null || value === "" ? undefined : value;
}

/**
 * What makes two requests with one token the same request: method, decoded path and canonical
 * body, hashed (a body can be megabytes; thousands of tokens are kept). A body nested too deeply
 * to serialize again is taken as its bytes.
 */
function fingerprintOf(method: string, path: string, body: unknown, rawBody: Buffer): string {
  let canonical: string;
  try {
    canonical = canonicalJson(body);
  } catch {
    canonical = rawBody.toString("utf8");
  }
  // Escapes were checked before (malformedEscape): vm-%31 is the path vm-1.
  return createHash("sha256")
    .update(`${method} ${decodeURIComponent(path)}\n${canonical}`)
    .digest("hex");
}

/** JSON with object keys sorted, so two bodies that differ only in key order are the same request. */
function canonicalJson(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return JSON.stringify(value);
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PARAMETER = `${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*")`;
/**
 * `type/subtype` with `; name=value` parameters (RFC 9110 media-type; `*` is a token character, so
 * media ranges match too). A parameter may be empty (`parameters = *( OWS ";" OWS [ parameter ] )`,
 * section 5.6.6): `application/json;` is `application/json`.
 */
// Each blank belongs to one place only (no backtracking over "; ; ; ...x").
const MEDIA_TYPE = new RegExp(`^\\s*${TOKEN}/${TOKEN}\\s*(?:;\\s*(?:${PARAMETER}\\s*)?)*$`);

const PARAMETERS = new RegExp(`;\\s*${PARAMETER}`, "g");

/**
 * A Content-Type as Prism reads it: Prism's parser refuses an empty parameter (`application/json;`),
 * which RFC 9110 allows; the type and the parameters there are, for a well-formed one.
 */
function withoutEmptyParameters(value: string): string {
  const parameters = value.match(PARAMETERS) ?? [];
  return `${value.slice(0, value.indexOf(";") >>> 0).trim()}${parameters.join("")}`;
}

/** What is wrong with a Content-Type (one media type) or an Accept (a list of them), or undefined. */
function mediaTypeProblem(value: string | undefined, list: boolean, hidden: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  const items = list ? listItems(value) : [value];
  if (items.every((item) => MEDIA_TYPE.test(item))) return undefined;
  return `${list ? "Accept" : "Content-Type"} is not ${list ? "a list of media ranges" : "a media type"}: "${quotedStart(value, hidden)}"`;
}

/**
 * The first 100 characters of a request's text, for an error message: the secrets it spells are
 * hidden before it is cut (cut first, a secret past the cut kept its start, which no form matches).
 */
const quotedStart = (text: string, hidden: readonly string[]): string =>
  asciiSafe(hideDecodedSecrets(text, hidden).slice(0, 100));

/**
 * The elements of a header list (RFC 9110, section 5.6.1): split at the commas outside quoted
 * strings, the empty ones left out, as a recipient must ("application/json," is one element).
 */
function listItems(value: string): string[] {
  const items: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "," || c === undefined) {
      const item = value.slice(start, i).trim();
      if (item !== "") items.push(item);
      start = i + 1;
    }
  }
  return items;
}

/**
 * An Accept header as Prism can read it: its elements (Prism threw on an empty one,
 * "application/json,"), each its media range and weight only (Prism threw on a quoted parameter
 * holding a comma, and no other parameter changes what it picks), or no header at all.
 */
function acceptForPrism(value: string | undefined): Record<string, string> {
  if (value === undefined) return {};
  const items = listItems(value).map((item) => {
    const weight = weightOf(item);
    return weight === undefined ? rangeOf(item) : `${rangeOf(item)};q=${weight}`;
  });
  return items.length > 0 ? { accept: items.join(", ") } : {};
}

/**
 * Whether an Accept header takes a media type: by the weight of its most specific range that
 * matches (RFC 9110, section 12.5.1), where 0 refuses; a type no range matches is refused. A
 * header with no elements (",") takes any, as no header does.
 */
function accepts(accept: string, type: string): boolean {
  const items = listItems(accept);
  if (items.length === 0) return true;
  const [main] = type.split("/");
  let rank = -1;
  let weight = 0;
  for (const item of items) {
    const range = rangeOf(item).toLowerCase();
    const specific = range === type ? 2 : range === `${main}/*` ? 1 : range === "*/*" ? 0 : -1;
    if (specific > rank) {
      rank = specific;
      weight = Number(weightOf(item) ?? 1);
    }
  }
  return rank >= 0 && weight > 0;
}

/** An Accept element's media range, without its parameters. */
const rangeOf = (item: string): string => item.slice(0, item.indexOf(";") >>> 0).trim();

/** An Accept element's weight (`q=0.5`) as written, if it has a valid one. */
const weightOf = (item: string): string | undefined => /;\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*(?:;|$)/i.exec(item)?.[1];

/** A message naming the malformed percent escape, or undefined. */
function malformedEscape(path: string, query: string): string | undefined {
  for (const [where, text] of [
    ["path", path],
    ["query", query],
  ] as const) {
    const bad = /%(?![0-9a-fA-F]{2})/.exec(text);
    if (bad)
      return `The ${where} has a malformed percent escape at "${asciiSafe(text.slice(bad.index, bad.index + 3))}"`;
    try {
      decodeURIComponent(text.replace(/\+/g, " "));
    } catch {
      return `The ${where} has a percent escape that is not UTF-8`;
    }
  }
  return undefined;
}

/**
 * A `\` or `#` in the request target, which neither its path nor its query may hold unescaped (RFC
 * 3986, sections 3.3 and 3.4): a URL parser reads `\` as `/` and drops what follows `#`, so Prism
 * would answer for another path or query than the one matched, signed and journaled here (no
 * idempotency, faults or action count for it). The clients never send one.
 */
function unparsedCharacter(path: string, query: string): string | undefined {
  for (const [where, text] of [
    ["path", path],
    ["query", query],
  ] as const) {
    const bad = /[\\#]/.exec(text)?.[0];
    if (bad)
      return `The ${where} holds an unescaped "${bad}", which a request target may not (send ${bad === "#" ? "%23" : "%5C"})`;
  }
  return undefined;
}

/**
 * A `.` or `..` path segment (`%2E` too): a URL parser resolves it, so Prism would answer for
 * another path than the one matched, signed and journaled here. The clients never send one.
 */
function dotSegment(path: string): string | undefined {
  const segment = path.split("/").find((s) => /^(?:\.|%2e){1,2}$/i.test(s));
  return segment === undefined
    ? undefined
    : `The path has a "${segment}" segment: the mock does not resolve dot segments, and BCE's paths have none`;
}

type PrismResult = Awaited<ReturnType<ReturnType<PrismHttpInstance["request"]>>>;
type PrismError = Error & {
  status?: number;
  detail?: string;
  additional?: { validation?: { location?: string[]; severity: string; message: string }[] };
};
type Violation = Pick<IPrismDiagnostic, "path" | "message">;

/**
 * The request's validation errors. Prism reports them in the output when the operation
 * declares a 400/422 response, and as a 422 problem (severity names, `location`) when it does not.
 */
function inputViolations(result: PrismResult): Violation[] {
  if (result._tag === "Right") return result.right.validations.input.filter((v) => v.severity === DIAGNOSTIC_ERROR);
  const { status, additional } = result.left as PrismError;
  if (status !== 422) return [];
  return (additional?.validation ?? [])
    .filter((v) => v.severity === "Error")
    .map((v) => ({ path: v.location, message: v.message }));
}

/** Prism's routing/mocking failures, as BCE error codes. */
function routeErrorCode(status: number): [code: string, status: number] {
  if (status === 404) return ["NotFound", 404];
  if (status === 405) return ["MethodNotAllowed", 405];
  if (status === 406) return ["NotAcceptable", 406];
  if (status === 415) return ["InvalidHTTPRequest", 400]; // unsupported content-type
  if (status < 500) return ["InvalidHTTPRequest", status];
  return ["InternalError", 500];
}

/** "query.rebuild: Request query parameter rebuild must be ...; body: ..." */
/**
 * A violation with its path or query parameter named as the spec names it: Prism names one in
 * lowercase (instanceid), in the path (`path.instanceid`) or, for one missing, only in the message
 * (`Request path must have required property 'instanceid'`, path `path`), which is then moved to the path.
 */
function specNamed(v: Violation, specName: (lower: string) => string | undefined): Violation {
  const [where, second] = v.path ?? [];
  if (where !== "path" && where !== "query") return v;
  const missing = v.path?.length === 1 ? /must have required property '([^']*)'/.exec(v.message)?.[1] : undefined;
  const lower = missing ?? String(second);
  const name = specName(lower);
  if (!name) return v;
  if (missing !== undefined)
    return {
      path: [where, name],
      message: v.message.replace(`required property '${missing}'`, `required property '${name}'`),
    };
  return {
    path: [where, name, ...(v.path?.slice(2) ?? [])],
    message: v.message.replace(`${where} parameter ${lower} `, `${where} parameter ${name} `),
  };
}

/** The most JSON values (objects, arrays and what they hold) a request body may have: see its use. */
export const MAX_BODY_VALUES = 100_000;

/** Whether `value` holds more than `limit` JSON values, counted without recursion (a body may nest deeply). */
function exceedsValues(value: unknown, limit: number): boolean {
  const stack = [value];
  let count = 1;
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next !== "object" || next === null) continue;
    const children: unknown[] = Array.isArray(next) ? next : Object.values(next);
    count += children.length;
    if (count > limit) return true;
    for (const child of children) stack.push(child);
  }
  return false;
}

/** The most problems an answer names (Prism may report one per value of a body). */
const MAX_PROBLEMS_TOLD = 10;

function describe(violations: Violation[]): string {
  // What follows from another violation says nothing more: a nullable field's null branch, the
  // anyOf that joins them, an if/then/else's verdict on the rule it applied (left when alone).
  const said = violations.filter(
    (v) => !/must (?:be null|match a schema in anyOf|match "(?:then|else)" schema)$/.test(v.message),
  );
  const lines = (said.length > 0 ? said : violations).map((v) => {
    // Prism lists enum values bare, which makes `enum: [""]` read as "allowed values: ".
    const message = v.message.replace(/allowed values: $/, 'allowed values: "" (empty)');
    return v.path?.length ? `${v.path.join(".")}: ${message}` : message;
  });
  const told = [...new Set(lines)];
  const more = told.length - MAX_PROBLEMS_TOLD;
  return more > 0 ? `${told.slice(0, MAX_PROBLEMS_TOLD).join("; ")}; and ${more} more` : told.join("; ");
}

function renderOutput(
  requestId: string,
  output: IHttpResponse,
): { status: number; headers: Record<string, string>; payload: string } {
  // JSON as BCE labels it, also on an answer without a body (BCC's 200), as the seed page shows:
  // Prism labels a bodiless answer by the request's Accept (text/plain when there is none, as
  // from the SDKs), which BCE does not.
  const headers: Record<string, string> = { "content-type": BCE_CONTENT_TYPE };
  const bodiless = output.body === undefined || output.body === null || output.body === "";
  for (const [name, value] of Object.entries(output.headers ?? {})) {
    const lower = name.toLowerCase();
    if (value === null || value === undefined || lower === REQUEST_ID_HEADER) continue;
    if (lower === "content-type" && (bodiless || /^application\/json\s*(;|$)/i.test(String(value)))) continue;
    headers[lower === "content-type" ? lower : name] = asciiSafe(String(value));
  }
  let body = output.body;
  // An example body carrying a requestId gets this response's id, so body and header agree.
  if (body && typeof body === "object" && !Array.isArray(body) && "requestId" in body) {
    body = { ...body, requestId };
  }
  const payload = body === undefined || body === null ? "" : typeof body === "string" ? body : JSON.stringify(body);
  return { status: output.statusCode, headers, payload };
}

/**
 * A body generated from the error schema (`Prefer: dynamic=true`) carries any code the schema
 * lists, a 503 an `InternalError` or a 500 a `RequestExpired`, and words for a message; BCE's carry
 * their status's own code and its message. One of the status's example codes replaces a code that
 * is not among them, and the code's message the generated one.
 */
function codeOfStatus(status: number, body: unknown, operation: OperationInfo, index: OperationIndex): unknown {
  const codes = [...(pickedResponse(operation, status)?.exampleKeys ?? [])].filter(
    (key) => index.exampleMessage(key) !== undefined,
  );
  if (codes.length === 0 || typeof body !== "object" || body === null || !("code" in body)) return body;
  const code = codes.includes(String(body.code)) ? String(body.code) : codes[Math.floor(Math.random() * codes.length)]!;
  return { ...body, code, message: index.exampleMessage(code) };
}

function errorCodeOf(payload: string): string | undefined {
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/** What a body without a Content-Type is taken for. */
const JSON_TYPE = "application/json";

/** Whether a Content-Type names JSON (application/json, or a +json type). */
function isJsonType(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json");
}

/** JSON for JSON media types (throws when malformed), text otherwise, undefined when empty. */
function parseBody(contentType: string | undefined, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString("utf8");
  return isJsonType(contentType) ? JSON.parse(text) : text;
}

function queryToNameValues(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

function withoutAccept({ accept: _, ...headers }: Record<string, string>): Record<string, string> {
  return headers;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

const PARSER_ERRORS: Record<string, [status: number, reason: string, code: string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large", "InvalidHTTPRequest"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout", "RequestTimeout"],
  ERR_HTTP_HEADERS_TIMEOUT: [408, "Request Timeout", "RequestTimeout"],
};

/**
 * Node's parser refused the request before any handler saw it: answer as BCE does, with an error
 * body and a request id, instead of Node's bare `400 Bad Request`.
 */
function answerParserError(error: NodeJS.ErrnoException, socket: Duplex, ctx: Context): void {
  // Node's own field: the answer in progress on this connection, null between requests.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
  const exchange = inFlight && exchangeOfResponse(inFlight);
  const own = exchange !== undefined && !exchange.req.complete;
  if (error.code === "ECONNRESET" || !socket.writable || (own && inFlight?.headersSent)) {
    socket.destroy();
    return;
  }
  const answer = PARSER_ERRORS[error.code ?? ""] ?? [400, "Bad Request", "InvalidHTTPRequest"];
  // A connection that sent nothing (opened ahead of use, then left idle) made no request: it is
  // closed, as an idle one is, with no answer and no journal entry.
  if (answer[0] === 408 && (socket as Duplex & { bytesRead?: number }).bytesRead === 0) {
    socket.destroy();
    return;
  }
  const code = asciiSafe(error.code ?? "parse error");
  // A request that stopped arriving is not one that is malformed.
  const message =
    answer[0] === 408
      ? `The request did not arrive in full within ${ctx.requestTimeoutMs} ms (${code})`
      : `The request is not valid HTTP (${code})`;
  // The head was read and the request is being handled (a body the parser then refuses, such as a
  // bad chunk): its own journal entry and request id get the answer, rather than a second entry.
  // Only while its body is still being read: once it is complete, the refused bytes are a later
  // request's (pipelined behind it, or sent on the same keep-alive connection), not this one's.
  if (own) {
    exchange.answered(answer[0], answer[2]);
    socket.end(rawAnswer(exchange.requestId, answer, message, new Date(exchange.entry.receivedAt)));
    return;
  }
  // A complete request before the refused bytes is answered first: answers go in the order the
  // requests came (RFC 9112, section 9.3.2), and its answer is the one its journal entry and the
  // actions count. Its connection goes if it is never answered.
  if (inFlight && !inFlight.writableFinished) {
    inFlight.once("finish", () => answerRaw(socket, ctx, answer, message));
    inFlight.once("close", () => inFlight.writableFinished || socket.destroy());
    return;
  }
  answerRaw(socket, ctx, answer, message);
}

/** An error answer written on the socket itself (no ServerResponse exists), journaled, and the connection closed. */
function answerRaw(
  socket: Duplex,
  ctx: Context,
  [status, reason, code]: [status: number, reason: string, code: string],
  message: string,
  method = "",
): void {
  const requestId = randomUUID();
  let at: Date;
  try {
    at = new Date(ctx.now());
  } catch (error) {
    // This runs in a socket event: a failing clock must not throw out of it. Answered, not journaled.
    return void socket.end(
      rawAnswer(requestId, [500, "Internal Server Error", "InternalError"], (error as Error).message),
    );
  }
  const entry: JournalEntry = {
    requestId,
    receivedAt: at.toISOString(),
    method,
    path: "",
    query: "",
    headers: {},
    body: "",
    bodyBytes: 0,
    signature: "not-checked",
  };
  ctx.journal.add(entry);
  ctx.journal.answered(entry, status, code);
  socket.end(rawAnswer(requestId, [status, reason, code], message, at));
}

/** A whole HTTP/1.1 error answer with a BCE body, which closes the connection. */
function rawAnswer(
  requestId: string,
  [status, reason, code]: [status: number, reason: string, code: string],
  message: string,
  date?: Date,
): string {
  const body = JSON.stringify({ requestId, code, message: asciiSafe(message) });
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    `content-type: ${BCE_CONTENT_TYPE}\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
    (date ? `date: ${date.toUTCString()}\r\n` : "") +
    `connection: close\r\n\r\n${body}`
  );
}
