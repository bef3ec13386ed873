import { BceError } from "./errors.js";

/** Access key pair, with the session token when the keys are temporary STS credentials. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Called before every attempt, so rotating STS credentials are picked up without a new client. */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;

/** What the clients accept: keys, a provider, or nothing (then the environment is read). */
export type CredentialsInput = Credentials | CredentialsProvider;

/** Environment variables read when a client is given no credentials. */
export const CREDENTIAL_ENV_VARS = {
  accessKeyId: "BCE_ACCESS_KEY_ID",
  secretAccessKey: "BCE_SECRET_ACCESS_KEY",
  sessionToken: "BCE_SESSION_TOKEN",
} as const;

export class CredentialsError extends BceError {
  override name = "CredentialsError";
}

/** Credentials from environment variables, or undefined when they are not set. */
export function credentialsFromEnv(
  env: Record<string, string | undefined> | undefined = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env,
): Credentials | undefined {
  const accessKeyId = env?.[CREDENTIAL_ENV_VARS.accessKeyId];
  const secretAccessKey = env?.[CREDENTIAL_ENV_VARS.secretAccessKey];
  if (!accessKeyId && !secretAccessKey) return undefined;
  const sessionToken = env?.[CREDENTIAL_ENV_VARS.sessionToken];
  return checkCredentials({ accessKeyId: accessKeyId ?? "", secretAccessKey: secretAccessKey ?? "", ...(sessionToken ? { sessionToken } : {}) }, "environment");
}

/**
 * One function that always yields checked credentials, whatever the caller gave.
 * The error messages name what is missing, never a key's value.
 */
export function credentialsResolver(input: CredentialsInput | undefined): () => Promise<Credentials> {
  if (typeof input === "function") {
    return async () => checkCredentials(await input(), "credentials provider");
  }
  if (input !== undefined) {
    const checked = checkCredentials(input, "credentials option");
    return async () => checked;
  }
  return async () => {
    const fromEnv = credentialsFromEnv();
    if (!fromEnv) {
      throw new CredentialsError(
        `no credentials: pass { credentials } to the client or set ${CREDENTIAL_ENV_VARS.accessKeyId} and ${CREDENTIAL_ENV_VARS.secretAccessKey}`,
      );
    }
    return fromEnv;
  };
}

function checkCredentials(value: unknown, from: string): Credentials {
  const c = value as Partial<Credentials> | null | undefined;
  if (typeof c !== "object" || c === null) throw new CredentialsError(`${from} gave no credentials object`);
  for (const field of ["accessKeyId", "secretAccessKey"] as const) {
    const v = c[field];
    if (typeof v !== "string" || v.trim() === "") throw new CredentialsError(`${from}: ${field} is missing or empty`);
    if (/[^\x21-\x7e]/.test(v)) throw new CredentialsError(`${from}: ${field} holds whitespace or non-ASCII characters`);
  }
  if (c.sessionToken !== undefined && (typeof c.sessionToken !== "string" || c.sessionToken.trim() === "")) {
    throw new CredentialsError(`${from}: sessionToken is given but empty`);
  }
  // A copy, so a caller's object is never kept alive or exposed through ours.
  return Object.freeze({
    accessKeyId: c.accessKeyId as string,
    secretAccessKey: c.secretAccessKey as string,
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
  });
}
