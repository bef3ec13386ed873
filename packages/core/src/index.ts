export { BceError, BceServiceError, BceValidationError } from "./errors.js";
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
  createServiceClient,
  requestIdOf,
  serverUrl,
  unwrap,
  type BceClientOptions,
  type ServerTemplate,
  type StringParameterSchema,
} from "./client.js";
export { createSigningMiddleware, signFetchRequest, type SigningOptions } from "./signed-fetch.js";
export * from "./signing/index.js";
export * from "./crypto/index.js";
