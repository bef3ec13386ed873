// The signing entry points the transport itself uses (synchronous on the node:crypto branch),
// loaded from the built package by file: @bce-openapi/core exports only its public API, whose
// signRequest/buildAuthorization wrap these in a Promise.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const coreDir = dirname(require.resolve("@bce-openapi/core/package.json"));

export const { computeAuthorization, computeSignedHeaders } = await import(pathToFileURL(join(coreDir, "dist/signing/sign.js")).href);
export const { HMAC_BRANCH } = await import(pathToFileURL(join(coreDir, "dist/signing/hmac-node.js")).href);
