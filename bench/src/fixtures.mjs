// The one request and answer every section uses: the spec's own BEC reinstall examples.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const spec = JSON.parse(readFileSync(require.resolve("@bce-openapi/spec/openapi.json"), "utf8"));

/** The BEC reinstall operation's path template, and its VM id parameter's example: the spec's own. */
const [template, operation] =
  Object.entries(spec.paths).find(([, item]) => item.put?.operationId === "reinstallVmInstance") ?? [];
if (!operation) throw new Error("the spec has no reinstallVmInstance operation");
const vmParameter = operation.put.parameters
  .map((p) => (p.$ref ? spec.components.parameters[p.$ref.split("/").pop()] : p))
  .find((p) => p.in === "path");
export const VM_ID = vmParameter.schema.example;
export const REINSTALL_PATH = template.replace(`{${vmParameter.name}}`, VM_ID);
/** A fixed token of the length the client generates (a UUID). */
export const CLIENT_TOKEN = "3f1b8c1e-6a2d-4f0e-9b7a-2c5d8e9f0a1b";
/** Test keys only: every request of the bench goes to loopback. */
export const CREDENTIALS = {
  accessKeyId: "bench-access-key-id",
  secretAccessKey: "bench-secret-access-key-0123456789",
};

export function specExamples() {
  const examples = spec.components?.examples ?? {};
  const request = examples.BecReinstallRequestExample?.value;
  const response = examples.BecReinstallResponseExample?.value;
  if (!request || !response) throw new Error("the spec has no BecReinstallRequestExample/BecReinstallResponseExample");
  return { request, response };
}
