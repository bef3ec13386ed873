// The signing entry points the transport itself uses (synchronous on the node:crypto branch):
// @bce-openapi/core's public signRequest/buildAuthorization wrap these in a Promise.
export { computeAuthorization, computeSignedHeaders, HMAC_BRANCH, signingHeaders } from "@bce-openapi/core/internal";
