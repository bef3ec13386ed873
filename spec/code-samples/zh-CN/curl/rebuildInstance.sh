# BCE_DATE 和 BCE_AUTHORIZATION 与任何 BCE 请求相同（见认证指南）。
# adminPass 是 "1qaz@WSX" 用 AES-128-ECB 加密的结果，密钥为你的 Secret Access Key 的前 16 个字符，
# 以小写十六进制表示（@bce-openapi/core 的 encryptAdminPass）；这个值对应的是
# 模拟服务的密钥 mock-secret-access-key-0123456789。
curl -X PUT "https://bcc.bj.baidubce.com/v2/instance/i-YufwpQAe?rebuild" \
  -H "Content-Type: application/json" \
  -H "x-bce-date: $BCE_DATE" \
  -H "Authorization: $BCE_AUTHORIZATION" \
  -d '{"imageId":"m-mRjO3cjs","adminPass":"d0dd8cc65746ea6ceaa478763eba9949"}'
