import { BceServiceError, createBccClient } from "@bce-openapi/bcc";

// 用 BCE_ACCESS_KEY_ID / BCE_SECRET_ACCESS_KEY（STS 临时凭证另加 BCE_SESSION_TOKEN）签名。
const bcc = createBccClient({ region: "bj" });

try {
  // 密码传明文即可：客户端用你的 Secret Access Key 加密 adminPass。
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
