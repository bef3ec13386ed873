/** Bytes as lowercase hex, two digits each (an HMAC for the signature, AES blocks for adminPass). */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += (byte < 16 ? "0" : "") + byte.toString(16);
  return hex;
}

/**
 * Bytes as standard base64 (userData, a secret's forms to hide). Built 32 KiB at a time: spread
 * whole into String.fromCharCode, a secret of more than about 120,000 bytes overflowed the call
 * stack, and a byte at a time took a quarter of a second per megabyte, the event loop blocked.
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  return btoa(binary);
}
