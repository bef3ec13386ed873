// `#platform` for runtimes that resolve the `node` condition (Node, Deno, Bun): the runtime's name
// in the user agent, credentials from environment variables, the system error codes of a failed
// request, and, in Node itself, requests sent with node:http. See types.ts.
import { defaultMaxListeners, getMaxListeners, setMaxListeners } from "node:events";
import { constants } from "node:buffer";
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, constants as zlibConstants } from "node:zlib";
import { CREDENTIAL_ENV_VARS, CredentialsError, credentialsFromEnv } from "../credentials.js";
import { heed } from "../abort.js";
import { answerTooLarge, BceError, BceResponseError, reasonOf } from "../errors.js";
import { requestIdOf } from "../service-error.js";
import type { Answer, HttpSend, OutgoingRequest } from "./types.js";

export const PLATFORM = "server";

/** The globals this branch reads, where the runtime has them. */
const g = globalThis as {
  process?: { versions?: Record<string, string | undefined>; env?: Record<string, string | undefined> };
  Deno?: { version?: { deno?: string } };
};

export function runtimeAgent(): string | undefined {
  const versions = g.process?.versions;
  return versions?.bun
    ? `bun/${versions.bun}`
    : g.Deno?.version?.deno
      ? `deno/${g.Deno.version.deno}`
      : versions?.node
        ? `node/${versions.node}`
        : undefined;
}

export function environmentCredentials() {
  try {
    return credentialsFromEnv(g.process?.env);
  } catch (error) {
    if (error instanceof CredentialsError) throw error;
    // A runtime may refuse to read the environment: Deno without --allow-env throws NotCapable.
    throw new CredentialsError(
      `no credentials: the environment could not be read for ${CREDENTIAL_ENV_VARS.accessKeyId} and ${CREDENTIAL_ENV_VARS.secretAccessKey} (see cause; Deno needs --allow-env), or pass { credentials } to the client`,
      { cause: error },
    );
  }
}

export const NO_CREDENTIALS = `no credentials: pass { credentials } to the client or set ${CREDENTIAL_ENV_VARS.accessKeyId} and ${CREDENTIAL_ENV_VARS.secretAccessKey}`;

/**
 * What Node's fetch does with the signal it is given (undici's Request constructor,
 * lib/web/fetch/request.js, as in Node 20.20): a signal whose listener limit is still the default
 * is given room for 1500, so that many requests may share it without MaxListenersExceededWarning;
 * a limit of the caller's own is kept. The clients put one listener on it per call in flight, as
 * fetch does (a client method's call two, once a middleware is added: the Request it sees follows
 * the signal too).
 */
export function makeRoomForListeners(signal: AbortSignal): void {
  try {
    if (getMaxListeners(signal) === defaultMaxListeners) setMaxListeners(1500, signal);
  } catch {
    // Not a signal node:events knows (one from another realm, a polyfill): it keeps its own limit.
  }
}

/** Codes that mean no connection was made: the request cannot have reached the service. */
const NOT_CONNECTED = [
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
];

export function networkFailure(error: unknown): { errorCode: string; notConnected: boolean } {
  const errorCode = systemErrorCode(error);
  return { errorCode, notConnected: NOT_CONNECTED.includes(errorCode) };
}

/**
 * What a failure with llhttp's codes (node:http's and undici's parser) is: an answer came from
 * `host`, in a form no HTTP parser takes. Undefined for other codes.
 */
export function unparsableAnswer(errorCode: string, host: string): string | undefined {
  return /^HPE_|^UND_ERR_HEADERS_OVERFLOW$/.test(errorCode)
    ? `an answer came from ${host} but is not HTTP that can be read`
    : undefined;
}

/**
 * A parser's error (and the fetch error around it) told by name, message and code alone: it holds
 * the bytes it could not read (node:http's `rawPacket`, undici's `data`), and a server that echoes
 * the request (a wrong port, a proxy that is not one) would put the call's session token,
 * signature and password there, for a log of the error's cause to print.
 */
export function withoutBytes(error: unknown, depth = 0): unknown {
  // By its shape, not `instanceof`: an error of another realm (a caller's fetch from a vm context) too.
  if (typeof error !== "object" || error === null) return undefined;
  try {
    const { name, message, cause, code, stack } = error as Partial<Error> & { code?: unknown };
    const bare = new Error(
      String(message ?? ""),
      cause !== undefined && depth < 4 ? { cause: withoutBytes(cause, depth + 1) } : {},
    );
    bare.name = String(name ?? "Error");
    if (typeof stack === "string") bare.stack = stack;
    if (typeof code === "string") Object.assign(bare, { code });
    return bare;
  } catch {
    // A getter that throws, a Symbol for a message: no cause rather than a failure of its own.
    return undefined;
  }
}

/**
 * The refusal of `response` when reading its body failed with zlib's codes (Z_DATA_ERROR) or
 * brotli's (ERR__ERROR_FORMAT_PADDING_2, ERR_BROTLI_...): fetch undoes a content coding as it
 * reads, and the body is not what its coding says. Undefined for other failures.
 */
export function badCoding(error: unknown, response: Response): BceResponseError | undefined {
  if (!/^(?:Z_|ERR__ERROR_|ERR_BROTLI)/.test(networkFailure(error).errorCode)) return undefined;
  const coding = response.headers.get("content-encoding") ?? "";
  return new BceResponseError({
    status: response.status,
    requestId: requestIdOf(response),
    problems: [`the answer body is not valid ${coding.trim().toLowerCase()}`],
  });
}

/** The first system error code in an error's cause chain (undici wraps them). */
function systemErrorCode(error: unknown, depth = 0): string {
  if (!error || typeof error !== "object" || depth > 4) return "";
  const { code, errors, cause } = error as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof code === "string") return code;
  // AggregateError when every address refused.
  return Array.isArray(errors) && errors.length > 0 ? systemErrorCode(errors[0]) : systemErrorCode(cause, depth + 1);
}

/** One keep-alive agent per scheme for every client in the process, as fetch keeps one pool. */
const agents: { http?: HttpAgent; https?: HttpsAgent } = {};

/**
 * As Node's own global agent: an idle connection is closed after 5 s, or a second before the
 * server's `Keep-Alive: timeout=` says it will close it (Node reads that hint only from an agent
 * with a timeout). A request written to a connection the server is closing fails with ECONNRESET
 * once sent, which a call with no idempotency token (BCC rebuild) must not retry: such a call is
 * sent on a connection of its own instead (`fresh`).
 */
const AGENT_OPTIONS = { keepAlive: true, timeout: 5_000 };

function agentFor(https: boolean): HttpAgent {
  if (https) {
    agents.https ??= new HttpsAgent(AGENT_OPTIONS);
    return agents.https;
  }
  agents.http ??= new HttpAgent(AGENT_OPTIONS);
  return agents.http;
}

/**
 * Node's fetch (undici) takes about twice the time of node:http for a small request over a
 * kept-alive connection, so in Node the transport sends with node:http, as the AWS SDK for
 * JavaScript v3 does; Deno and Bun, whose node:http is built on their fetch, keep fetch.
 */
export const httpSend =
  g.process?.versions?.node && !g.process.versions.bun && g.Deno === undefined ? sendHeeded : undefined;

/** An answer whose status no Response can carry (an informational one that ends the exchange, or one past 599). */
const notFinal = (status: number, requestId: string): BceResponseError =>
  new BceResponseError({ status, requestId, problems: [`${status} is not a final HTTP status`] });

/** Methods that change nothing: a `raw` GET keeps its connection, whatever its idempotency. */
const SAFE_METHODS = ["GET", "HEAD", "OPTIONS"];

/** httpSend in Node: see types.ts. */
async function sendHeeded(
  ...[request, signal, limit, fail, bodiless, idempotent]: Parameters<HttpSend>
): Promise<Answer> {
  // node:http ends on the signal, but an answer it does not know what to do with must not
  // outlast the timeout or the caller's abort either.
  const seen: { status?: number } = {};
  try {
    // A call without an idempotency token goes on a connection of its own (see sendWithNodeHttp).
    const fresh = !idempotent && !SAFE_METHODS.includes(request.method);
    return await heed(sendWithNodeHttp(request, signal, limit, fail, bodiless, fresh, seen), signal);
  } catch (error) {
    // Ended by the signal while a body was read: the error tells the status of the answer that came.
    // The signal's reason is the caller's abort, whatever it is (another call's BceError too): never
    // this call's error as it stands.
    throw error instanceof BceError && error !== reasonOf(signal) ? error : fail(error, seen.status);
  }
}

/**
 * One attempt with node:http. `fresh`: sent on a new connection, closed after the answer, never on
 * a kept-alive one the server may be closing as the request is written (see AGENT_OPTIONS).
 */
function sendWithNodeHttp(
  request: OutgoingRequest,
  signal: AbortSignal,
  limit: number,
  fail: (error: unknown, answerStatus?: number, connected?: boolean) => Error,
  bodiless = false,
  fresh = false,
  /** Given the status of the answer once its head comes. */
  seen: { status?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { method, url, headers, body } = request;
    const target = new URL(url);
    const https = target.protocol === "https:";
    let received: IncomingMessage | undefined;
    const outgoing = (https ? httpsRequest : httpRequest)(
      target,
      {
        method,
        // The Host that was signed (the URL's: the transport refuses a caller's own), whatever form
        // node:http would give an IPv6 or default-port host.
        headers: { ...headers, host: target.host },
        // No agent: a connection of this request's own, `Connection: close`.
        agent: fresh ? false : agentFor(https),
        signal,
      },
      (answer: IncomingMessage) => {
        received = answer;
        const status = answer.statusCode ?? 0;
        seen.status = status;
        const requestId = header(answer, "x-bce-request-id");
        const chunks: Buffer[] = [];
        let size = 0;
        // What a Response holds but its body stream, which costs more to make than node:http
        // takes to send: the transport makes a real Response from it only for code of the
        // caller's (middleware, hooks) or for an error answer, which openapi-fetch reads.
        const head = () => {
          const names = new Headers();
          const raw = answer.rawHeaders;
          for (let i = 0; i < raw.length; i += 2) names.append(raw[i]!, raw[i + 1]!);
          return {
            status,
            statusText: answer.statusMessage ?? "",
            ok: status < 300,
            headers: names,
            url,
            body: null,
          } as unknown as Response;
        };
        if (bodiless && status >= 200 && status < 300) {
          // A success the call reads no body of is done at its head: no body that follows, slow,
          // cut off or too large, can undo it (a rebuild the service carried out). On a connection
          // of its own, closed after the answer anyway, the answer goes at once. Otherwise a body
          // is read and dropped, which keeps the connection for the next request; one that has not
          // ended a second later goes with its connection, which meanwhile keeps no process alive.
          answer.on("error", () => {});
          if (fresh) answer.destroy();
          else {
            const drop = setTimeout(() => answer.destroy(), DRAIN_MS);
            drop.unref();
            answer.socket?.unref();
            answer.once("close", () => clearTimeout(drop));
            answer.resume();
          }
          resolve({ response: head(), bytes: new Uint8Array(0) });
          return;
        }
        answer.on("data", (chunk: Buffer) => {
          if (size > limit) return; // over it already: the connection is going
          const room = limit - size;
          size += chunk.length;
          if (size <= limit) {
            chunks.push(chunk);
            return;
          }
          outgoing.destroy();
          // An error answer stays one, read up to the limit: its status is what a retry is judged
          // by (a load balancer's large 503 page is retried as a small one is). Its coding is not
          // undone: a cut-off body would not decode.
          if (status > 599) reject(notFinal(status, requestId));
          else if (status < 400) reject(answerTooLarge(status, requestId, limit));
          else {
            const kept = Buffer.concat([...chunks, chunk.subarray(0, room)], limit);
            const bytes = new Uint8Array(kept.buffer, kept.byteOffset, limit) as Uint8Array<ArrayBuffer>;
            resolve({ response: head(), bytes, cut: true });
          }
        });
        answer.on("error", (error) => reject(fail(error, status)));
        answer.on("close", () => {
          if (!answer.complete) reject(fail(new Error("the connection closed before the answer was complete"), status));
        });
        answer.on("end", () => {
          if (status < 200 || status > 599) {
            reject(notFinal(status, requestId));
            return;
          }
          let whole: Buffer = Buffer.concat(chunks, size);
          // fetch undoes a content coding; node:http does not. None is asked for, but one that
          // comes anyway is undone here, within the same limit.
          // As fetch (undici) does: codings are undone last applied first, and a list with one it
          // does not know is left as it is.
          const codings = header(answer, "content-encoding")
            .toLowerCase()
            .split(",")
            .map((c) => c.trim());
          const decoders = codings.map((c) => DECODERS.get(c));
          let coding = "";
          if (whole.length > 0 && decoders.every((d) => d !== undefined)) {
            try {
              // As many as fetch undoes: more would hold the event loop, each decoded synchronously.
              if (decoders.length > MAX_CODINGS)
                throw new BceResponseError({
                  status,
                  requestId,
                  problems: [`the answer has ${decoders.length} content codings, more than the ${MAX_CODINGS} undone`],
                });
              for (let i = decoders.length - 1; i >= 0; i--) {
                coding = codings[i]!;
                // zlib takes no maxOutputLength over the largest Buffer (4 GiB in Node 20).
                whole = decoders[i]!(whole, { maxOutputLength: Math.min(limit, constants.MAX_LENGTH) });
              }
            } catch (error) {
              // An error answer stays one, its status what a retry is judged by: a body it cannot
              // undo is dropped, and the answer read as one with an empty body (its headers say
              // what it is), as fetch's is (see badCoding).
              if (status >= 400) resolve({ response: head(), bytes: new Uint8Array(0) });
              // A success too large or not what its coding says: as fetch's read fails.
              else
                reject(
                  error instanceof BceResponseError
                    ? error
                    : (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE"
                      ? answerTooLarge(status, requestId, limit)
                      : new BceResponseError({
                          status,
                          requestId,
                          problems: [`the answer body is not valid ${coding}`],
                        }),
                );
              return;
            }
          }
          const bytes = new Uint8Array(whole.buffer, whole.byteOffset, whole.length) as Uint8Array<ArrayBuffer>;
          resolve({ response: head(), bytes });
        });
      },
    );
    // A 101 answers an upgrade this request never asked for: node:http hands the connection to an
    // 'upgrade' listener, and, with none, destroys it without an error, so the call never ended.
    outgoing.on("upgrade", (answer: IncomingMessage, socket: { destroy(): void }) => {
      socket.destroy();
      reject(notFinal(answer.statusCode ?? 101, header(answer, "x-bce-request-id")));
    });
    // Whether the connection was made (a kept-alive one was): a code that says none was
    // (EHOSTUNREACH, ENETUNREACH) then comes from the network failing while the request was out;
    // one never made sent nothing, whatever its code (a TLS handshake reset, a certificate refused).
    let connected = false;
    outgoing.once("socket", (socket) => {
      // Over TLS, once the handshake is done: nothing of the request leaves before.
      if (socket.connecting) socket.once(https ? "secureConnect" : "connect", () => (connected = true));
      // A kept-alive one; not one whose connect failed at once (no route), destroyed already.
      else connected = !socket.destroyed;
    });
    outgoing.on("error", (error) => {
      // Bytes after a whole answer (a body on a 204, more than its Content-Length) are read as
      // the next answer, which fails: the answer itself is complete, and its 'end' settles the call.
      if (!received?.complete) reject(fail(error, received && (received.statusCode ?? 0), connected));
    });
    outgoing.end(body);
  });
}

/** The most content codings an answer's body is undone through: fetch's (undici's) limit. */
const MAX_CODINGS = 5;

/** How long the body of an answer taken at its head may take to end before its connection is dropped. */
const DRAIN_MS = 1000;

/**
 * The content codings fetch undoes, as leniently as it does: undici flushes its decoders with
 * Z_SYNC_FLUSH (BROTLI_OPERATION_FLUSH), so a body that lacks its last bytes (gzip's 8-byte
 * trailer) or has a stray byte after its end is read for what it holds, not refused. A 2xx the
 * service sent so is the service's answer.
 */
const LENIENT = { flush: zlibConstants.Z_SYNC_FLUSH, finishFlush: zlibConstants.Z_SYNC_FLUSH };
const LENIENT_BROTLI = {
  flush: zlibConstants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH,
};
type Decoder = (data: Buffer, options: { maxOutputLength: number }) => Buffer;
const gunzip: Decoder = (data, options) => gunzipSync(data, { ...options, ...LENIENT });
const DECODERS = new Map<string, Decoder>([
  ["gzip", gunzip],
  ["x-gzip", gunzip],
  // "deflate" is zlib-wrapped by the standard, but some servers send it raw; fetch takes both,
  // told apart by the zlib header's first byte (compression method 8).
  [
    "deflate",
    (data, options) => ((data[0]! & 0x0f) === 8 ? inflateSync : inflateRawSync)(data, { ...options, ...LENIENT }),
  ],
  ["br", (data, options) => brotliDecompressSync(data, { ...options, ...LENIENT_BROTLI })],
]);

function header(answer: IncomingMessage, name: string): string {
  const value = answer.headers[name];
  return typeof value === "string" ? value : "";
}
