import { unescapeUnreserved } from "./operations.js";

/**
 * The shape of a scripted error answer: BCE's common body `{ requestId, code, message }` (`bce`),
 * or one of the two forms of BEC's error chapter (https://cloud.baidu.com/doc/BEC/s/5k4106ncs):
 * its platform's body `{ code, msg, data }` (`bec-platform`), or its gateway's `X-Bce-Error-Code`
 * and `X-Bce-Error-Message` headers with no body (`bec-gateway`).
 */
export type ErrorForm = "bce" | "bec-platform" | "bec-gateway";
const ERROR_FORMS: readonly ErrorForm[] = ["bce", "bec-platform", "bec-gateway"];

/**
 * One scripted answer. With none of `status`, `drop`, `truncate`, `hang` the request is answered
 * as usual (after `delayMs`, if given): `[{ status: 503 }, { status: 503 }, {}]` is "503, 503, then
 * the normal answer".
 */
export interface FaultStep {
  /**
   * Answer with this status: from 400, with a BCE error body; below it (a 2xx or 3xx the service
   * might send), with an empty body. Either way the request does not take effect.
   */
  status?: number | undefined;
  /** The BCE error code with `status`. Default: the usual code for the status (503 ServiceUnavailable, ...). */
  code?: string | undefined;
  /** Default: the spec's example message for the code, if it has one. */
  message?: string | undefined;
  /**
   * With `status`: a `Retry-After` header on the answer, in seconds (an integer from 0) or as an
   * HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`), as a throttled or unavailable service sends it.
   */
  retryAfter?: number | string | undefined;
  /** With an error `status`: the shape of the error answer. Default `bce`. */
  form?: ErrorForm | undefined;
  /** Wait this long before answering (or before dropping the connection). */
  delayMs?: number | undefined;
  /** Close the connection without answering. The request does not take effect. */
  drop?: boolean | undefined;
  /** Answer as usual (the request takes effect) but close the connection halfway through the body. */
  truncate?: boolean | undefined;
  /** Never answer: the request waits until the client gives up or the mock closes. */
  hang?: boolean | undefined;
}

/** Which requests a script applies to: an operationId, or an exact path (starts with `/`). */
export type FaultTarget = string | { operationId: string } | { path: string };

/**
 * The code scripted for a status when the step names none: for a status the spec's examples give
 * codes for, one of them (test/bundle.test.ts holds it so), but 404, which stands for a missing
 * resource of either operation as the mock's own 404 does (the spec's 404 codes are BCC's unknown
 * version and BEC's NoSuchObject); for the others, the status's name.
 */
export const DEFAULT_CODES: Record<number, string> = {
  400: "InvalidHTTPRequest",
  403: "AccessDenied",
  404: "NotFound",
  409: "Conflict",
  412: "PreconditionFailed",
  429: "TooManyRequests",
  500: "InternalError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

const STEP_KEYS = new Set(["status", "code", "message", "retryAfter", "form", "delayMs", "drop", "truncate", "hang"]);
/** An HTTP date as RFC 9110 (section 5.6.7) writes it: IMF-fixdate. */
const HTTP_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const MAX_DELAY_MS = 2_147_483_647; // setTimeout's limit

/** Throws a TypeError naming what is wrong with a step. */
export function checkStep(step: unknown, where: string): FaultStep {
  if (!step || typeof step !== "object" || Array.isArray(step)) throw new TypeError(`${where} must be an object`);
  const s = step as Record<string, unknown>;
  for (const key of Object.keys(s))
    if (!STEP_KEYS.has(key))
      throw new TypeError(`${where}.${key} is not a fault step field (${[...STEP_KEYS].join(", ")})`);
  if (
    s.status !== undefined &&
    !(Number.isInteger(s.status) && (s.status as number) >= 200 && (s.status as number) <= 599)
  ) {
    throw new TypeError(`${where}.status must be an integer from 200 to 599`);
  }
  // A code as BCE's are, and as an authenticate step's must be: a token (AccessDenied, not "Access Denied").
  if (s.code !== undefined && !(typeof s.code === "string" && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(s.code)))
    throw new TypeError(
      `${where}.code must be a non-empty token such as ServiceUnavailable (letters, digits, no spaces)`,
    );
  if (s.message !== undefined && !(typeof s.message === "string" && /^[\x20-\x7e]*$/.test(s.message)))
    throw new TypeError(`${where}.message must be a printable ASCII string`);
  if (
    s.retryAfter !== undefined &&
    !(Number.isSafeInteger(s.retryAfter) && (s.retryAfter as number) >= 0) &&
    !(typeof s.retryAfter === "string" && HTTP_DATE.test(s.retryAfter))
  )
    throw new TypeError(
      `${where}.retryAfter must be a number of seconds (an integer from 0) or an HTTP date such as "Wed, 21 Oct 2015 07:28:00 GMT"`,
    );
  if (s.retryAfter !== undefined && s.status === undefined) throw new TypeError(`${where}: retryAfter needs a status`);
  if (s.form !== undefined && !ERROR_FORMS.includes(s.form as ErrorForm))
    throw new TypeError(`${where}.form must be one of ${ERROR_FORMS.join(", ")}`);
  if (s.code !== undefined || s.message !== undefined || s.form !== undefined) {
    if (s.status === undefined) throw new TypeError(`${where}: code, message and form need a status`);
    if ((s.status as number) < 400)
      throw new TypeError(`${where}: code, message and form go with an error status (400 to 599), not ${s.status}`);
  }
  if (
    s.delayMs !== undefined &&
    !(typeof s.delayMs === "number" && Number.isInteger(s.delayMs) && s.delayMs >= 0 && s.delayMs <= MAX_DELAY_MS)
  ) {
    throw new TypeError(`${where}.delayMs must be an integer number of milliseconds from 0 to ${MAX_DELAY_MS}`);
  }
  for (const key of ["drop", "truncate", "hang"]) {
    if (s[key] !== undefined && typeof s[key] !== "boolean") throw new TypeError(`${where}.${key} must be a boolean`);
  }
  const kinds = ["status", "drop", "truncate", "hang"].filter((key) => s[key] !== undefined && s[key] !== false);
  if (kinds.length > 1)
    throw new TypeError(`${where}: choose one of status, drop, truncate, hang (got ${kinds.join(", ")})`);
  if (s.hang && s.delayMs !== undefined)
    throw new TypeError(`${where}: hang waits forever; delayMs makes no sense with it`);
  return { ...(s as FaultStep) };
}

export function describeStep(step: FaultStep): string {
  const delay = step.delayMs ? `delay ${step.delayMs} ms` : "";
  const kind =
    step.status !== undefined
      ? `status ${step.status} ${step.code ?? DEFAULT_CODES[step.status] ?? ""}`.trim() +
        (step.retryAfter === undefined ? "" : `, Retry-After ${step.retryAfter}`) +
        (step.form === undefined || step.form === "bce" ? "" : `, as ${step.form}`)
      : step.drop
        ? "drop"
        : step.truncate
          ? "truncate"
          : step.hang
            ? "hang"
            : "";
  return [delay, kind].filter(Boolean).join(", then ") || "pass";
}

/** Queues of scripted steps, per operation and per path. A path script wins over an operation script. */
export class FaultScripts {
  #queues = new Map<string, FaultStep[]>();
  readonly #knownOperation: (operationId: string) => boolean;
  readonly #operationIds: () => string[];
  readonly #served: (path: string) => boolean;
  readonly #templates: readonly string[];

  /**
   * `served` tells whether an operation of the spec serves a (raw) path, whose `templates` are
   * named when it does not: a script for a path no request is answered at (a typo, a trailing
   * space) would wait unused.
   */
  constructor(operationIds: string[], served: (path: string) => boolean, templates: string[]) {
    const known = new Set(operationIds);
    this.#knownOperation = (id) => known.has(id);
    this.#operationIds = () => [...known];
    this.#served = served;
    this.#templates = [...new Set(templates)];
  }

  /**
   * Queues steps for the next requests to `target`, after any already queued. Each request that
   * passes authentication takes the next step; once the queue is empty requests are answered as usual.
   * Several steps go in one array; steps given as more arguments are refused.
   */
  enqueue(target: FaultTarget, steps: FaultStep | FaultStep[], ...more: never[]): void {
    // Steps after the first as arguments of their own would be dropped silently, and the test would
    // script fewer faults than it reads as scripting.
    if (more.length > 0)
      throw new TypeError(
        `faults.enqueue takes the steps as one array, enqueue(target, [step, step]); got ${2 + more.length} arguments`,
      );
    const key = this.#key(target);
    const list = (Array.isArray(steps) ? steps : [steps]).map((step, i) => checkStep(step, `steps[${i}]`));
    if (list.length === 0) throw new TypeError("steps must not be empty");
    this.#queues.set(key, [...(this.#queues.get(key) ?? []), ...list]);
  }

  /** The steps still queued, by target (`operation:<id>` or `path:<path>`). */
  pending(): Record<string, FaultStep[]> {
    return Object.fromEntries(
      [...this.#queues].filter(([, steps]) => steps.length > 0).map(([key, steps]) => [key, structuredClone(steps)]),
    );
  }

  clear(): void {
    this.#queues.clear();
  }

  /** @internal The next step for a request, removed from its queue. */
  take(operationId: string | undefined, path: string): FaultStep | undefined {
    for (const key of [`path:${path}`, operationId && `operation:${operationId}`]) {
      if (!key) continue;
      const queue = this.#queues.get(key);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  #key(target: FaultTarget): string {
    // Read below as an object: undefined or null would fail there with a TypeError about property access.
    if (typeof target !== "string" && (typeof target !== "object" || target === null)) {
      throw new TypeError(
        `fault target must be an operationId of the spec (${this.#operationIds().join(", ")}), a path starting with /, { operationId } or { path }; got ${target === null ? "null" : typeof target}`,
      );
    }
    const { operationId, path } =
      typeof target === "string"
        ? target.startsWith("/")
          ? { path: target, operationId: undefined }
          : { operationId: target, path: undefined }
        : { operationId: (target as { operationId?: string }).operationId, path: (target as { path?: string }).path };
    if (typeof path === "string" && path.startsWith("/")) {
      // Requests are matched on their path alone: a query or fragment would never match.
      if (/[?#]/.test(path))
        throw new TypeError(
          `fault target ${JSON.stringify(path)}: a path target is matched against the path alone; leave out the query (${path.replace(/[?#].*$/, "")})`,
        );
      // A request's path is sent percent-encoded: a space or any other character outside RFC 3986's is never in one.
      const stray = /[^\w\-.~!$&'()*+,;=:@%/]/.exec(path);
      if (stray)
        throw new TypeError(
          `fault target ${JSON.stringify(path)}: no request's path holds ${JSON.stringify(stray[0])}; write it percent-encoded, as the request sends it`,
        );
      if (!this.#served(path))
        throw new TypeError(
          `fault target ${JSON.stringify(path)}: no operation of the spec serves this path (its paths: ${this.#templates.join(", ")})`,
        );
      // As requests are matched: `vm%2D1` and `vm-1` are one path.
      return `path:${unescapeUnreserved(path)}`;
    }
    if (typeof operationId === "string" && this.#knownOperation(operationId)) return `operation:${operationId}`;
    throw new TypeError(
      `fault target must be an operationId of the spec (${this.#operationIds().join(", ")}) or a path starting with /; got ${JSON.stringify(target)}`,
    );
  }
}
