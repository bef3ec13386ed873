import type { IncomingMessage } from "node:http";
import { DEFAULT_MAX_CLOCK_SKEW_SECONDS } from "@bce-openapi/core";
import { queryParameter, tooFarAhead } from "@bce-openapi/core/internal";

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * Makes the key pair a temporary (STS) one: every request signed with it must carry this token
   * in `x-bce-security-token`, as the clients and the official SDKs send it with STS keys. A request
   * without it, or with another, is answered 403 `AccessDenied` (see `signatureAuthenticator`).
   */
  sessionToken?: string | undefined;
}

/** What the mock accepts when neither options nor environment say otherwise. */
export const DEFAULT_CREDENTIALS: Credential = {
  accessKeyId: "mock-access-key-id",
  secretAccessKey: "mock-secret-access-key-0123456789",
};

export type AuthResult =
  | { ok: true; accessKeyId?: string }
  | { ok: false; status: number; code: string; message: string };

/** Runs on every request before Prism sees it; a failure is answered with a BCE error body. */
export type Authenticate = (req: IncomingMessage, rawBody: Buffer) => AuthResult | Promise<AuthResult>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * What is wrong with what an `authenticate` option returned, or undefined. Checked before it is
 * answered: a status Node refuses would otherwise end in a 500 quoting Node's internals. Values are
 * named by type only (a number is shown): a hand-written result may carry a secret.
 */
export function authResultProblem(result: unknown): string | undefined {
  if (typeof result !== "object" || result === null)
    return `returned ${result === null ? "null" : typeof result}; it must return { ok: true } or { ok: false, status, code, message }`;
  const r = result as Record<string, unknown>;
  if (typeof r.ok !== "boolean") return `returned ok ${typeof r.ok}; ok must be true or false`;
  if (r.ok) return undefined;
  const { status, code, message } = r;
  if (!(typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599))
    return `returned { ok: false } with status ${typeof status === "number" ? status : typeof status}; status must be an integer from 400 to 599`;
  if (!(typeof code === "string" && TOKEN.test(code)))
    return `returned { ok: false } with ${typeof code === "string" ? "a code that is not a token" : `code ${typeof code}`}; code must be a non-empty token such as AccessDenied`;
  if (typeof message !== "string")
    return `returned { ok: false } with message ${typeof message}; message must be a string`;
  return undefined;
}

/** HTTP status BCE uses for each bce-auth-v1 failure code. */
export const AUTH_ERROR_STATUS: Record<string, number> = {
  InvalidHTTPAuthHeader: 400,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 400,
  RequestExpired: 400,
  RequestTimeTooSkewed: 403,
};

/**
 * How far in the future a signature's timestamp may be (core's, which says where it comes from). A
 * request dated further ahead is answered 403 `RequestTimeTooSkewed`, the code the spec's 403
 * response gives for clock skew (not in BCE's common error table,
 * https://intl.cloud.baidu.com/doc/BCC/s/Ojwvyo6nc-en), with the server's time in `Date`, from
 * which a client corrects its clock. A past timestamp is judged by its own expiration
 * (`RequestExpired`), as before.
 */
export { DEFAULT_MAX_CLOCK_SKEW_SECONDS };

export function resolveCredentials(credentials?: Credential[], env: NodeJS.ProcessEnv = process.env): Credential[] {
  if (credentials) return credentials;
  return [
    {
      accessKeyId: env.BCE_MOCK_ACCESS_KEY_ID || DEFAULT_CREDENTIALS.accessKeyId,
      secretAccessKey: env.BCE_MOCK_SECRET_ACCESS_KEY || DEFAULT_CREDENTIALS.secretAccessKey,
      ...(env.BCE_MOCK_SESSION_TOKEN ? { sessionToken: env.BCE_MOCK_SESSION_TOKEN } : {}),
    },
  ];
}

export const allowAll: Authenticate = () => ({ ok: true });

/** The shape of `verifyRequest` from @bce-openapi/core (bce-auth-v1), as the mock calls it. */
export type VerifyRequest = (
  request: { method: string; path: string; headers: IncomingMessage["headers"] },
  options: {
    getSecretAccessKey: (accessKeyId: string) => string | undefined;
    now?: number;
    maxClockSkewSeconds?: number;
  },
) => Promise<{ ok: true; accessKeyId: string; timestamp?: string } | { ok: false; code: string; message: string }>;

/**
 * Checks bce-auth-v1 signatures against the given key pairs with `verify`. A key pair with a
 * `sessionToken` also needs that token in `x-bce-security-token`. BCE publishes no error code of
 * its own for an STS key used without its token; the mock answers 403 `AccessDenied`, the code
 * BCE's common error list gives for a request it does not permit
 * (https://intl.cloud.baidu.com/doc/BCC/s/Ojwvyo6nc-en). Neither token is ever quoted.
 */
export function signatureAuthenticator(
  credentials: Credential[],
  verify: VerifyRequest,
  now: () => number = Date.now,
  maxClockSkewSeconds: number = DEFAULT_MAX_CLOCK_SKEW_SECONDS,
): Authenticate {
  const byId = new Map(credentials.map((c) => [c.accessKeyId, c]));
  return async (req) => {
    const result = await verify(
      // req.url is the path and raw query exactly as signed (`?rebuild` and `?rebuild=` alike).
      { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers },
      { getSecretAccessKey: (id) => byId.get(id)?.secretAccessKey, now: now(), maxClockSkewSeconds },
    );
    if (result.ok) {
      // Core's verifyRequest judges the skew itself; a verify of the caller's may not. The signature's
      // timestamp (core's gives it, from the header or the query); one that does not is read from
      // the header, the field after the id.
      const timestamp = result.timestamp ?? String(req.headers.authorization).split("/")[2] ?? "";
      const ahead = Date.parse(timestamp) - now();
      if (ahead > maxClockSkewSeconds * 1000) {
        return {
          ok: false,
          status: 403,
          code: "RequestTimeTooSkewed",
          message: `${tooFarAhead(ahead, maxClockSkewSeconds)}; see the Date header`,
        };
      }
      const token = byId.get(result.accessKeyId)?.sessionToken;
      // In the header, or, in a URL signed for a third party, in the query (signed with it), as
      // the Go SDK's presigned URLs carry it (baidubce/bce-sdk-go
      // services/bos/api/object.go@0577ef902302dd90e055d0b86e20ad0e97615a7e, GeneratePresignedUrl).
      const target = req.url ?? "";
      const sent =
        req.headers["x-bce-security-token"] ??
        (target.includes("?") ? queryParameter(target.slice(target.indexOf("?")), "x-bce-security-token") : undefined);
      if (token !== undefined && sent !== token) {
        return {
          ok: false,
          status: 403,
          code: "AccessDenied",
          message: `The access key ${result.accessKeyId} is a temporary (STS) key: the request must carry its session token in x-bce-security-token (a header, or a query parameter of a presigned URL), ${sent === undefined ? "and carries none" : "and carries another"}`,
        };
      }
      return { ok: true, accessKeyId: result.accessKeyId };
    }
    // A skew answer carries the mock's time in its Date header, from which a client corrects its clock.
    const message = result.code === "RequestTimeTooSkewed" ? `${result.message}; see the Date header` : result.message;
    return { ok: false, status: AUTH_ERROR_STATUS[result.code] ?? 400, code: result.code, message };
  };
}
