import type { IncomingMessage, ServerResponse } from "node:http";
import { hideDecodedSecrets } from "./journal.js";

/**
 * Which browser origins may call the mock. `true` (the default): pages served from loopback
 * (`http://localhost:*`, `http://127.x.x.x:*`, `http://[::1]:*`, and https). `false`: no CORS
 * headers at all, as before. A list: exactly those origins (`"*"` for any).
 * A function: your own decision.
 */
export type CorsOption = boolean | string[] | ((origin: string) => boolean);

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/i;

/**
 * Request headers a page may always send: what the clients and signers use, plus Prism's Prefer.
 * Any other header a preflight asks for is allowed too, as the mock takes any header on a request
 * (a tracing header a middleware adds): unsigned, it is sent and not checked.
 */
const ALLOWED_HEADERS = new Set(["authorization", "content-type", "content-md5", "prefer"]);
/** A header name (an RFC 9110 token), as a browser lowercases it. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/**
 * `date` too: a browser client corrects its clock from it after RequestTimeTooSkewed;
 * `retry-after`, which a scripted 429 or 503 may carry, so that a browser client can wait it out;
 * and the code and message a `bec-gateway` error carries in headers, with no body.
 */
export const EXPOSED_HEADERS = "x-bce-request-id, date, retry-after, x-bce-error-code, x-bce-error-message";
const MAX_AGE_SECONDS = "600";

export type OriginPolicy = ((origin: string) => boolean) | undefined;

/**
 * An entry of a list of origins as a browser sends its `Origin` (`http://localhost:05173/` is
 * `http://localhost:5173`, `http://localhost:80` is `http://localhost`), or `*`; undefined for
 * what no browser sends: another scheme, a path, a query, a fragment, a user name.
 */
export function originOf(text: string): string | undefined {
  if (text === "*") return text;
  const url = /[?#@\s]/.test(text) ? null : URL.parse(text);
  return url && /^https?:$/.test(url.protocol) && url.pathname === "/" ? url.origin : undefined;
}

export function originPolicy(option: CorsOption | undefined): OriginPolicy {
  if (option === false) return undefined;
  if (option === undefined || option === true) return (origin) => LOOPBACK_ORIGIN.test(origin);
  if (typeof option === "function") {
    // Only a boolean decides: a Promise (an async function) is truthy, and would let every origin in.
    return (origin) => {
      let allowed: unknown;
      try {
        allowed = option(origin);
      } catch (error) {
        throw new Error(
          `startMock: the cors function threw: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
      // Its rejection is refused with the Promise: left unhandled, it would end the Node process.
      if (allowed instanceof Promise) allowed.catch(() => {});
      if (typeof allowed !== "boolean")
        throw new TypeError(
          `startMock: the cors function must return true or false, got ${allowed instanceof Promise ? "a Promise (it cannot be async)" : typeof allowed}`,
        );
      return allowed;
    };
  }
  if (!Array.isArray(option) || option.some((o) => typeof o !== "string" || o === "")) {
    throw new TypeError("cors must be true, false, a list of origins, or a function of the origin");
  }
  const origins = option.map(originOf);
  const bad = option.find((_, i) => origins[i] === undefined);
  if (bad !== undefined)
    throw new TypeError(
      `cors: ${JSON.stringify(bad)} is not an origin such as http://localhost:5173 (scheme and host, no path) or *`,
    );
  if (origins.includes("*")) return () => true;
  const allowed = new Set(origins);
  return (origin) => allowed.has(origin.toLowerCase());
}

export function isPreflight(req: IncomingMessage): boolean {
  return (
    req.method === "OPTIONS" &&
    typeof req.headers.origin === "string" &&
    req.headers["access-control-request-method"] !== undefined
  );
}

/** Headers of an allowed origin's actual request. */
export function allowOrigin(res: ServerResponse, origin: string): void {
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
  res.setHeader("vary", "Origin");
}

/**
 * Answers an allowed origin's preflight (no authentication: a browser never signs a preflight).
 * Allow-Headers lists ALLOWED_HEADERS and every requested header name; what is not a header name,
 * or spells a secret of `hidden` (secretForms), is left out.
 */
export function answerPreflight(
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
  methods: string[],
  hidden: readonly string[],
): void {
  const requested = String(req.headers["access-control-request-headers"] ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    // A name that spells a secret (`x-<secret key>`) is not echoed back: the answer never quotes one.
    .filter((h) => h && HEADER_NAME.test(h) && hideDecodedSecrets(h, hidden) === h);
  const headers = [...new Set([...ALLOWED_HEADERS, ...requested])];
  allowOrigin(res, origin);
  res.setHeader("access-control-allow-methods", methods.join(", "));
  res.setHeader("access-control-allow-headers", headers.join(", "));
  res.setHeader("access-control-max-age", MAX_AGE_SECONDS);
  res.setHeader("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  res.setHeader("content-length", "0");
  res.writeHead(204);
  res.end();
}
