export { startMock, type LogLevel, type MockOptions, type MockServer } from './mock.js';
export {
  AUTH_ERROR_STATUS,
  DEFAULT_CREDENTIALS,
  resolveCredentials,
  signatureAuthenticator,
  type AuthResult,
  type Authenticate,
  type Credential,
  type VerifyRequest,
} from './auth.js';
export { REQUEST_ID_HEADER, type BceErrorBody } from './errors.js';
export { defaultSpecPath } from './spec.js';
