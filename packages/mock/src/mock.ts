import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type IPrismDiagnostic } from '@stoplight/prism-core';
import {
  createInstance,
  getHttpOperationsFromSpec,
  type IHttpConfig,
  type IHttpRequest,
  type IHttpResponse,
  type PrismHttpInstance,
} from '@stoplight/prism-http';
import { verifyRequest } from '@bce-openapi/core';
import { allowAll, resolveCredentials, signatureAuthenticator, type Authenticate, type Credential } from './auth.js';
import { validateInput } from './empty-query.js';
import { asciiSafe, REQUEST_ID_HEADER, sendError } from './errors.js';
import { defaultSpecPath } from './spec.js';

export type LogLevel = 'silent' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface MockOptions {
  /** 0 picks a free port. Default 0 (the CLI defaults to 4010). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Path of an OpenAPI document. Default: the bundle of @bce-openapi/spec. */
  spec?: string;
  /** Prism's own log output (pino, to stdout). Default 'silent'. */
  logLevel?: LogLevel;
  /** Accepted key pairs. Default: BCE_MOCK_ACCESS_KEY_ID / BCE_MOCK_SECRET_ACCESS_KEY, else DEFAULT_CREDENTIALS. */
  credentials?: Credential[];
  /**
   * Verify bce-auth-v1 signatures as BCE does. Default true: the mock answers an unsigned or
   * badly signed request with the error the real service gives.
   */
  auth?: boolean;
  /** The mock's clock in milliseconds since the epoch, for signature expiry. Default `Date.now`. */
  now?: () => number;
  /** Replaces the built-in authentication step (wins over `auth`). */
  authenticate?: Authenticate;
}

export interface MockServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024; // Prism's own server limit
const DIAGNOSTIC_ERROR = 0; // DiagnosticSeverity.Error in @stoplight/types

function prismConfig(): IHttpConfig {
  // A fresh object per request: Prism's mocker writes the Accept header into `config.mock`.
  return {
    mock: { dynamic: false },
    validateRequest: true,
    // Responses are the spec's own examples; checking them is the spec linter's job, not the mock's.
    validateResponse: false,
    checkSecurity: false, // Prism cannot check bce-auth-v1; `authenticate` does
    errors: false,
    upstreamProxy: undefined,
    isProxy: false,
  };
}

export async function startMock(options: MockOptions = {}): Promise<MockServer> {
  const operations = await getHttpOperationsFromSpec(options.spec ?? defaultSpecPath());
  const logger = createLogger('BCE-MOCK', { level: options.logLevel ?? 'silent' });
  const prism = createInstance(prismConfig(), { logger, validateInput });
  const authenticate =
    options.authenticate ??
    (options.auth === false
      ? allowAll
      : signatureAuthenticator(resolveCredentials(options.credentials), verifyRequest, options.now ?? Date.now));

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    handle(req, res, requestId, { prism, operations, authenticate }).catch((error: unknown) => {
      // Last resort, so that no request is ever left hanging.
      if (!res.headersSent) sendError(res, requestId, 500, 'InternalError', String(error));
      else res.destroy();
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(error => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
      }),
  };
}

interface Context {
  prism: PrismHttpInstance;
  operations: Awaited<ReturnType<typeof getHttpOperationsFromSpec>>;
  authenticate: Authenticate;
}

async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, ctx: Context): Promise<void> {
  // BCE sends the request id on every response, success or error.
  res.setHeader(REQUEST_ID_HEADER, requestId);

  const rawBody = await readBody(req);
  if (!rawBody) {
    res.setHeader('connection', 'close');
    return sendError(res, requestId, 413, 'EntityTooLarge', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  }

  const auth = await ctx.authenticate(req, rawBody);
  if (!auth.ok) return sendError(res, requestId, auth.status, auth.code, auth.message);

  let body: unknown;
  try {
    body = parseBody(req, rawBody);
  } catch (error) {
    return sendError(res, requestId, 400, 'MalformedJSON', `The request body is not valid JSON: ${(error as Error).message}`);
  }

  // Mirror prism-http-server: no baseUrl, so Prism routes on the path alone and ignores the
  // spec's (path-level, per-API) servers. The mock answers whatever Host it is reached by.
  const url = new URL(req.url ?? '/', 'http://mock.invalid');
  const input: IHttpRequest = {
    method: (req.method ?? 'GET').toLowerCase() as IHttpRequest['method'],
    url: { path: url.pathname, query: queryToNameValues(url.searchParams) },
    headers: flattenHeaders(req),
    body,
  };

  const result = await ctx.prism.request(input, ctx.operations, prismConfig())();
  const violations = inputViolations(result);
  if (violations.length > 0) {
    // An unknown `/v{version}` is what BCE reports as InvalidVersion (404); anything else is a bad request.
    const badVersion = violations.some(v => v.path?.[0] === 'path' && v.path[1] === 'version');
    return badVersion
      ? sendError(res, requestId, 404, 'InvalidVersion', describe(violations))
      : sendError(res, requestId, 400, 'InvalidHTTPRequest', describe(violations));
  }
  if (result._tag === 'Left') {
    const { status = 500, detail } = result.left as PrismError;
    const [code, httpStatus] = routeErrorCode(status);
    return sendError(res, requestId, httpStatus, code, detail || result.left.message);
  }
  return sendOutput(res, requestId, result.right.output);
}

type PrismResult = Awaited<ReturnType<ReturnType<PrismHttpInstance['request']>>>;
type PrismError = Error & {
  status?: number;
  detail?: string;
  additional?: { validation?: { location?: string[]; severity: string; message: string }[] };
};
type Violation = Pick<IPrismDiagnostic, 'path' | 'message'>;

/**
 * The request's validation errors. Prism reports them in the output when the operation
 * declares a 400/422 response, and as a 422 problem (severity names, `location`) when it does not.
 */
function inputViolations(result: PrismResult): Violation[] {
  if (result._tag === 'Right') return result.right.validations.input.filter(v => v.severity === DIAGNOSTIC_ERROR);
  const { status, additional } = result.left as PrismError;
  if (status !== 422) return [];
  return (additional?.validation ?? [])
    .filter(v => v.severity === 'Error')
    .map(v => ({ path: v.location, message: v.message }));
}

/** Prism's routing/mocking failures, as BCE error codes. */
function routeErrorCode(status: number): [code: string, status: number] {
  if (status === 404) return ['NotFound', 404];
  if (status === 405) return ['MethodNotAllowed', 405];
  if (status === 406) return ['NotAcceptable', 406];
  if (status === 415) return ['InvalidHTTPRequest', 400]; // unsupported content-type
  if (status < 500) return ['InvalidHTTPRequest', status];
  return ['InternalError', 500];
}

/** "query.rebuild: Request query parameter rebuild must be ...; body: ..." */
function describe(violations: Violation[]): string {
  return violations
    .map(v => {
      // Prism lists enum values bare, which makes `enum: [""]` read as "allowed values: ".
      const message = v.message.replace(/allowed values: $/, 'allowed values: "" (empty)');
      return v.path?.length ? `${v.path.join('.')}: ${message}` : message;
    })
    .join('; ');
}

function sendOutput(res: ServerResponse, requestId: string, output: IHttpResponse): void {
  for (const [name, value] of Object.entries(output.headers ?? {})) {
    if (value === null || value === undefined || name.toLowerCase() === REQUEST_ID_HEADER) continue;
    res.setHeader(name, asciiSafe(String(value)));
  }
  let body = output.body;
  // An example body carrying a requestId gets this response's id, so body and header agree.
  if (body && typeof body === 'object' && !Array.isArray(body) && 'requestId' in body) {
    body = { ...body, requestId };
  }
  const payload = body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.writeHead(output.statusCode);
  res.end(payload);
}

/** The raw body, or undefined when it is over the limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Past the limit keep reading but stop storing: leaving the loop would destroy the socket
  // before the 413 could be sent.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined;
}

/** JSON for JSON media types (throws when malformed), text otherwise, undefined when empty. */
function parseBody(req: IncomingMessage, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json') ? JSON.parse(text) : text;
}

function queryToNameValues(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
