// `#platform` for Node, Deno and Bun (and any runtime not bundled for a browser): the runtime's
// name in the user agent, credentials from environment variables, and the system error codes of
// undici's fetch. See types.ts.
import { CREDENTIAL_ENV_VARS, credentialsFromEnv } from "../credentials.js";

export const PLATFORM = "server";

export function runtimeAgent(): string | undefined {
  const g = globalThis as {
    process?: { versions?: Record<string, string | undefined> };
    Deno?: { version?: { deno?: string } };
  };
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
  return credentialsFromEnv((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env);
}

export const NO_CREDENTIALS = `no credentials: pass { credentials } to the client or set ${CREDENTIAL_ENV_VARS.accessKeyId} and ${CREDENTIAL_ENV_VARS.secretAccessKey}`;

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

/** The first system error code in an error's cause chain (undici wraps them). */
function systemErrorCode(error: unknown, depth = 0): string {
  if (!error || typeof error !== "object" || depth > 4) return "";
  const { code, errors, cause } = error as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof code === "string") return code;
  // AggregateError when every address refused.
  return Array.isArray(errors) && errors.length > 0 ? systemErrorCode(errors[0]) : systemErrorCode(cause, depth + 1);
}
