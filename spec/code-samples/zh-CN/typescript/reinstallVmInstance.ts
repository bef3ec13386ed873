import { BceServiceError, createBecClient } from "@bce-openapi/bec";

// 用 BCE_ACCESS_KEY_ID / BCE_SECRET_ACCESS_KEY（STS 临时凭证另加 BCE_SESSION_TOKEN）签名，
// 或传入 { credentials: { accessKeyId, secretAccessKey } }。
const bec = createBecClient();

try {
  const { result, details } = await bec.reinstallVmInstance("vm-6ahy6dli", {
    keyConfig: { type: "password", adminPass: "root@!123456" },
    imageId: "im-awwxnhme-2-u-huhehaote",
    imageType: "bec",
  });
  // details 可能缺失；status 可能是本客户端构建之后新增的状态。
  console.log(result, details?.vmId, details?.status);
} catch (error) {
  if (error instanceof BceServiceError) {
    console.error(error.status, error.code, error.message, error.requestId);
  }
  throw error;
}
