import type { Middleware } from "openapi-fetch";
import { credentialsResolver, type CredentialsInput } from "./credentials.js";
import { signRequest } from "./signing/index.js";

/** How requests are signed. */
export interface SigningOptions {
  /** Seconds a signature stays valid; 1800 by default, as in the official SDKs. */
  expirationInSeconds?: number;
  /**
   * Headers to sign. Default: host, content-length, content-type, content-md5 and every
   * `x-bce-*` header (the STS `x-bce-security-token` included).
   */
  headersToSign?: readonly string[];
  /** The clock, in milliseconds since the epoch; injectable for tests. Default `Date.now`. */
  clock?: () => number;
}

/**
 * Sign one request with bce-auth-v1: returns a new Request with `authorization`, `x-bce-date`
 * and, for STS keys, `x-bce-security-token`. The body is read once so its length can be signed;
 * the returned Request carries the same bytes.
 */
export async function signFetchRequest(
  request: Request,
  credentials: Parameters<typeof signRequest>[1],
  options: SigningOptions = {},
): Promise<Request> {
  const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  const headers = new Headers(request.headers);
  // fetch sends Content-Length for a byte body; sign the value it will send.
  const toSign = new Headers(headers);
  if (body !== undefined) toSign.set("content-length", String(body.byteLength));
  const signed = await signRequest({ method: request.method, url: request.url, headers: toSign }, credentials, {
    timestamp: (options.clock ?? Date.now)(),
    ...(options.expirationInSeconds !== undefined ? { expirationInSeconds: options.expirationInSeconds } : {}),
    ...(options.headersToSign !== undefined ? { headersToSign: options.headersToSign } : {}),
  });
  for (const [name, value] of Object.entries(signed)) if (value) headers.set(name, value);
  return new Request(request.url, {
    method: request.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    signal: request.signal,
  });
}

/**
 * openapi-fetch middleware that signs every request, for your own openapi-fetch clients
 * (`client.use(createSigningMiddleware({ credentials }))`). The BEC and BCC clients sign in
 * their transport instead, so that each retry is signed afresh.
 */
export function createSigningMiddleware(options: SigningOptions & { credentials?: CredentialsInput }): Middleware {
  const getCredentials = credentialsResolver(options.credentials);
  return {
    async onRequest({ request }) {
      return signFetchRequest(request, await getCredentials(), options);
    },
  };
}
