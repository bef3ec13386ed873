import { BceServiceError, createBccClient } from "@bce-openapi/bcc";

// Signs with BCE_ACCESS_KEY_ID / BCE_SECRET_ACCESS_KEY (and BCE_SESSION_TOKEN for STS keys).
const bcc = createBccClient({ region: "bj" });

try {
  // Pass the password in plain text: the client encrypts adminPass with your Secret Access Key.
  const { requestId } = await bcc.rebuildInstance("i-YufwpQAe", {
    imageId: "m-mRjO3cjs",
    adminPass: "1qaz@WSX",
  });
  console.log("rebuild accepted", requestId);
} catch (error) {
  if (error instanceof BceServiceError) {
    console.error(error.status, error.code, error.message, error.requestId);
  }
  throw error;
}
