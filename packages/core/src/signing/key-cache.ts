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
  // Most recently used first. Keyed by the auth-string prefix (access key id, timestamp, expiry);
  // the secret a key was derived from is kept beside it and compared, so a changed secret never
  // reuses a stale key. A short array: a handful of entries are scanned faster than a Map churns.
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
    for (let i = 0; i < prefixes.length; i++) {
      if (prefixes[i] !== prefix) continue;
      const entry = this.#entries[i]!;
      if (entry.secret !== secret) return undefined;
      if (i > 0) this.#moveToFront(i);
      return entry.key;
    }
    return undefined;
  }

  set(prefix: string, secret: string, key: unknown): void {
    const at = this.#prefixes.indexOf(prefix);
    if (at >= 0) {
      this.#prefixes.splice(at, 1);
      this.#entries.splice(at, 1);
    } else if (this.#entries.length >= this.maxEntries) {
      this.#prefixes.pop();
      this.#entries.pop();
    }
    this.#prefixes.unshift(prefix);
    this.#entries.unshift({ secret, key });
  }

  delete(prefix: string, key: unknown): void {
    const at = this.#prefixes.indexOf(prefix);
    if (at < 0 || this.#entries[at]!.key !== key) return;
    this.#prefixes.splice(at, 1);
    this.#entries.splice(at, 1);
  }

  #moveToFront(i: number): void {
    const prefix = this.#prefixes[i]!;
    const entry = this.#entries[i]!;
    for (let j = i; j > 0; j--) {
      this.#prefixes[j] = this.#prefixes[j - 1]!;
      this.#entries[j] = this.#entries[j - 1]!;
    }
    this.#prefixes[0] = prefix;
    this.#entries[0] = entry;
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
