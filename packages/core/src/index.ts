export {
  BceAbortError,
  BceError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceTimeoutError,
  BceValidationError,
} from "./errors.js";
export { serviceErrorFromResponse } from "./service-error.js";
export {
  CREDENTIAL_ENV_VARS,
  CredentialsError,
  credentialsFromEnv,
  credentialsResolver,
  type Credentials,
  type CredentialsInput,
  type CredentialsProvider,
} from "./credentials.js";
export {
  checkPathParameter,
  checkTimeout,
  createServiceClient,
  requestIdOf,
  serverUrl,
  unwrap,
  type BceClientOptions,
  type ServiceClient,
  type ServerTemplate,
  type StringParameterSchema,
} from "./client.js";
export { createSigningMiddleware, signFetchRequest, type SigningOptions } from "./signed-fetch.js";
export * from "./signing/index.js";
export * from "./crypto/index.js";
export {
  backoffDelay,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  isSafeToRetry,
  Transport,
  type CallContext,
  type CallOptions,
  type RetryContext,
  type RetryOptions,
  type TransportOptions,
} from "./transport.js";
export { checkAnswer, checkRequestPart } from "./checks.js";
export * from "./validation/index.js";
