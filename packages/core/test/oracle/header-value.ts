// The one amendment both canonicalization oracles (./canonical.ts, ./canonical-before-slimming.ts)
// share, written the plain way: a header value is UriEncoded over the bytes that carry it, one byte
// a character up to U+00FF (as fetch and node:http send it), UTF-8 when a character is above (see
// headerValueEncode in src/signing/canonical.ts). Not shipped.
export function headerValue(value: string): string {
  if (/[^\x00-\xff]/.test(value) || !/[\x80-\xff]/.test(value))
    return encodeURIComponent(value.replace(/\p{Surrogate}/gu, "\uFFFD")).replace(
      /[!'()*]/g,
      (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  let out = "";
  for (const ch of value)
    out += /[A-Za-z0-9\-_.~]/.test(ch) ? ch : `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  return out;
}
