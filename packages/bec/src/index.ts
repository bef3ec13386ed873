// @bce-openapi/bec: the client, its types and its operations are generated from the spec
// (src/generated, by @bce-openapi/codegen); this module only chooses what is public.
export {
  createBecClient,
  type BecClient,
  type BecClientOptions,
  type ReinstallVmInstanceCallOptions,
  type ReinstallVmInstanceInput,
  type ReinstallVmInstanceResult,
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
  encodeUserData,
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

/** @deprecated Use ReinstallVmInstanceCallOptions. */
export type ReinstallCallOptions = import("./generated/client.js").ReinstallVmInstanceCallOptions;
