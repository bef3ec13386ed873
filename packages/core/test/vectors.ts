// The published bce-auth-v1 vectors (fixtures/bce-auth-published-vectors.json: Baidu's documented
// example and bce-sdk-js's unit tests, each entry naming its source).
import { readFileSync } from "node:fs";

export interface SigningVector {
  id: string;
  source: string;
  inputs: {
    accessKeyId: string;
    secretAccessKey: string;
    method: string;
    path: string;
    query: Record<string, string | null>;
    headers: Record<string, string | number>;
    timestampEpochSeconds: number;
    expirationInSeconds: number;
    /** An array, or a sentence meaning "the default set". */
    headersToSign: string[] | string;
  };
  expectedPublished: {
    authStringPrefix?: string;
    signingKey?: string;
    canonicalRequest?: string;
    signature?: string;
    authorization?: string;
    authorization_emptySignedHeaders?: string;
    authorization_listedSignedHeaders?: string;
  };
}

export interface CanonicalizationVector {
  id: string;
  source: string;
  input: unknown;
  expected: string;
  expectedSignedHeaders?: string[];
  wire?: Record<string, string>;
}

export const vectors = JSON.parse(
  readFileSync(new URL("./fixtures/bce-auth-published-vectors.json", import.meta.url), "utf8"),
) as { about: string; signing: SigningVector[]; canonicalization: CanonicalizationVector[] };

export const headersToSignOf = (v: SigningVector): string[] | undefined =>
  Array.isArray(v.inputs.headersToSign) ? v.inputs.headersToSign : undefined;

/** The query as a client puts it on the wire: a null value as a bare key (`?rebuild`). */
export function rawQuery(query: Record<string, string | null>): string {
  return Object.entries(query)
    .map(([k, v]) => (v === null ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join("&");
}
