import createClient, { type Client } from "openapi-fetch";
import { credentialsResolver, type Credentials, type CredentialsInput } from "./credentials.js";
import { BceResponseError, BceValidationError } from "./errors.js";
import { serviceErrorFromResponse } from "./service-error.js";
import type { SigningOptions } from "./signed-fetch.js";
import { BufferedRequest, Transport, type CallContext, type RetryOptions } from "./transport.js";

/** Options both clients take. */
export interface BceClientOptions {
  /**
   * Base URL of the service, such as a mock's URL. Defaults to the service's endpoint from the spec.
   * Must be an absolute http(s) URL.
   */
  endpoint?: string | URL;
  /**
   * Access keys, or a provider called once per call (for rotating STS credentials). Default: the
   * environment variables BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY and BCE_SESSION_TOKEN.
   */
  credentials?: CredentialsInput;
  /** fetch to send with; defaults to the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Signature lifetime, headers to sign, and the clock. */
  signing?: SigningOptions;
  /** Time one attempt may take, answer body included. Default 30 000 ms; a call can override it. */
  timeoutMs?: number;
  /** Retry limits and policy; a call can override them. */
  retry?: RetryOptions;
  /** Largest answer body read. Default 4 MiB. */
  maxResponseBytes?: number;
}

/** What a client is built on: the typed openapi-fetch client and the transport its calls go through. */
export interface ServiceClient<Paths extends {}> {
  /** Typed openapi-fetch client; its requests are signed and retried where that is safe. */
  readonly raw: Client<Paths>;
  /** Credentials for one logical call: every attempt of the call is signed with the same keys. */
  credentials(): Promise<Credentials>;
  /** A fetch for one logical call, for openapi-fetch's per-request `fetch` option. */
  fetchFor(call: CallContext): (request: Request) => Promise<Response>;
  /**
   * openapi-fetch per-request options (`fetch` and `Request`) for one logical call of the
   * clients' own methods: the request is built once, when sent, and the answer's `response`
   * offers status, headers and `text()` only (so call with `parseAs: "text"`).
   */
  callOptions(call: CallContext): { fetch: (request: Request) => Promise<Response>; Request: typeof Request };
}

/** Shared plumbing: a typed openapi-fetch client whose every request goes through the BCE transport. */
export function createServiceClient<Paths extends {}>(options: BceClientOptions, defaultEndpoint: string): ServiceClient<Paths> {
  const baseUrl = checkEndpoint(options.endpoint ?? defaultEndpoint);
  checkTimeout("timeoutMs", options.timeoutMs);
  const transport = new Transport({
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signing ? { signing: options.signing } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  // Resolved per call: a client can be made before the environment holds its keys, and a
  // provider of rotating STS keys is asked each time.
  const credentials = credentialsResolver(options.credentials);
  const raw = createClient<Paths>({
    baseUrl,
    // Calls made on `raw` directly are treated as not idempotent: retried only where safe for any request.
    fetch: async (request) => transport.send(request, { credentials: await credentials(), idempotent: false }),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  return {
    raw,
    credentials,
    fetchFor: (call) => transport.fetchFor(call),
    callOptions: (call) => ({ fetch: transport.fetchFor(call), Request: BufferedRequest as unknown as typeof Request }),
  };
}

/** Refuse a call option that is not a usable timeout. */
export function checkTimeout(field: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new BceValidationError(field, "range", "must be a positive number of milliseconds");
  }
}

/** What openapi-fetch gives back for a call. */
interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The body of a successful answer, parsed; a BceServiceError for an error answer; a
 * BceResponseError for a success body that is not JSON.
 */
export function unwrap(result: RawResult): unknown {
  const { response } = result;
  if (!response.ok) {
    const { error } = result;
    const text = error === undefined ? "" : typeof error === "string" ? error : JSON.stringify(error);
    throw serviceErrorFromResponse(response, text);
  }
  // Called with parseAs "text", so a body that is not JSON is reported here, not thrown as a SyntaxError.
  const text = typeof result.data === "string" ? result.data : "";
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BceResponseError({
      status: response.status,
      requestId: requestIdOf(response),
      problems: ["body: is not valid JSON"],
    });
  }
}

/** The request id BCE puts on every answer. */
export function requestIdOf(response: Response): string {
  return response.headers.get("x-bce-request-id") ?? "";
}

function checkEndpoint(endpoint: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(endpoint));
  } catch {
    throw new BceValidationError("endpoint", "format", "must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new BceValidationError("endpoint", "format", `must use http or https, not ${url.protocol}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new BceValidationError("endpoint", "format", "must not hold a query, fragment or user info");
  }
  return url.href.replace(/\/+$/, "");
}

/** The parts of a JSON Schema a path parameter uses. */
export interface StringParameterSchema {
  readonly type?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

/**
 * Check a path parameter against its schema from the spec before it is put in a URL, so a value
 * such as "../x" or "a/b" is refused instead of reaching another path.
 */
export function checkPathParameter(field: string, value: unknown, schema: StringParameterSchema): string {
  if (typeof value !== "string") throw new BceValidationError(field, "type", "must be a string");
  if (value.trim() === "") throw new BceValidationError(field, "minLength", "must not be empty or blank");
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    throw new BceValidationError(field, "minLength", `must be at least ${schema.minLength} characters`);
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    throw new BceValidationError(field, "maxLength", `must be at most ${schema.maxLength} characters`);
  }
  if (schema.enum && !schema.enum.includes(value)) {
    throw new BceValidationError(field, "enum", `must be one of ${schema.enum.join(", ")}`);
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
    throw new BceValidationError(field, "pattern", `must match ${schema.pattern}`);
  }
  return value;
}

/** A server entry as the spec lists it (`servers` in the generated service module). */
export interface ServerTemplate {
  readonly url: string;
  readonly variables: { readonly [name: string]: { readonly default: string; readonly enum?: readonly string[] } };
}

/** Fill a server URL template's variables, refusing values the spec does not list. */
export function serverUrl(server: ServerTemplate, values: Record<string, string | undefined> = {}): string {
  return server.url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const variable = server.variables[name];
    if (!variable) throw new BceValidationError(name, "server", `the server URL has no variable ${name}`);
    const value = values[name] ?? variable.default;
    if (variable.enum && !variable.enum.includes(value)) {
      throw new BceValidationError(name, "enum", `must be one of ${variable.enum.join(", ")}; got ${JSON.stringify(value)}`);
    }
    return value;
  });
}
