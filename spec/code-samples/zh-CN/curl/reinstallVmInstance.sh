# BCE_DATE：UTC 时间，如 2026-11-25T08:00:00Z。BCE_AUTHORIZATION：该时间下本请求的 bce-auth-v1
# 签名（见认证指南）。
curl -X PUT "https://bec.baidubce.com/v1/vm/instance/vm-6ahy6dli/system/reinstall" \
  -H "Content-Type: application/json" \
  -H "x-bce-date: $BCE_DATE" \
  -H "Authorization: $BCE_AUTHORIZATION" \
  -d '{"keyConfig":{"type":"password","adminPass":"root@!123456"},"imageId":"im-awwxnhme-2-u-huhehaote","imageType":"bec"}'
