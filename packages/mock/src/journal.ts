/** One request as the mock received it, and what it answered. */
export interface JournalEntry {
  /** The `x-bce-request-id` the mock answered with. */
  requestId: string;
  /** When the request arrived (ISO 8601, the mock's clock). */
  receivedAt: string;
  method: string;
  /** The path as sent, still percent-encoded. */
  path: string;
  /** The raw query string without `?` (`rebuild`, `clientToken=abc`), as sent. */
  query: string;
  /** Header names in lower case. The signature in `authorization` and any security token are redacted. */
  headers: Record<string, string>;
  /**
   * The body as UTF-8 text (the first 64 KiB). In a JSON body, a plaintext password (a string
   * property whose name ends in `pass` or `password`, such as BEC's `keyConfig.adminPass`) reads
   * `<redacted>`; an encrypted one (lowercase hex, as BCC's `adminPass`) is kept.
   */
  body: string;
  /** Bytes of body received. */
  bodyBytes: number;
  /** The spec operation the path and method matched, if any. */
  operationId?: string;
  /** `verified`: a valid bce-auth-v1 signature; `failed`: refused with `signatureError`; `not-checked`: auth off or never reached. */
  signature: "verified" | "failed" | "not-checked";
  signatureError?: string;
  /** The scripted fault applied to this request, if any (`status 503`, `drop`, `truncate`, `hang`, `delay 200 ms`). */
  fault?: string;
  /** For an operation with an idempotency token: first use of the token, a replay of its answer, or a mismatch. */
  idempotency?: "first" | "replay" | "mismatch";
  /**
   * What was answered: the status and, for an error, the BCE code. Status 0: no answer (the
   * connection was dropped, or closed before the answer). Absent while the request is in progress.
   */
  answer?: { status: number; code?: string };
}

export const MAX_JOURNAL_BODY = 64 * 1024;

type Waiter = { count: number; resolve: (entries: JournalEntry[]) => void };

/** The last `limit` requests, oldest first. */
export class Journal {
  readonly limit: number;
  #entries: JournalEntry[] = [];
  #answered = 0;
  #waiters: Waiter[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Every entry kept, oldest first (copies: changing them changes nothing). */
  entries(): JournalEntry[] {
    // Passwords are redacted here, when the journal is read, rather than on every request.
    return this.#entries.map((entry) => ({ ...structuredClone(entry), body: redactBody(entry.body) }));
  }

  clear(): void {
    this.#entries = [];
    this.#answered = 0;
  }

  /**
   * Resolves once `count` requests have been answered (or dropped) since the journal was last
   * cleared, with the entries. Lets a test wait for an event instead of for time.
   */
  waitFor(count: number): Promise<JournalEntry[]> {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`waitFor: count must be a positive integer, got ${count}`);
    if (this.#answered >= count) return Promise.resolve(this.entries());
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** @internal Records an arrival; the entry is completed by `answered`. */
  add(entry: JournalEntry): void {
    if (this.limit === 0) return;
    this.#entries.push(entry);
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  /** @internal */
  answered(entry: JournalEntry, status: number, code?: string): void {
    if (entry.answer) return;
    entry.answer = code ? { status, code } : { status };
    this.#answered++;
    const ready = this.#waiters.filter((w) => this.#answered >= w.count);
    if (ready.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => this.#answered < w.count);
    for (const waiter of ready) waiter.resolve(this.entries());
  }
}

/** `bce-auth-v1/ak/timestamp/expiration/signedHeaders/<signature>`: everything but the signature stays readable. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (name === "authorization") {
      const parts = text.split("/");
      out[name] =
        parts.length === 6 && parts[0] === "bce-auth-v1"
          ? [...parts.slice(0, 5), "<redacted>"].join("/")
          : "<redacted>";
    } else if (name === "x-bce-security-token" || name === "cookie") {
      out[name] = "<redacted>";
    } else {
      out[name] = text;
    }
  }
  return out;
}

const PASSWORD_KEY = /pass(word)?$/i;
const PASSWORD_KEY_IN = /pass(word)?"\s*:/i;
const CIPHERTEXT = /^(?:[0-9a-f]{32})+$/;

/** A password property's string value in JSON text, to its closing quote or to the end of a cut-off text. */
// The key is bounded (names are short), so a search from every quote cannot make it quadratic.
const PASSWORD_VALUE = /("(?:[^"\\]|\\.){0,100}pass(?:word)?"\s*:\s*)"((?:[^"\\]|\\.)*)("?)/gi;

/**
 * The body with plaintext passwords redacted. A JSON body is redacted by its structure; text that
 * does not parse (cut at 64 KiB, or malformed) has every password property's value replaced.
 */
export function redactBody(text: string): string {
  if (!PASSWORD_KEY_IN.test(text)) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.replace(PASSWORD_VALUE, (all, head: string, v: string, close: string) =>
      close && CIPHERTEXT.test(v) ? all : `${head}"<redacted>"`,
    );
  }
  let changed = false;
  const redacted = JSON.stringify(value, (key, v: unknown) => {
    if (typeof v === "string" && PASSWORD_KEY.test(key) && !CIPHERTEXT.test(v)) {
      changed = true;
      return "<redacted>";
    }
    return v;
  });
  return changed ? redacted : text;
}
