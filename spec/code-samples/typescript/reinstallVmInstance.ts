import { BceServiceError, createBecClient } from "@bce-openapi/bec";

// Signs with BCE_ACCESS_KEY_ID / BCE_SECRET_ACCESS_KEY (and BCE_SESSION_TOKEN for STS keys),
// or pass { credentials: { accessKeyId, secretAccessKey } }.
const bec = createBecClient();

try {
  const { result, details } = await bec.reinstallVmInstance("vm-6ahy6dli", {
    keyConfig: { type: "password", adminPass: "root@!123456" },
    imageId: "im-awwxnhme-2-u-huhehaote",
    imageType: "bec",
  });
  // details may be missing; status may be a state added after this client was built.
  console.log(result, details?.vmId, details?.status);
} catch (error) {
  if (error instanceof BceServiceError) {
    console.error(error.status, error.code, error.message, error.requestId);
  }
  throw error;
}
