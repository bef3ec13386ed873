// The credentials a call is signed with, whatever the client was given: keys, a provider, or
// nothing (then the environment, where the platform has one: `#platform`).
import { environmentCredentials, NO_CREDENTIALS } from "#platform";
import {
  checkCredentials,
  CREDENTIALS_REFRESH_WINDOW_MS,
  CredentialsError,
  type Credentials,
  type CredentialsInput,
} from "./credentials.js";

/**
 * One function that always yields checked credentials, whatever the caller gave, and rejects only
 * with CredentialsError (a provider's own error becomes its `cause`). A provider is asked once
 * per call, or, when its keys carry an `expiration`, again only shortly before that time;
 * concurrent calls share one pending request to it. The error messages name what is wrong, never
 * a key's value.
 */
export function credentialsResolver(
  input: CredentialsInput | undefined,
  clock: () => number = Date.now,
): () => Promise<Credentials> {
  if (typeof input === "function") {
    let cached: { credentials: Credentials; refreshAt: number } | undefined;
    let pending: Promise<Credentials> | undefined;
    const ask = async (): Promise<Credentials> => {
      let given: unknown;
      try {
        given = await input();
      } catch (error) {
        throw new CredentialsError("the credentials provider failed (see cause)", { cause: error });
      }
      const { credentials, expiresAt } = checkCredentials(given, "credentials provider");
      cached =
        expiresAt === undefined ? undefined : { credentials, refreshAt: expiresAt - CREDENTIALS_REFRESH_WINDOW_MS };
      return credentials;
    };
    return () => {
      if (cached && clock() < cached.refreshAt) return Promise.resolve(cached.credentials);
      pending ??= ask().finally(() => (pending = undefined));
      return pending;
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
