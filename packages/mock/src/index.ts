export type { LogLevel } from "./log-levels.js";
export { startMock, type MockOptions, type MockServer } from "./mock.js";
export {
  AUTH_ERROR_STATUS,
  DEFAULT_CREDENTIALS,
  DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  resolveCredentials,
  signatureAuthenticator,
  type AuthResult,
  type Authenticate,
  type Credential,
  type VerifyRequest,
} from "./auth.js";
export { REQUEST_ID_HEADER, type BceErrorBody } from "./errors.js";
export { ADMIN_PREFIX } from "./admin.js";
export type { CorsOption } from "./cors.js";
export { DEFAULT_CODES, type ErrorForm, FaultScripts, type FaultStep, type FaultTarget } from "./faults.js";
export { Journal, type JournalEntry } from "./journal.js";
export { defaultSpecPath } from "./spec.js";
