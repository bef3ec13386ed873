export {
  uriEncode,
  canonicalUri,
  canonicalQueryString,
  canonicalHeaders,
  normalizeHeaders,
  buildCanonicalRequest,
  formatBceDate,
  type QueryInput,
  type HeaderInput,
  type CanonicalHeaders,
  type CanonicalRequestInput,
} from "./canonical.js";
export { authStringPrefix, deriveSigningKey, computeSignature } from "./hmac.js";
export { createSigningKeyCache, type SigningKeyCache } from "./key-cache.js";
export {
  parseAuthorization,
  formatAuthorization,
  type AuthorizationParts,
  type ParseAuthorizationResult,
} from "./authorization.js";
export {
  signRequest,
  buildAuthorization,
  DEFAULT_EXPIRATION_SECONDS,
  type SignOptions,
  type SignableRequest,
  type SignedHeaders,
  type AuthorizationInput,
  type AuthorizationResult,
} from "./sign.js";
export {
  DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  verifyRequest,
  type ReceivedRequest,
  type VerifyOptions,
  type VerifyResult,
  type VerifyErrorCode,
} from "./verify.js";
