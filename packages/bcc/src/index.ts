// @bce-openapi/bcc: the client, its types and its operations are generated from the spec
// (src/generated, by @bce-openapi/codegen); this module only chooses what is public.
export {
  createBccClient,
  type BccClient,
  type BccClientOptions,
  type BccRegion,
  type RebuildInstanceCallOptions,
  type RebuildInstanceInput,
  type RebuildInstanceResult,
} from "./generated/client.js";
export type * from "./generated/schema.js";
// The types of `raw`, openapi-fetch's: a program that names them (in its own declarations, say)
// reaches them here, since a package manager that installs strictly (pnpm) gives it no
// openapi-fetch of its own.
export type { Client, FetchResponse, Middleware } from "openapi-fetch";
export {
  BceAbortError,
  BceError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceTimeoutError,
  BceValidationError,
  CredentialsError,
  PasswordPolicyError,
  encryptAdminPass,
  isSafeToRetry,
  type AdminPassRule,
  type AttemptHooks,
  type AttemptInfo,
  type AttemptOutcome,
  type BceClientOptions,
  type CallMetadata,
  type CallOptions,
  type Credentials,
  type CredentialsInput,
  type CredentialsProvider,
  type LogEvent,
  type Logger,
  type RawPaths,
  type ResponseMetadata,
  type RetryContext,
  type RetryOptions,
  type SigningOptions,
  type ValidateResponses,
} from "@bce-openapi/core";
