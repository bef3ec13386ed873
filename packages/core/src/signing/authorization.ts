import { isBceDate } from "./canonical.js";
import { authStringPrefix, EXPIRATION_RULE } from "./hmac.js";

/** The parts of `bce-auth-v1/{ak}/{timestamp}/{expiration}/{signedHeaders}/{signature}`. */
export interface AuthorizationParts {
  accessKeyId: string;
  /** UTC `YYYY-MM-DDThh:mm:ssZ`, as sent. */
  timestamp: string;
  expirationInSeconds: number;
  /** Lowercase names; empty means the default set (host, content-*, x-bce-*). */
  signedHeaders: string[];
  /** 64 lowercase hex characters. */
  signature: string;
}

export type ParseAuthorizationResult = { ok: true; authorization: AuthorizationParts } | { ok: false; reason: string };

export function formatAuthorization(parts: AuthorizationParts): string {
  const prefix = authStringPrefix(parts.accessKeyId, parts.timestamp, parts.expirationInSeconds);
  return `${prefix}/${parts.signedHeaders.join(";")}/${parts.signature}`;
}

const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Parses an Authorization header value. Never throws: a malformed value gives `{ ok: false,
 * reason }`, a reason safe to return to a client (it does not quote the header).
 */
export function parseAuthorization(header: string | null | undefined): ParseAuthorizationResult {
  const fail = (reason: string): ParseAuthorizationResult => ({ ok: false, reason });
  if (header === undefined || header === null || header.trim() === "") return fail("Authorization header is missing");
  const fields = header.trim().split("/");
  if (fields[0] !== "bce-auth-v1") return fail("Authorization must start with bce-auth-v1/");
  if (fields.length !== 6) {
    return fail(
      "Authorization must be bce-auth-v1/{accessKeyId}/{timestamp}/{expirationInSeconds}/{signedHeaders}/{signature}",
    );
  }
  const [, accessKeyId = "", timestamp = "", expiration = "", signedHeaders = "", signature = ""] = fields;
  if (accessKeyId === "") return fail("accessKeyId is empty");
  if (!isBceDate(timestamp)) {
    return fail("timestamp must be a valid UTC time YYYY-MM-DDThh:mm:ssZ");
  }
  // Every value the signers send (a positive safe integer), not one more.
  if (!/^[1-9]\d{0,15}$/.test(expiration) || !Number.isSafeInteger(Number(expiration))) return fail(EXPIRATION_RULE);
  const names = signedHeaders === "" ? [] : signedHeaders.split(";");
  if (!names.every((name) => HEADER_NAME.test(name))) {
    return fail("signedHeaders must be lowercase header names separated by ;");
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) return fail("signature must be 64 lowercase hex characters");
  return {
    ok: true,
    authorization: { accessKeyId, timestamp, expirationInSeconds: Number(expiration), signedHeaders: names, signature },
  };
}
