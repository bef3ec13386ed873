// The one request and answer every section uses: the spec's own BEC reinstall examples.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const VM_ID = "vm-6ahy6dli";
export const REINSTALL_PATH = `/v1/vm/instance/${VM_ID}/system/reinstall`;
/** A fixed token of the length the client generates (a UUID). */
export const CLIENT_TOKEN = "3f1b8c1e-6a2d-4f0e-9b7a-2c5d8e9f0a1b";
/** Test keys only: every request of the bench goes to loopback. */
export const CREDENTIALS = {
  accessKeyId: "bench-access-key-id",
  secretAccessKey: "bench-secret-access-key-0123456789",
};

export function specExamples() {
  const spec = JSON.parse(readFileSync(require.resolve("@bce-openapi/spec/openapi.json"), "utf8"));
  const examples = spec.components?.examples ?? {};
  const request = examples.BecReinstallRequestExample?.value;
  const response = examples.BecReinstallResponseExample?.value;
  if (!request || !response) throw new Error("the spec has no BecReinstallRequestExample/BecReinstallResponseExample");
  return { request, response };
}
