// The public surface of @bce-openapi/core: what the clients' users and people signing their own
// requests need. Plumbing shared by the generated clients is in "@bce-openapi/core/internal".

// Every error the clients and helpers throw.
export {
  BceAbortError,
  BceError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceTimeoutError,
  BceValidationError,
  CredentialsError,
  type BceErrorCode,
  type CallMetadata,
} from "./errors.js";
export { PasswordPolicyError, type AdminPassRule } from "./crypto/errors.js";

// The options both clients take, per client and per call, and what their methods resolve with.
export type { BceClientOptions, RawPaths, ResponseMetadata, ValidateResponses } from "./client.js";
export {
  isSafeToRetry,
  type AttemptHooks,
  type AttemptInfo,
  type AttemptOutcome,
  type CallOptions,
  type LogEvent,
  type Logger,
  type RetryContext,
  type RetryOptions,
} from "./transport.js";
export {
  CREDENTIAL_ENV_VARS,
  type Credentials,
  type CredentialsInput,
  type CredentialsProvider,
} from "./credentials.js";

// Signing and verifying bce-auth-v1 requests of your own.
export { createSigningMiddleware, signFetchRequest, type SigningOptions } from "./signed-fetch.js";
export {
  buildAuthorization,
  createSigningKeyCache,
  DEFAULT_EXPIRATION_SECONDS,
  DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  formatBceDate,
  signRequest,
  verifyRequest,
  type AuthorizationInput,
  type AuthorizationResult,
  type ReceivedRequest,
  type SignableRequest,
  type SignedHeaders,
  type SignOptions,
  type SigningKeyCache,
  type VerifyErrorCode,
  type VerifyOptions,
  type VerifyResult,
} from "./signing/index.js";

// The request fields BCE wants transformed.
export {
  type AdminPassService,
  checkAdminPassPolicy,
  decodeUserData,
  encodeUserData,
  encryptAdminPass,
} from "./crypto/index.js";
