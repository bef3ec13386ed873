// The forms a secret may take (as sent, percent-encoded, JSON-escaped) and their hiding: core's,
// which its clients' errors use too. (Not re-exported: a declaration naming core's internal entry
// would not resolve for a consumer on moduleResolution node10.)
import { hideSecrets, secretForms } from "@bce-openapi/core/internal";
/** One request as the mock received it, and what it answered. */
export interface JournalEntry {
  /** The `x-bce-request-id` the mock answered with. */
  requestId: string;
  /** When the request arrived (ISO 8601, the mock's clock). */
  receivedAt: string;
  method: string;
  /** The path as sent, still percent-encoded. */
  path: string;
  /**
   * The raw query string without `?` (`rebuild`, `clientToken=abc`), as sent, but for the
   * signature in an `authorization` parameter (and its access key id, when the mock does not know
   * it) and an `x-bce-security-token` (presigned requests),
   * and the value of a parameter whose name ends in `pass`, `password`, `passwd` or `pwd` (an encrypted one is kept)
   * or names a credential (`secretKey`, `secretAccessKey`, `sessionToken`, `securityToken`), also
   * percent-encoded or inside a form's brackets (`creds[secretKey]`).
   */
  query: string;
  /**
   * Header names in lower case. The signature in `authorization`, `cookie`, and any header whose
   * name says secret, password, token, api key or authorization are redacted; a secret of
   * the mock's keys reads `<redacted>` in a name too.
   */
  headers: Record<string, string>;
  /**
   * The body as UTF-8 text (the first 64 KiB). A plaintext password (the value of a property whose
   * name ends in `pass`, `password`, `passwd` or `pwd`, such as BEC's `keyConfig.adminPass`, or of such a form
   * field) reads `<redacted>`, also in a body cut at 64 KiB or one that is not valid JSON (a
   * Python dict's `'adminPass': 'x'`, YAML, XML, `name: value` text); an
   * encrypted one (lowercase hex) is kept in the body of an operation whose spec encrypts it
   * (BCC's `adminPass`), and only there. So does a credential an SDK may
   * put in a body (a property named `secretKey`, `secretAccessKey`, `sessionToken`, `securityToken`,
   * in any case, with `_` or `-` between the words), whatever it looks like.
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

type Waiter = { count: number; resolve: (entries: JournalEntry[]) => void; reject: (error: Error) => void };

/** The last `limit` requests, oldest first. */
export class Journal {
  readonly limit: number;
  #entries: JournalEntry[] = [];
  #answered = 0;
  #waiters: Waiter[] = [];
  /**
   * Bumped by clear(): a request that arrived before the clear and is answered after it (one
   * waiting on a delayMs step) belongs to the old journal and must not count towards waitFor.
   */
  #generation = 0;
  #generationOf = new WeakMap<JournalEntry, number>();
  /** Each entry's body as read (secrets hidden), worked out once: a read of the journal is not six passes over every body. */
  #shownBodies = new WeakMap<JournalEntry, { body: string; bodyBytes: number; shown: string }>();
  /** Set once the mock has closed: no request can arrive, so a wait that is not met never will be. */
  #closed: Error | undefined;

  /** The forms of the secrets the mock knows (its keys' secret keys and session tokens), hidden wherever a request puts them. */
  readonly #secrets: readonly string[];
  /**
   * For #hideCut, made on its first cut body: the powers of a base drawn at random (so that no body
   * is made to collide), and, for each secret form, the hash of each of its starts (`[n]`: of its
   * first n characters).
   */
  #hashTables: { powers: Float64Array; prefixes: Float64Array[] } | undefined;
  /** The access key ids of the key pairs the mock accepts: any other in a presigned request's query is hidden. */
  readonly #accessKeyIds: readonly string[];

  /**
   * `secrets`: values never to show, whatever their place (a header of the caller's, a query
   * parameter, a body): the secret keys and session tokens of the key pairs the mock accepts.
   * `accessKeyIds`: the ids of those key pairs, the only ones a presigned request's query shows.
   */
  /** The operations whose spec encrypts a password: their bodies keep its ciphertext (see redactBody). */
  readonly #encrypting: ReadonlySet<string>;

  constructor(
    limit: number,
    secrets: readonly (string | undefined)[] = [],
    accessKeyIds: readonly string[] = [],
    encryptingOperations: readonly string[] = [],
  ) {
    this.limit = limit;
    this.#encrypting = new Set(encryptingOperations);
    this.#secrets = secretForms(secrets);
    this.#accessKeyIds = accessKeyIds;
  }

  /** `text` with every secret the mock knows replaced by `<redacted>`. */
  #hide(text: string): string {
    return hideSecrets(text, this.#secrets);
  }

  /**
   * A query (or a form body) with the name or value of each parameter that, percent-decoded, holds
   * a secret (`%6Dock-...`) hidden.
   */
  #hideEncoded(query: string): string {
    if (this.#secrets.length === 0 || !query.includes("%")) return query;
    const shown = (part: string) => {
      const read = decodeEscapes(part.replace(/\+/g, " "));
      return this.#secrets.some((form) => read.includes(form)) ? "%3Credacted%3E" : part;
    };
    return query
      .split("&")
      .map((pair) => {
        const at = pair.indexOf("=");
        return at < 0 ? shown(pair) : `${shown(pair.slice(0, at))}=${shown(pair.slice(at + 1))}`;
      })
      .join("&");
  }

  /**
   * A JSON body whose strings (names included), their percent escapes read, spell a secret
   * (`"note": "%6D%6F..."`): each such string shown read, with the secret hidden, the rest as it
   * was (#hideEncoded would read the whole body as one form field). Undefined for a body that is
   * not JSON (a form, a body cut at 64 KiB), or nested deeper than the walk goes.
   */
  #hideEncodedJson(body: string): string | undefined {
    if (this.#secrets.length === 0 || !body.includes("%")) return body;
    let changed = false;
    const walk = (node: unknown): unknown => {
      if (typeof node === "string") {
        const shown = hideDecodedSecrets(node, this.#secrets);
        changed ||= shown !== node;
        return shown;
      }
      if (Array.isArray(node)) return node.map(walk);
      if (node !== null && typeof node === "object")
        return Object.fromEntries(Object.entries(node).map(([name, value]) => [walk(name), walk(value)]));
      return node;
    };
    try {
      const shown = walk(JSON.parse(body));
      return changed ? JSON.stringify(shown) : body;
    } catch {
      return undefined; // not JSON, or too deep for the stack
    }
  }

  /**
   * A JSON body whose strings, read, hold a secret its text spells with escapes (`\u006Dock-...`):
   * written again (escapes read), with the secrets hidden. Any other body as it is.
   */
  #hideEscaped(body: string, keepCiphertext: boolean): string {
    if (this.#secrets.length === 0 || !body.includes("\\")) return body;
    let normalized: string;
    try {
      normalized = JSON.stringify(JSON.parse(body));
    } catch {
      // Not JSON (cut at 64 KiB): its \u escapes read where that shows a secret.
      normalized = body.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    }
    return this.#secrets.some((form) => normalized.includes(form))
      ? this.#hide(redactBody(normalized, keepCiphertext))
      : body;
  }

  /**
   * The body of `entry` as kept: when it was cut at MAX_JOURNAL_BODY, a secret the cut went through
   * would show its first part, which no whole form matches: an end of the kept text that begins a
   * secret (4 characters or more), as it reads or as its escapes read (`\u0065…`, `%65…`), reads
   * `<redacted>`.
   */
  #hideCut({ body, bodyBytes }: JournalEntry): string {
    if (bodyBytes <= MAX_JOURNAL_BODY || this.#secrets.length === 0) return body;
    // An escape spells one character in at most 6 (\u0065): a secret's start is that near the end,
    // within six characters for each of the longest form's (the forms are longest first). Its
    // reads compare with every form, the ones spelt wholly with escapes (`%6D%6F…`) too, and such
    // a form may itself be sent escaped (`\u0025\u0036…`).
    const start = Math.max(0, body.length - 6 * this.#secrets[0]!.length);
    // What the text from each place on reads as, its escapes read: the escape at the place (or its
    // character) read, then what the text after it reads as. Kept as the place after (`next`) and
    // the read's length and hash, made once from the end, so that comparing a place's read with
    // the start of each secret form takes no time that grows with the read (building every read
    // as a string grew with the square of the window). Read once, a secret escaped twice
    // (`%256d…`) reads as one of its escaped forms: all are compared.
    const size = body.length - start + 1;
    const next = new Int32Array(size);
    const length = new Int32Array(size);
    const hash = new Float64Array(size);
    const char = new Int32Array(size).fill(-1);
    const { powers, prefixes } = this.#hashes(body.length);
    for (let i = body.length - 1; i >= start; i--) {
      ESCAPE_AT.lastIndex = i;
      const found = ESCAPE_AT.exec(body)?.[0];
      const read = found === undefined ? body[i]! : readEscape(found);
      const after = i + (found?.length ?? 1) - start;
      const k = i - start;
      next[k] = after;
      // A read is a character or nothing (an escape the end cuts short).
      length[k] = length[after]! + read.length;
      hash[k] =
        read === "" ? hash[after]! : (read.charCodeAt(0) * powers[length[after]!]! + hash[after]!) % HASH_MODULUS;
      if (read !== "") char[k] = read.charCodeAt(0);
    }
    // The read of a place, spelt out: only for a place whose hash matches a form's start.
    const readAt = (k: number): string => {
      let text = "";
      for (; k < size - 1; k = next[k]!) if (char[k]! >= 0) text += String.fromCharCode(char[k]!);
      return text;
    };
    for (let at = start; at <= body.length - 4; at++) {
      const k = at - start;
      const n = length[k]!;
      // A form's start is no longer than the form, and 4 characters or more.
      if (n < 4) continue;
      // The forms are longest first.
      for (let f = 0; f < this.#secrets.length && this.#secrets[f]!.length >= n; f++)
        if (prefixes[f]![n] === hash[k] && this.#secrets[f]!.startsWith(readAt(k)))
          return `${body.slice(0, at)}<redacted>`;
    }
    return body;
  }

  /** The tables #hideCut hashes with, their powers enough for reads of up to `reads` characters. */
  #hashes(reads: number): { powers: Float64Array; prefixes: Float64Array[] } {
    if (this.#hashTables && this.#hashTables.powers.length > reads) return this.#hashTables;
    const base = this.#hashTables?.powers[1] ?? 256 + Math.floor(Math.random() * (HASH_MODULUS - 512));
    const powers = new Float64Array(Math.max(reads, MAX_JOURNAL_BODY) + 1);
    powers[0] = 1;
    for (let n = 1; n < powers.length; n++) powers[n] = (powers[n - 1]! * base) % HASH_MODULUS;
    const prefixes =
      this.#hashTables?.prefixes ??
      this.#secrets.map((form) => {
        const hashes = new Float64Array(form.length + 1);
        for (let n = 1; n <= form.length; n++)
          hashes[n] = (hashes[n - 1]! * base + form.charCodeAt(n - 1)) % HASH_MODULUS;
        return hashes;
      });
    this.#hashTables = { powers, prefixes };
    return this.#hashTables;
  }

  /** Every entry kept, oldest first (copies: changing them changes nothing). */
  entries(): JournalEntry[] {
    // Passwords are redacted here, when the journal is read, rather than on every request.
    const hide = (text: string) => this.#hide(text);
    return this.#entries.map((entry) => ({
      ...structuredClone(entry),
      // A path whose percent escapes, read, spell a secret: shown read, with the secret hidden.
      path: hideDecodedSecrets(entry.path, this.#secrets),
      query: this.#hideEncoded(hide(redactQuery(entry.query, this.#accessKeyIds))),
      // A secret sent as a header's name (`x-<secret key>: 1`) is hidden too, and one its percent
      // escapes spell (`x-note: %6D%6F...`), shown read with it hidden, as in the path.
      headers: Object.fromEntries(
        Object.entries(entry.headers).map(([name, value]) => [
          hideDecodedSecrets(name, this.#secrets),
          hideDecodedSecrets(value, this.#secrets),
        ]),
      ),
      body: this.#shownBody(entry),
    }));
  }

  /** An entry's body with its secrets hidden (see entries), kept for the next read while the body is the same. */
  #shownBody(entry: JournalEntry): string {
    const { body, bodyBytes } = entry;
    const kept = this.#shownBodies.get(entry);
    if (kept?.body === body && kept.bodyBytes === bodyBytes) return kept.shown;
    const keep = entry.operationId !== undefined && this.#encrypting.has(entry.operationId);
    const hidden = this.#hideEscaped(this.#hide(redactBody(this.#hideCut(entry), keep)), keep);
    const shown = this.#hideEncodedJson(hidden) ?? this.#hideEncoded(hidden);
    this.#shownBodies.set(entry, { body, bodyBytes, shown });
    return shown;
  }

  clear(): void {
    this.#entries = [];
    this.#answered = 0;
    this.#generation++;
  }

  /**
   * Resolves once `count` requests have been answered (or dropped) since the journal was last
   * cleared, with the entries. Lets a test wait for an event instead of for time. Rejects when
   * the mock closes first (or has closed), since no request can arrive any more.
   */
  waitFor(count: number): Promise<JournalEntry[]> {
    // Rejected, not thrown: `await journal.waitFor(x)` and `.catch()` both see it.
    if (!Number.isInteger(count) || count < 1)
      return Promise.reject(
        new RangeError(
          `waitFor: count must be a positive integer, got ${typeof count === "string" ? `"${count}" (a string)` : String(count)}`,
        ),
      );
    if (this.#answered >= count) return Promise.resolve(this.entries());
    if (this.#closed) return Promise.reject(this.#notMet(count));
    return new Promise((resolve, reject) => this.#waiters.push({ count, resolve, reject }));
  }

  /** @internal The mock has closed: every wait still pending rejects, and so does any later one not already met. */
  close(): void {
    this.#closed = new Error("the mock was closed");
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(this.#notMet(waiter.count));
  }

  #notMet(count: number): Error {
    return new Error(
      `waitFor(${count}): the mock was closed after ${this.#answered} request${this.#answered === 1 ? "" : "s"} ended (answered, or cut off: status 0)`,
    );
  }

  /** @internal Records an arrival; the entry is completed by `answered`. */
  add(entry: JournalEntry): void {
    // Noted even when nothing is kept (journalLimit 0): waitFor still counts the answer.
    this.#generationOf.set(entry, this.#generation);
    if (this.limit === 0) return;
    this.#entries.push(entry);
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  /** @internal */
  answered(entry: JournalEntry, status: number, code?: string): void {
    if (entry.answer) return;
    entry.answer = code ? { status, code } : { status };
    if (this.#generationOf.get(entry) !== this.#generation) return; // cleared while in flight
    this.#answered++;
    const ready = this.#waiters.filter((w) => this.#answered >= w.count);
    if (ready.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => this.#answered < w.count);
    for (const waiter of ready) waiter.resolve(this.entries());
  }
}

/**
 * `bce-auth-v1/ak/timestamp/expiration/signedHeaders/<signature>`: everything but the signature
 * stays readable, and, with `hideId`, but the access key id too (one the server does not know is
 * often a secret key or session token given in its place, the keys swapped).
 */
export function redactAuthorization(text: string, hideId = false): string {
  const parts = text.split("/");
  if (parts.length !== 6 || parts[0] !== "bce-auth-v1") return "<redacted>";
  parts[5] = "<redacted>";
  if (hideId) parts[1] = "<redacted>";
  return parts.join("/");
}

/**
 * `text` with every form of the secrets (`forms`, from `secretForms`) hidden, as `hideSecrets`
 * does; and where its percent escapes, read, spell one still, shown read with it hidden.
 */
export function hideDecodedSecrets(text: string, forms: readonly string[]): string {
  const shown = hideSecrets(text, forms);
  if (forms.length === 0 || !shown.includes("%")) return shown;
  const decoded = decodeEscapes(shown);
  return forms.some((form) => decoded.includes(form)) ? hideSecrets(decoded, forms) : shown;
}

/**
 * An escape as #hideCut reads it: JSON's (`\u0065`, `\"`) and a URL's (`%65`, one byte a character,
 * as the secrets are ASCII), or one the end cuts short (`\u00`, `%6`), which reads as nothing.
 */
const ESCAPE = String.raw`\\u[0-9a-fA-F]{4}|%[0-9a-fA-F]{2}|\\[^u]|(?:\\u[0-9a-fA-F]{0,3}|%[0-9a-fA-F]?|\\)$`;
/**
 * The prime #hideCut's hashes are taken modulo: below 2^26, so that a hash times the base (or a
 * UTF-16 code unit times a power of it) stays below 2^53, exact in a double.
 */
const HASH_MODULUS = 67_108_859;
/** ESCAPE where `lastIndex` is, only there. */
const ESCAPE_AT = new RegExp(ESCAPE, "y");

/** What one escape (ESCAPE) reads as. */
function readEscape(e: string): string {
  if (/^\\u[0-9a-fA-F]{4}$/.test(e)) return String.fromCharCode(Number.parseInt(e.slice(2), 16));
  if (/^%[0-9a-fA-F]{2}$/.test(e)) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
  // `\"`, `\\` or `\/` reads as its character; an escape cut short, as nothing.
  return e.length === 2 && e[0] === "\\" && e[1] !== "u" ? e[1]! : "";
}

/**
 * `text` with each run of valid percent escapes read (as UTF-8); a stray `%`, or a run that is not
 * UTF-8, stays as it is, so one malformed escape cannot keep the rest from being read.
 */
function decodeEscapes(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // Not UTF-8 as a whole (`%FF` beside a secret's escapes): each ASCII escape read alone, as
      // the secrets are ASCII; the others stay as they are.
      return run.replace(/%[0-7][0-9a-fA-F]/g, (one) => String.fromCharCode(Number.parseInt(one.slice(1), 16)));
    }
  });
}

/**
 * Headers with the signature, any security token and other credentials redacted; and the
 * Authorization's access key id too when it is not one of `accessKeyIds` (when they are given),
 * whether the signature was checked or not (`--no-auth`): one the mock does not know is often a
 * secret given in its place.
 */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
  accessKeyIds?: ReadonlySet<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (name === "authorization")
      out[name] = redactAuthorization(text, accessKeyIds !== undefined && !accessKeyIds.has(text.split("/")[1] ?? ""));
    else if (
      name === "cookie" ||
      SECRET_KEY.test(name) ||
      // `x-api-key`, `api_key`, `proxy-authorization`, `x-authorization`, `x-auth-token`, `x-password-b64`.
      /secret|token|api[-_]?key|authorization|password/i.test(name)
    )
      out[name] = "<redacted>";
    else out[name] = text;
  }
  return out;
}

/**
 * The raw query with a presigned request's credentials redacted (BCE also takes the Authorization
 * and the security token as query parameters: the Authorization's signature, and its access key id
 * unless it is one of `accessKeyIds`, as the header's id is hidden when the mock does not know it),
 * and any parameter whose name ends in `pass`, `password`, `passwd` or `pwd`, as in a body (an encrypted one is
 * kept); everything else stays as sent.
 */
export function redactQuery(query: string, accessKeyIds: readonly string[] = []): string {
  // A name may spell a secret with escapes (admin%50ass).
  if (!/authorization|pass|pwd|secret|token|%/i.test(query)) return query;
  return query
    .split("&")
    .map((pair) => {
      const at = pair.indexOf("=");
      if (at < 0) return pair;
      let name = pair.slice(0, at);
      let value = pair.slice(at + 1);
      try {
        name = decodeURIComponent(name.replace(/\+/g, " ")).toLowerCase();
        value = decodeURIComponent(value.replace(/\+/g, " "));
      } catch {
        // Not decodable, so not readable as a name either: hidden if it may be one of ours.
        return /authorization/i.test(pair) || SECRET_ANYWHERE.test(pair) ? `${pair.slice(0, at)}=<redacted>` : pair;
      }
      let redacted: string;
      if (name === "authorization")
        redacted = redactAuthorization(value, !accessKeyIds.includes(value.split("/")[1] ?? ""));
      else if (name === "x-bce-security-token" || isSecret(name, value)) redacted = "<redacted>";
      else return pair;
      return `${pair.slice(0, at)}=${encodeURIComponent(redacted).replace(/%2F/g, "/")}`;
    })
    .join("&");
}

/**
 * A line of Prism's debug log with what the journal hides hidden too: Prism logs each request
 * header as `< \tname: value` and the body as `< Body: text`, and any message may quote a URL
 * whose query carries a presigned request's credentials.
 */
export function redactLogLine(line: string, accessKeyIds?: ReadonlySet<string>): string {
  // Prism's prefix ("< " or "> ") may come after a colour code, and "Body:" be coloured (chalk):
  // \S{0,12}? takes those codes. A header line has a tab right after the prefix, a body line never.
  const header = /^(\S{0,12}?[<>] \S{0,12}?\t)([^:]+): (.*)$/s.exec(line);
  if (header) {
    const [, lead, name, value] = header as unknown as [string, string, string, string];
    const key = name.toLowerCase();
    return `${lead}${name}: ${redactHeaders({ [key]: value }, accessKeyIds)[key]}`;
  }
  const body = /^(\S{0,12}?[<>] \S{0,12}?Body:\S* )(.*)$/s.exec(line);
  if (body) return `${body[1]}${redactBody(body[2] as string)}`;
  return line.replace(LOG_QUERY_PARAMETER, (pair, lead: string, name: string) =>
    name.toLowerCase() === "authorization" || isSecretFieldName(name) ? `${lead}${name}=<redacted>` : pair,
  );
}

/**
 * What may follow a secret's name in a form field's name: the brackets that close it or index it
 * (`creds[secretKey]`, `secretKey[]`, `creds[password][0]`), and blanks.
 */
const NAME_END = String.raw`(?:\]|\[\d*\])*\s*$`;
const PASSWORD_KEY = new RegExp(`(?:pass(?:word|wd)?|pwd)${NAME_END}`, "i");
/**
 * The end of a name that holds a secret: a password (`adminPass`, `passwd`, `pwd`), or a credential an SDK may put
 * in a body (the Java SDK's `requestCredentials`: `secretKey`, `sessionToken`).
 */
const SECRET_NAME = "(?:pass(?:word|wd)?|pwd|secret(?:[_-]?access)?(?:[_-]?key)?|(?:session|security)[_-]?token)";
const SECRET_KEY = new RegExp(`${SECRET_NAME}${NAME_END}`, "i");
const SECRET_ANYWHERE = new RegExp(SECRET_NAME, "i");
/** A query parameter in a logged URL, with the `?` or `&` before it, its name and its value. */
const LOG_QUERY_PARAMETER = /([?&])([^=&\s#"?]*)=[^&\s#"]*/g;
const CIPHERTEXT = /^(?:[0-9a-f]{32})+$/;
/** A JSON string token, or the rest of a text cut inside one (a lone backslash at the end included). */
const JSON_STRING = /"(?:[^"\\]|\\[\s\S]?)*(?:"|$)/g;
const COLON = /\s*:\s*/y;

/**
 * Whether a form field or query parameter name (percent-encoded, `+` for a space) names a secret,
 * as a property of that name does. One that cannot be decoded is taken for one if it mentions a secret.
 */
function isSecretFieldName(name: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return SECRET_ANYWHERE.test(name);
  }
  return SECRET_KEY.test(decoded);
}

/** A form body (or any text) with the value of each `name=value` pair whose name names a secret redacted. */
function redactForm(text: string): string {
  return text
    .split("&")
    .map((pair) => {
      const at = pair.indexOf("=");
      return at >= 0 && isSecretFieldName(pair.slice(0, at)) ? `${pair.slice(0, at + 1)}<redacted>` : pair;
    })
    .join("&");
}

/**
 * Whether a property with this name and value holds a secret to hide (an encrypted password,
 * lowercase hex, is kept where `keepCiphertext`).
 */
const isSecret = (key: string, value: unknown, keepCiphertext = false) =>
  SECRET_KEY.test(key) &&
  value !== null &&
  !(keepCiphertext && PASSWORD_KEY.test(key) && typeof value === "string" && CIPHERTEXT.test(value));

/**
 * The body with plaintext passwords redacted: the value of every property whose name ends in
 * `pass`, `password`, `passwd` or `pwd`, whatever its type, except, where `keepCiphertext` (a body
 * of an operation whose spec encrypts a password: `x-bce-transform: encryptAdminPass`), an
 * encrypted one. Elsewhere a password is redacted whatever it looks like (a BEC password of 32
 * lowercase hex digits is plaintext). A JSON body is redacted by its
 * structure; text that does not parse (cut at 64 KiB, malformed, too deeply nested to serialize
 * again) by reading its JSON strings in one pass; a form body (urlencoded or multipart) by its field names.
 */
export function redactBody(text: string, keepCiphertext = false): string {
  // A key may spell "pass" with an escape (\u0070ass).
  if (!/pass|pwd|secret|token|\\u|%/i.test(text)) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (/^\s*[[{"]/.test(text)) return redactLoose(redactJsonText(text, keepCiphertext), keepCiphertext);
    // A form body, a multipart one, or JSON after something that is not (such as `)]}'`): each is looked for.
    return redactLoose(redactForm(redactJsonText(redactMultipart(text), keepCiphertext)), keepCiphertext);
  }
  let changed = false;
  try {
    const redacted = JSON.stringify(value, (key, v: unknown) => {
      if (!isSecret(key, v, keepCiphertext)) return v;
      changed = true;
      return "<redacted>";
    });
    return changed ? redacted : text;
  } catch {
    // Nested deeper than the stack allows for a second serialization.
    return redactJsonText(text, keepCiphertext);
  }
}

/**
 * A secret's name in text of no format the mock reads (a Python dict's `'adminPass': 'x'`, YAML's
 * `adminPass: x`, `adminPass = x`, XML's `<adminPass>x`), quoted or not, its separator, and its
 * value: a quoted string, or what follows up to the line's end or a `,` `;` `&` `}` `]` `<`. No
 * part can match the same text two ways (no backtracking over a long body).
 */
const LOOSE_SECRET = new RegExp(
  String.raw`(${SECRET_NAME}(?:\]|\[\d*\])*["']?(?:\s*[:=]\s*|>))("(?:[^"\\\r\n]|\\.)*"?|'(?:[^'\\\r\n]|\\.)*'?|[^\r\n,;&}\]<]*)`,
  "gi",
);

/** Text of no known format with the value after each secret's name redacted (an encrypted password kept). */
function redactLoose(text: string, keepCiphertext: boolean): string {
  return text.replace(LOOSE_SECRET, (match, head: string, value: string) => {
    const bare = value.replace(/^(["'])([\s\S]*?)\1?$/, "$2").trim();
    if (bare === "" || bare === "<redacted>") return match;
    if (keepCiphertext && PASSWORD_KEY.test(head.replace(/["']?(?:\s*[:=]\s*|>)$/, "")) && CIPHERTEXT.test(bare))
      return match;
    const quote = /^["']/.exec(value)?.[0] ?? "";
    return `${head}${quote}<redacted>${quote && value.length > 1 && value.endsWith(quote) ? quote : ""}`;
  });
}

/** A multipart part's `name` parameter, quoted or not, or its extended form (`name*=UTF-8''...`). */
const MULTIPART_NAME = /(?:^|[;\s])name(\*?)=(?:"([^"\r\n]*)"|([^"\s;]*))/gim;

/** Whether a multipart part's head names a secret field (`passport` does not). */
function isSecretPart(head: string): boolean {
  for (const [, extended, quoted, bare] of head.matchAll(MULTIPART_NAME)) {
    const name = quoted ?? bare ?? "";
    // An extended name is percent-encoded after its charset and language (RFC 8187); a plain one is as written.
    if (extended ? isSecretFieldName(name.replace(/^[^']*'[^']*'/, "")) : SECRET_KEY.test(name)) return true;
  }
  return false;
}

/**
 * A multipart body (its boundary is its first `--` line) with the value of each password part
 * redacted, up to the line break before the next boundary, or to the end of a body cut short.
 * Linear: the body is split on the boundary itself.
 */
function redactMultipart(text: string): string {
  // The first line that starts with `--` and has more, without its trailing blanks (at least one
  // character kept). Read without a regex that backtracks over the blanks: /([^\r\n]+?)[ \t]*$/
  // took seconds on a 64 KiB line of spaces.
  const line = /^--([^\r\n]+)/m.exec(text)?.[1];
  if (line === undefined) return text;
  let end = line.length;
  while (end > 1 && (line[end - 1] === " " || line[end - 1] === "\t")) end--;
  const boundary = line.slice(0, end);
  return text
    .split(`--${boundary}`)
    .map((part) => {
      const blank = /\r?\n\r?\n/.exec(part);
      if (!blank || !isSecretPart(part.slice(0, blank.index))) return part;
      const next = /\r?\n$/.exec(part)?.[0] ?? ""; // the line break that belongs to the next boundary
      return `${part.slice(0, blank.index + blank[0].length)}<redacted>${next}`;
    })
    .join(`--${boundary}`);
}

/** redactBody for JSON text that cannot be parsed and serialized again; linear in its length. */
function redactJsonText(text: string, keepCiphertext: boolean): string {
  let out = "";
  let copied = 0;
  let valueAt = -1; // where the string value of a secret's key starts
  let password = false; // whether that key names a password (whose ciphertext is kept)
  for (const match of text.matchAll(JSON_STRING)) {
    const token = match[0];
    const start = match.index;
    const complete = token.length > 1 && token.endsWith('"');
    if (start === valueAt) {
      if (!(keepCiphertext && complete && password && CIPHERTEXT.test(token.slice(1, -1)))) {
        out += `${text.slice(copied, start)}"<redacted>"`;
        copied = start + token.length;
      }
      valueAt = -1;
      continue;
    }
    if (!complete) continue;
    COLON.lastIndex = start + token.length;
    if (!COLON.test(text)) continue; // not a property name
    let key = token;
    try {
      key = JSON.parse(token) as string;
    } catch {}
    if (!SECRET_KEY.test(key)) continue;
    password = PASSWORD_KEY.test(key);
    const at = COLON.lastIndex;
    if (text[at] === '"') valueAt = at;
    else if (at < text.length && !text.startsWith("null", at)) {
      // Not a string (an array, an object, a number): everything from here on is left out.
      return `${out}${text.slice(copied, at)}"<redacted>"`;
    }
  }
  return out + text.slice(copied);
}
