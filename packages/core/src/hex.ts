/** Bytes as lowercase hex, two digits each (an HMAC for the signature, AES blocks for adminPass). */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += (byte < 16 ? "0" : "") + byte.toString(16);
  return hex;
}
