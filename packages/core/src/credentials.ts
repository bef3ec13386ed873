import { CredentialsError } from "./errors.js";
import { onlyInherited } from "./internal/check-runtime.js";

export { CredentialsError } from "./errors.js";

/** Access key pair, with the session token when the keys are temporary STS credentials. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  /**
   * When temporary keys stop working (a Date, or an ISO 8601 date and time with its offset as STS gives it). A provider
   * that returns it is asked again only shortly before that time; without it, on every call.
   */
  readonly expiration?: Date | string | undefined;
}

/**
 * Called when a call needs keys, so rotating STS credentials are picked up without a new client.
 * Keys that carry an `expiration` are kept until shortly before it.
 */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;

/** What the clients accept: keys, a provider, or nothing (then the environment is read). */
export type CredentialsInput = Credentials | CredentialsProvider;

/** The keys of Credentials, and all its fields. */
export const KEY_FIELDS = ["accessKeyId", "secretAccessKey", "sessionToken"] satisfies (keyof Credentials)[];
export const CREDENTIAL_FIELDS = [...KEY_FIELDS, "expiration"] satisfies (keyof Credentials)[];

/** Environment variables read when a client is given no credentials. */
export const CREDENTIAL_ENV_VARS = {
  accessKeyId: "BCE_ACCESS_KEY_ID",
  secretAccessKey: "BCE_SECRET_ACCESS_KEY",
  sessionToken: "BCE_SESSION_TOKEN",
} as const;

/**
 * How long before its `expiration` a provider is asked for new keys: a call signed just before
 * would reach the service with keys about to expire. Five minutes, as the AWS SDKs do.
 */
export const CREDENTIALS_REFRESH_WINDOW_MS = 5 * 60_000;

/**
 * How long before its `expiration` a provider's keys stop being used while new ones are asked for
 * (until then a call goes on with them and the provider is asked beside it): a call waits for new
 * keys, and fails if the provider does, only in this last minute. One minute and five, as the AWS
 * SDK for Java's STS providers' stale and prefetch times (aws/aws-sdk-java-v2
 * services/sts/src/main/java/software/amazon/awssdk/services/sts/auth/StsCredentialsProvider.java@0d77ceae3aae446d6cfcdecfe077785b240bf1ea,
 * DEFAULT_STALE_TIME and DEFAULT_PREFETCH_TIME).
 */
export const CREDENTIALS_STALE_MS = 60_000;

/**
 * Credentials from environment variables, or undefined when they are not set. A client given no
 * credentials reads them from the process's environment where there is one (`#platform`).
 */
export function credentialsFromEnv(env: Record<string, string | undefined> | undefined): Credentials | undefined {
  const variable = (name: string) => (env && !onlyInherited(env, name) ? env[name] : undefined);
  const accessKeyId = variable(CREDENTIAL_ENV_VARS.accessKeyId);
  const secretAccessKey = variable(CREDENTIAL_ENV_VARS.secretAccessKey);
  if (!accessKeyId && !secretAccessKey) return undefined;
  const sessionToken = variable(CREDENTIAL_ENV_VARS.sessionToken);
  return checkCredentials(
    {
      accessKeyId: accessKeyId ?? "",
      secretAccessKey: secretAccessKey ?? "",
      ...(sessionToken ? { sessionToken } : {}),
    },
    "environment",
    CREDENTIAL_ENV_VARS,
  ).credentials;
}

/**
 * The time of an ISO 8601 date and time with its offset, as STS gives it, else NaN: Date.parse alone
 * takes "0" for 2000, and rolls an impossible day or hour over (02-30 to 03-02, 24:00 to the next day).
 */
function isoTime(text: unknown): number {
  if (typeof text !== "string") return NaN;
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$/.exec(text);
  if (!m) return NaN;
  // Every group but the seconds' is there when the whole matched.
  const [, year, month, day, hour, minute, second = "0"] = m;
  const days = new Date(Date.UTC(+year!, +month!, 0)).getUTCDate();
  return +day! <= days && +hour! < 24 && +minute! < 60 && +second < 60 ? Date.parse(text) : NaN;
}

/**
 * Check keys from `from` (a provider, an option, the environment) and copy them; CredentialsError
 * names what is wrong, and the key by its name in `names` where given (the environment's variables).
 */
export function checkCredentials(
  value: unknown,
  from: string,
  names?: Readonly<Record<string, string>>,
): { credentials: Credentials; expiresAt: number | undefined } {
  if (typeof value !== "object" || value === null) throw new CredentialsError(`${from} gave no credentials object`);
  // Each field read once, in order (a getter may throw, or answer differently a second time): an
  // own one or a class's (a getter), never one only a polluted Object.prototype has (a session
  // token it holds would be signed into every request).
  const c: Partial<Record<keyof Credentials, unknown>> = Object.create(null);
  try {
    for (const field of CREDENTIAL_FIELDS)
      if (!onlyInherited(value, field)) c[field] = (value as Partial<Credentials>)[field];
  } catch (error) {
    throw new CredentialsError(`${from}: the credentials could not be read (see cause)`, { cause: error });
  }
  // A copy, so a caller's object is never kept alive or exposed through ours: each key once checked
  // (an empty token left out).
  const credentials: { -readonly [K in keyof Credentials]?: string } = {};
  for (const field of KEY_FIELDS) {
    const v = c[field];
    const name = names?.[field] ?? field;
    const token = field === "sessionToken";
    const id = field === "accessKeyId";
    // An empty token is none, as the environment's is: `sessionToken: process.env.BCE_SESSION_TOKEN`
    // with the variable set but empty signs with the keys alone.
    if (token && (v === undefined || v === "")) continue;
    if (typeof v !== "string" || v.trim() === "")
      throw new CredentialsError(
        `${from}: ${name} ${
          // A blank token is one given; a key blank, null or undefined is one missing.
          typeof v === "string" && token
            ? "is blank"
            : typeof v === "string" || (v == null && !token)
              ? "is missing or empty"
              : `must be a string, not ${v === null ? "null" : typeof v}`
        }`,
      );
    // What a header can carry (the id also goes in the authorization string, split on "/").
    if (/[^\x21-\x7e]/.test(v) || (id && v.includes("/")))
      throw new CredentialsError(`${from}: ${name} holds ${id ? '"/", ' : ""}whitespace or non-ASCII characters`);
    credentials[field] = v;
  }
  const { expiration } = c;
  const expiresAt =
    expiration === undefined ? undefined : expiration instanceof Date ? expiration.getTime() : isoTime(expiration);
  if (Number.isNaN(expiresAt))
    throw new CredentialsError(
      `${from}: expiration must be a Date or an ISO 8601 date and time with its offset, such as 2030-01-01T00:00:00Z`,
    );
  return { credentials: Object.freeze(credentials as Credentials), expiresAt };
}
