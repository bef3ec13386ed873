// The bce-auth-v1 request signer as it was before the signing path was slimmed down
// (src/signing/sign.ts and src/signed-fetch.ts of that time, on the canonicalization of that
// time, ./canonical-before-slimming.ts, and on node:crypto's createHmac, with no signing-key
// cache), kept as the oracle of
// test/signing-oracle.test.ts. Not shipped; do not edit.
import { createHmac } from "node:crypto";
import {
  buildCanonicalRequest,
  formatBceDate,
  normalizeHeaders,
  type CanonicalRequestInput,
} from "./canonical-before-slimming.js";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedHeaders {
  authorization: string;
  "x-bce-date": string;
  "x-bce-security-token"?: string;
}

export interface AuthorizationInput extends CanonicalRequestInput {
  accessKeyId: string;
  secretAccessKey: string;
  timestamp: string | Date | number;
  expirationInSeconds?: number;
}

export interface AuthorizationResult {
  authorization: string;
  signature: string;
  signedHeaders: string[];
}

const hmacHex = (key: string, message: string): string => {
  if (key === "") throw new TypeError("an HMAC key must not be empty");
  return createHmac("sha256", key).update(message).digest("hex");
};

export function computeAuthorization(input: AuthorizationInput): AuthorizationResult {
  assertKeys(input.accessKeyId, input.secretAccessKey);
  const timestamp = typeof input.timestamp === "string" ? input.timestamp : formatBceDate(input.timestamp);
  const expirationInSeconds = input.expirationInSeconds ?? 1800;
  if (!Number.isSafeInteger(expirationInSeconds) || expirationInSeconds <= 0) {
    // The message as the signer words it since it named the bound (the verifier's too): the check is as it was.
    throw new RangeError("expirationInSeconds must be a positive integer of at most 2^53 - 1 (9007199254740991)");
  }
  const { canonicalRequest, signedHeaders } = buildCanonicalRequest(input);
  const prefix = `bce-auth-v1/${input.accessKeyId}/${timestamp}/${expirationInSeconds}`;
  const signature = hmacHex(hmacHex(input.secretAccessKey, prefix), canonicalRequest);
  return { authorization: `${prefix}/${signedHeaders.join(";")}/${signature}`, signature, signedHeaders };
}

export function computeSignedHeaders(
  request: { method: string; url: string | URL; headers?: Record<string, string | number | undefined> | Headers },
  credentials: Credentials,
  options: { timestamp?: Date | number; expirationInSeconds?: number; headersToSign?: readonly string[] } = {},
): SignedHeaders {
  assertKeys(credentials?.accessKeyId, credentials?.secretAccessKey);
  const url = toUrl(request.url);
  const headers = normalizeHeaders(request.headers);
  if (!headers.has("host")) headers.set("host", url.host);

  const date = formatBceDate(options.timestamp ?? Date.now());
  headers.set("x-bce-date", date);
  const token = credentials.sessionToken;
  const withToken = token !== undefined && token !== "";
  if (withToken) headers.set("x-bce-security-token", token);

  let headersToSign = options.headersToSign;
  if (headersToSign && headersToSign.length > 0) {
    headersToSign = [...headersToSign, "host", ...(withToken ? ["x-bce-security-token"] : [])];
  }

  const { authorization } = computeAuthorization({
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
  return withToken
    ? { authorization, "x-bce-date": date, "x-bce-security-token": token }
    : { authorization, "x-bce-date": date };
}

/** What the transport signs each attempt with. */
export function signingHeaders(
  request: { method: string; url: string; headers: Record<string, string> },
  credentials: Credentials,
  options: { expirationInSeconds?: number; headersToSign?: readonly string[]; clock?: () => number } = {},
  clockOffsetMs = 0,
): SignedHeaders {
  return computeSignedHeaders(request, credentials, {
    timestamp: (options.clock ?? Date.now)() + clockOffsetMs,
    ...(options.expirationInSeconds !== undefined ? { expirationInSeconds: options.expirationInSeconds } : {}),
    ...(options.headersToSign !== undefined ? { headersToSign: options.headersToSign } : {}),
  });
}

function toUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    throw new TypeError("request.url must be an absolute URL");
  }
}

function assertKeys(accessKeyId: unknown, secretAccessKey: unknown): void {
  if (typeof accessKeyId !== "string" || !/^[!-.0-~]+$/.test(accessKeyId)) {
    throw new TypeError('accessKeyId must be a non-empty string of visible ASCII characters, without "/"');
  }
  if (typeof secretAccessKey !== "string" || secretAccessKey === "") {
    throw new TypeError("secretAccessKey must be a non-empty string");
  }
}
