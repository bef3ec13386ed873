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

interface Entry {
  readonly secret: string;
  readonly key: unknown;
}

class BoundedKeyCache implements SigningKeyCache {
  readonly maxEntries: number;
  // Keyed by the auth-string prefix (access key id, timestamp, expiry); the secret a key was
  // derived from is kept beside it and compared, so a changed secret never reuses a stale key.
  // Oldest first out: keys are made in time order, and a key of an older second is seldom
  // wanted again once a newer one exists. A few entries in arrays: scanned faster than a Map
  // churns (measured).
  #prefixes: string[] = [];
  #entries: Entry[] = [];
  // The state of the one secret key the latest signing keys were derived from.
  #secret: Entry | undefined;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.length;
  }

  clear(): void {
    this.#prefixes = [];
    this.#entries = [];
    this.#secret = undefined;
  }

  get(prefix: string, secret: string): unknown {
    const prefixes = this.#prefixes;
    for (let i = prefixes.length - 1; i >= 0; i--) {
      if (prefixes[i] === prefix) {
        const entry = this.#entries[i]!;
        return entry.secret === secret ? entry.key : undefined;
      }
    }
    return undefined;
  }

  set(prefix: string, secret: string, key: unknown): void {
    this.#remove(prefix);
    if (this.#entries.length >= this.maxEntries) {
      this.#prefixes.shift();
      this.#entries.shift();
    }
    this.#prefixes.push(prefix);
    this.#entries.push({ secret, key });
  }

  delete(prefix: string, key: unknown): void {
    const at = this.#prefixes.indexOf(prefix);
    if (at >= 0 && this.#entries[at]!.key === key) this.#remove(prefix);
  }

  #remove(prefix: string): void {
    const at = this.#prefixes.indexOf(prefix);
    if (at < 0) return;
    this.#prefixes.splice(at, 1);
    this.#entries.splice(at, 1);
  }

  secretState(secret: string): unknown {
    return this.#secret?.secret === secret ? this.#secret.key : undefined;
  }

  setSecretState(secret: string, key: unknown): void {
    this.#secret = { secret, key };
  }

  forgetSecretState(key: unknown): void {
    if (this.#secret?.key === key) this.#secret = undefined;
  }
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
  return new BoundedKeyCache(maxEntries);
}

/** The cache's lookups, for the HMAC branches only. */
export function cacheInternals(cache: SigningKeyCache): BoundedKeyCache {
  // Structural, not instanceof: a second copy of this module (two bundles) makes caches that work alike.
  if (typeof (cache as Partial<BoundedKeyCache>).secretState !== "function") {
    throw new TypeError("signing key cache must come from createSigningKeyCache");
  }
  return cache as BoundedKeyCache;
}

/** The check both branches make before keying an HMAC. */
export function assertHmacKey(key: string): void {
  if (typeof key !== "string" || key === "") throw new TypeError("an HMAC key must not be empty");
}
