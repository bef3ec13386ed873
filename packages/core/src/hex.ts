/** Bytes as lowercase hex, two digits each (an HMAC for the signature, AES blocks for adminPass). */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += (byte < 16 ? "0" : "") + byte.toString(16);
  return hex;
}

/**
 * Bytes as standard base64 (userData, a secret's forms to hide). Built a byte at a time: spread
 * into String.fromCharCode, a secret of more than about 120,000 bytes overflowed the call stack.
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
