/**
 * @bce-openapi/core/internal: the plumbing the generated clients (@bce-openapi/bec,
 * @bce-openapi/bcc) are built on.
 *
 * @internal Not part of the public API and not covered by semantic versioning: anything here may
 * change or go in any release. Use `@bce-openapi/core` and the clients instead.
 * @packageDocumentation
 */
export * from "../index.js";
export {
  checkCallOptions,
  checkPathParameter,
  checkTimeout,
  createServiceClient,
  requestIdOf,
  responseMetadata,
  rethrowAsBceError,
  serverUrl,
  unwrap,
  userAgent,
  type ServerTemplate,
  type ServiceClient,
  type StringParameterSchema,
} from "../client.js";
export { CREDENTIALS_REFRESH_WINDOW_MS, CREDENTIALS_STALE_MS, credentialsFromEnv } from "../credentials.js";
// How far a misspelt option name is from a known one (the clients' option check, the mock's).
export { checkNestedOptions, editDistance } from "../edit-distance.js";
export { credentialsResolver } from "../credentials-resolver.js";
export { hideSecrets, secretForms, serviceErrorFromResponse } from "../service-error.js";
export { signingHeaders } from "../signed-fetch.js";
export { queryParameter, tooFarAhead } from "../signing/verify.js";
export {
  answerText,
  backoffDelay,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  PlainRequest,
  retryAfterMs,
  retryPolicy,
  silentLogger,
  toLogger,
  Transport,
  type CallContext,
  type CallStats,
  type TransportOptions,
} from "../transport.js";
export {
  authStringPrefix,
  buildCanonicalRequest,
  canonicalHeaders,
  canonicalQueryString,
  canonicalUri,
  computeSignature,
  deriveSigningKey,
  formatAuthorization,
  normalizeHeaders,
  parseAuthorization,
  uriEncode,
  type AuthorizationParts,
  type CanonicalHeaders,
  type CanonicalRequestInput,
  type HeaderInput,
  type ParseAuthorizationResult,
  type QueryInput,
} from "../signing/index.js";
// Signing without the Promise where HMAC is synchronous (node:crypto), and which branch that is.
export { computeAuthorization, computeSignedHeaders, type MaybePromise } from "../signing/sign.js";
export { HMAC_BRANCH } from "#hmac";
export { adminPassPolicyViolation } from "../crypto/index.js";
// The interpreter is @bce-openapi/core/internal/validation (kept out of the clients' default bundles).
export type { JsonSchema, SchemaIssue, ValidateSchemaOptions } from "../validation/index.js";
export { VERSION } from "../version.js";
export type {
  BodilessOperationSpec,
  BodyTransform,
  OperationInput,
  OperationSpec,
  RetryClass,
  TransformContext,
} from "./operation.js";
// What the generated operations and methods (packages/codegen) call.
export {
  callBodilessOperation,
  callOperation,
  splitOptions,
  type OperationResult,
  type OperationRuntime,
  type OperationService,
  type ResponseChecks,
} from "./call.js";
export {
  checkPasswordPolicyTransform,
  encodeUserDataTransform,
  encryptAdminPassTransform,
  type Transform,
} from "./transforms.js";
export * from "./check-runtime.js";
