import { buildCanonicalRequest, formatBceDate, normalizeHeaders, type CanonicalRequestInput } from './canonical.js';
import { formatAuthorization } from './authorization.js';
import { authStringPrefix, signCanonicalRequestSync } from './hmac.js';
// The package's one Credentials type; its sessionToken is sent (and signed) as x-bce-security-token.
import type { Credentials } from '../credentials.js';

export interface SignOptions {
  /** Signing time (a number is milliseconds since the epoch). Default: now. */
  timestamp?: Date | number;
  /** Validity of the signature. Default 1800, as in the official SDKs. */
  expirationInSeconds?: number;
  /**
   * Headers to sign. Default: host, content-length, content-type, content-md5 and every
   * `x-bce-*` header present. `host` (and the session token header) are always added.
   */
  headersToSign?: readonly string[];
}

export interface SignableRequest {
  method: string;
  /** Absolute URL; its path, query and host (when there is no Host header) are signed. */
  url: string | URL;
  headers?: Record<string, string | number | undefined> | Headers;
}

/** The headers to add to the request. */
export interface SignedHeaders {
  authorization: string;
  'x-bce-date': string;
  'x-bce-security-token'?: string;
}

export const DEFAULT_EXPIRATION_SECONDS = 1800;

export interface AuthorizationInput extends CanonicalRequestInput {
  accessKeyId: string;
  secretAccessKey: string;
  /** `YYYY-MM-DDThh:mm:ssZ`, a Date, or milliseconds since the epoch. */
  timestamp: string | Date | number;
  expirationInSeconds?: number;
}

export interface AuthorizationResult {
  /** The full header value, signedHeaders listed. */
  authorization: string;
  signature: string;
  signedHeaders: string[];
}

/**
 * Signs exactly the request described (adds no header): the step the SDKs call
 * generateAuthorization. `signRequest` builds on it.
 */
export async function buildAuthorization(input: AuthorizationInput): Promise<AuthorizationResult> {
  return buildAuthorizationSync(input);
}

/** `buildAuthorization`, synchronously (HMAC-SHA256 runs on @noble/hashes). */
export function buildAuthorizationSync(input: AuthorizationInput): AuthorizationResult {
  assertKeys(input.accessKeyId, input.secretAccessKey);
  const timestamp = typeof input.timestamp === 'string' ? input.timestamp : formatBceDate(input.timestamp);
  const expirationInSeconds = input.expirationInSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (!Number.isSafeInteger(expirationInSeconds) || expirationInSeconds <= 0) {
    throw new RangeError('expirationInSeconds must be a positive integer');
  }
  const { canonicalRequest, signedHeaders } = buildCanonicalRequest(input);
  const prefix = authStringPrefix(input.accessKeyId, timestamp, expirationInSeconds);
  const signature = signCanonicalRequestSync(input.secretAccessKey, prefix, canonicalRequest);
  const authorization = formatAuthorization({
    accessKeyId: input.accessKeyId,
    timestamp,
    expirationInSeconds,
    signedHeaders,
    signature,
  });
  return { authorization, signature, signedHeaders };
}

/**
 * Signs a request with bce-auth-v1 and returns the headers to add (`authorization`,
 * `x-bce-date`, and `x-bce-security-token` for STS credentials). Needs no Node API.
 */
export async function signRequest(
  request: SignableRequest,
  credentials: Credentials,
  options: SignOptions = {},
): Promise<SignedHeaders> {
  return signRequestSync(request, credentials, options);
}

/** `signRequest`, synchronously: what the transport signs every attempt with. */
export function signRequestSync(request: SignableRequest, credentials: Credentials, options: SignOptions = {}): SignedHeaders {
  assertKeys(credentials?.accessKeyId, credentials?.secretAccessKey);
  const url = toUrl(request.url);
  const headers = normalizeHeaders(request.headers);
  // fetch sets Host itself, so it is usually absent here; URL.host keeps only a non-default port.
  if (!headers.has('host')) headers.set('host', url.host);

  const date = formatBceDate(options.timestamp ?? Date.now());
  headers.set('x-bce-date', date);
  const result: SignedHeaders = { authorization: '', 'x-bce-date': date };

  const token = credentials.sessionToken;
  if (token !== undefined && token !== '') {
    headers.set('x-bce-security-token', token);
    result['x-bce-security-token'] = token;
  }

  let headersToSign = options.headersToSign;
  if (headersToSign && headersToSign.length > 0) {
    // A verifier needs host, and a session token must be covered by the signature.
    headersToSign = [...headersToSign, 'host', ...(result['x-bce-security-token'] ? ['x-bce-security-token'] : [])];
  }

  const { authorization } = buildAuthorizationSync({
    method: request.method,
    path: url.pathname,
    query: url.search,
    headers,
    headersToSign,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    timestamp: date,
    expirationInSeconds: options.expirationInSeconds,
  });
  result.authorization = authorization;
  return result;
}

function toUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    throw new TypeError('request.url must be an absolute URL');
  }
}

function assertKeys(accessKeyId: unknown, secretAccessKey: unknown): void {
  if (typeof accessKeyId !== 'string' || !/^[^/\s]+$/.test(accessKeyId)) {
    throw new TypeError('accessKeyId must be a non-empty string without "/" or whitespace');
  }
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '') {
    throw new TypeError('secretAccessKey must be a non-empty string');
  }
}
