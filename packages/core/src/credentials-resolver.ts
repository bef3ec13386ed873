// The credentials a call is signed with, whatever the client was given: keys, a provider, or
// nothing (then the environment, where the platform has one: `#platform`).
import { environmentCredentials, NO_CREDENTIALS } from "#platform";
import {
  CREDENTIAL_FIELDS,
  checkCredentials,
  CREDENTIALS_REFRESH_WINDOW_MS,
  CREDENTIALS_STALE_MS,
  CredentialsError,
  type Credentials,
  type CredentialsInput,
} from "./credentials.js";
import { within } from "./abort.js";
import { checkOptionNames, refuseOtherNames } from "./edit-distance.js";
import { aborted, BceValidationError } from "./errors.js";
import { isObject, optionNames } from "./internal/check-runtime.js";

/**
 * Refuse a key of credentials (the option's, or a provider's answer) that misspells one of their
 * fields (`sesionToken`) or is another SDK's name for one (`securityToken`, `sk`): ignored, it
 * would sign the call without it. Other keys pass (an STS answer given as it came carries more).
 * Keys that cannot be listed (a revoked Proxy) pass here: checkCredentials says they cannot be read.
 */
export function checkCredentialNames(credentials: object): void {
  let keys: string[] = [];
  try {
    keys = optionNames(credentials); // as they are read (see checkCredentials)
  } catch {}
  refuseOtherNames(credentials, keys, "credentials.");
  checkOptionNames(keys, CREDENTIAL_FIELDS, "credentials.");
}

/** What a call waiting for credentials brings: its signal, and how long it may wait for a provider. */
export interface CredentialsWait {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
}

/**
 * One function that always yields checked credentials, whatever the caller gave, and rejects only
 * with CredentialsError (a provider's own error becomes its `cause`) or, when the call's signal
 * aborts while a provider is asked, BceAbortError. A provider is asked once per call, or, when its
 * keys carry an `expiration`, again only shortly before that time; concurrent calls share one
 * pending request to it. Between five minutes and one before the expiration, a call goes on with
 * the keys it has while the provider is asked beside it (a request that failed, or is pending for
 * longer than a call's `timeoutMs`, is made again by the next call); in the last minute, or with no
 * keys, the call waits for the provider. A provider that has
 * not answered within the call's `timeoutMs` fails the call, and the next call asks it again. The
 * error messages name what is wrong, never a key's value.
 */
export function credentialsResolver(
  input: CredentialsInput | undefined,
  clock: () => number = Date.now,
  /** Told when a request made beside a call fails: no call hears of it otherwise. */
  onRefreshFailed: (error: CredentialsError, expiresInMs: number) => void = () => {},
): (wait?: CredentialsWait) => Promise<Credentials> {
  if (typeof input === "function") {
    // Keys that carry an expiration and when they expire: used alone until the refresh window, then
    // beside a request for new ones until the last minute; the request to the provider in flight.
    let cached: Credentials | undefined;
    let expiresAt = 0;
    let pending: Promise<Credentials> | undefined;
    let pendingSince = 0;
    // Which request to the provider is the latest: one given up on, that answers after a newer
    // one was made, does not replace what the newer one cached.
    let latest = 0;
    const ask = async (): Promise<Credentials> => {
      const request = ++latest;
      let checked: ReturnType<typeof checkCredentials>;
      try {
        const answer = await input();
        if (isObject(answer))
          try {
            checkCredentialNames(answer);
          } catch (error) {
            // As the option's keys are refused, but the provider's: a CredentialsError at the call.
            if (error instanceof BceValidationError)
              throw new CredentialsError(`credentials provider: ${error.message}`, { cause: error });
            throw error;
          }
        checked = checkCredentials(answer, "credentials provider");
      } catch (error) {
        if (error instanceof CredentialsError) throw error;
        throw new CredentialsError("the credentials provider failed (see cause)", { cause: error });
      }
      const { credentials } = checked;
      if (request === latest) {
        cached = checked.expiresAt === undefined ? undefined : credentials;
        expiresAt = checked.expiresAt ?? 0;
      }
      return credentials;
    };
    // The pending request, or a new one that forgets itself once settled (unless replaced). One
    // pending for longer than the call's `timeoutMs` is one a waiting call would have given up on
    // (as one made beside a call, which no call waits for, is never given up otherwise): the call
    // asks anew rather than wait on it.
    const request = (now: number, timeoutMs: number | undefined): Promise<Credentials> => {
      if (pending && timeoutMs !== undefined && now - pendingSince > timeoutMs) pending = undefined;
      if (!pending) {
        const asking: Promise<Credentials> = ask().finally(() => {
          if (pending === asking) pending = undefined;
        });
        pending = asking;
        pendingSince = now;
      }
      return pending;
    };
    return ({ signal, timeoutMs } = {}) => {
      const now = clock();
      if (cached && now < expiresAt - CREDENTIALS_REFRESH_WINDOW_MS) return Promise.resolve(cached);
      // An aborted call does not ask the provider.
      if (signal?.aborted) return Promise.reject(aborted(signal));
      if (cached && now < expiresAt - CREDENTIALS_STALE_MS) {
        // New keys are asked for beside this call, which goes on with keys that have over a minute
        // left: a provider that is slow or down (an STS outage) delays or fails no call until then.
        const keys = cached;
        const before = pending;
        const asked = request(now, timeoutMs);
        // Its failure is told once, by the call that made the request, and only while those keys
        // are still the ones kept (a newer request may have replaced them).
        asked.catch((error: CredentialsError) => {
          if (asked !== before && cached === keys) onRefreshFailed(error, expiresAt - clock());
        });
        return Promise.resolve(cached);
      }
      const asked = request(now, timeoutMs);
      if (!signal && timeoutMs === undefined) return asked;
      // The call stops waiting on its abort or timeout; the provider's answer, if it comes, is
      // kept only while no newer request has been made.
      return within(asked, signal, timeoutMs, () => {
        if (pending === asked) pending = undefined;
        return new CredentialsError(`the credentials provider gave no answer within ${timeoutMs} ms`);
      });
    };
  }
  if (input !== undefined) {
    const checked = checkCredentials(input, "credentials option").credentials;
    return () => Promise.resolve(checked);
  }
  return async () => {
    const fromEnv = environmentCredentials();
    if (!fromEnv) throw new CredentialsError(NO_CREDENTIALS);
    return fromEnv;
  };
}
