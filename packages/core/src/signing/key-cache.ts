// A small bounded cache of derived signing keys, owned by one client (or one verifier), never
// shared across clients. What it holds is the HMAC branch's own key state (key pads on
// node:crypto, CryptoKey promises on Web Crypto): the cache only bounds and looks up.

/** Signing keys derived from one secret access key, reused while their timestamp lasts. */
export interface SigningKeyCache {
  /** Most entries kept; the least recently used goes first. */
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
  // Keyed by the auth-string prefix (access key id, timestamp, expiry); the secret it was derived
  // from is kept beside the key and compared, so a changed secret never reuses a stale key.
  readonly #entries = new Map<string, Entry>();
  #lastPrefix = "";
  #last: Entry | undefined;
  // The state of the one secret key the latest signing keys were derived from.
  #secret: Entry | undefined;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#last = undefined;
    this.#lastPrefix = "";
    this.#secret = undefined;
  }

  get(prefix: string, secret: string): unknown {
    // Most calls sign with the key of the call before.
    const last = this.#last;
    if (last !== undefined && this.#lastPrefix === prefix && last.secret === secret) return last.key;
    const entry = this.#entries.get(prefix);
    if (entry === undefined || entry.secret !== secret) return undefined;
    this.#entries.delete(prefix); // re-inserted: Map order is the LRU order
    this.#entries.set(prefix, entry);
    this.#lastPrefix = prefix;
    this.#last = entry;
    return entry.key;
  }

  set(prefix: string, secret: string, key: unknown): void {
    const entry = { secret, key };
    this.#entries.delete(prefix);
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(prefix, entry);
    this.#lastPrefix = prefix;
    this.#last = entry;
  }

  delete(prefix: string, key: unknown): void {
    if (this.#entries.get(prefix)?.key !== key) return;
    this.#entries.delete(prefix);
    if (this.#lastPrefix === prefix) this.#last = undefined;
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
export const DEFAULT_SIGNING_KEY_CACHE_ENTRIES = 16;

/**
 * A cache of signing keys for one client: give it to the signer of every request of that client
 * (the BEC and BCC clients make their own). Bounded to `maxEntries` keys, least recently used
 * dropped first.
 */
export function createSigningKeyCache(maxEntries: number = DEFAULT_SIGNING_KEY_CACHE_ENTRIES): SigningKeyCache {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError("maxEntries must be a positive integer");
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
