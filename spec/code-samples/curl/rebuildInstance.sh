# BCE_DATE and BCE_AUTHORIZATION as for any BCE request (see the authentication guide).
# adminPass is "1qaz@WSX" encrypted with AES-128-ECB under the first 16 characters of your
# Secret Access Key, in lowercase hex (encryptAdminPass in @bce-openapi/core); this value is
# for the mock's key mock-secret-access-key-0123456789.
curl -X PUT "https://bcc.bj.baidubce.com/v2/instance/i-YufwpQAe?rebuild" \
  -H "Content-Type: application/json" \
  -H "x-bce-date: $BCE_DATE" \
  -H "Authorization: $BCE_AUTHORIZATION" \
  -d '{"imageId":"m-mRjO3cjs","adminPass":"d0dd8cc65746ea6ceaa478763eba9949"}'
