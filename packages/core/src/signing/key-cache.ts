// A small bounded cache of derived signing keys, owned by one client (or one verifier), never
// shared across clients. What it holds is the HMAC branch's own key state (key pads on
// node:crypto, CryptoKey promises on Web Crypto): the cache only bounds and looks up.

/** Signing keys derived from one secret access key, reused while their timestamp lasts. */
export interface SigningKeyCache {
  /** Most entries kept; the oldest goes first. */
  readonly maxEntries: number;
  /** Entries held now. */
  readonly size: number;
  /** Forgets every key (for example after the credentials are rotated). */
  clear(): void;
}

/** The lookups the HMAC branches make. */
export interface KeyStore {
  /** Forgets every key. */
  clear(): void;
  /**
   * The key kept under `name` (an auth-string prefix, or `""` for the state of the secret key
   * itself, kept apart and not counted) if it was made from `secret`; else `make()`'s, kept.
   */
  key<T>(name: string, secret: string, make: () => T): T;
}

/** Default bound: signing keys change once a second, so a few entries cover every key in use. */
export const DEFAULT_SIGNING_KEY_CACHE_ENTRIES = 4;

/**
 * A cache of signing keys for one client: give it to the signer of every request of that client
 * (the BEC and BCC clients make their own). Bounded to `maxEntries` keys, the oldest dropped first.
 */
export function createSigningKeyCache(maxEntries: number = DEFAULT_SIGNING_KEY_CACHE_ENTRIES): SigningKeyCache {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
    throw new RangeError("maxEntries must be a positive integer");
  // [name, secret, key], oldest first: the secret a key was derived from is kept beside it and
  // compared, so a changed secret never reuses a stale key. A few entries in an array: scanned
  // faster than a Map hashes a new prefix (measured).
  const keys: Entry[] = [];
  // The same own properties, in the same order, as when they were written out here.
  return {
    maxEntries,
    get size() {
      return keys.length;
    },
    ...keyStore(maxEntries, keys),
  };
}

type Entry = [string, string, unknown];

/**
 * A cache's lookups alone, `maxEntries` taken as given: for a cache no caller sees (a transport's
 * own, or one request's), which needs neither the check nor `size` and `maxEntries` to be read by.
 * `keys` holds the entries under prefixes (createSigningKeyCache counts them).
 */
export function keyStore(maxEntries: number, keys: Entry[] = []): KeyStore {
  const secrets: Entry[] = [];
  return {
    clear() {
      keys.length = secrets.length = 0;
    },
    key<T>(name: string, secret: string, make: () => T): T {
      const list = name ? keys : secrets;
      for (const entry of list) if (entry[0] === name && entry[1] === secret) return entry[2] as T;
      const made = make();
      if (list.push([name, secret, made]) > (name ? maxEntries : 1)) list.shift();
      return made;
    },
  };
}

/** The cache's lookups, for the HMAC branches only. */
export function cacheInternals(cache: SigningKeyCache | KeyStore): KeyStore {
  // Structural, not instanceof: a second copy of this module (two bundles) makes caches that work alike.
  if (typeof (cache as Partial<KeyStore> | null)?.key !== "function") {
    throw new TypeError("signing key cache must come from createSigningKeyCache");
  }
  return cache as KeyStore;
}

/** The check both branches make before keying an HMAC. */
export function assertHmacKey(key: string): void {
  if (typeof key !== "string" || key === "") throw new TypeError("an HMAC key must not be empty");
}
