import type { ServerResponse } from "node:http";

/** The body BCE sends with every error response. */
export interface BceErrorBody {
  requestId: string;
  code: string;
  message: string;
}

export const REQUEST_ID_HEADER = "x-bce-request-id";

/**
 * The Content-Type of BCE's answers, spelt as the seed pages' examples show it (BEC
 * https://cloud.baidu.com/doc/BEC/s/Ekbrqqv9j, BCC https://intl.cloud.baidu.com/doc/BCC/s/1jwvyoaw8-en):
 * on the mock's answers, errors and a bodiless BCC 200 included.
 */
export const BCE_CONTENT_TYPE = "application/json;charset=UTF-8";

/**
 * Replaces anything outside printable ASCII with \uXXXX. Spec text (enum values, descriptions)
 * may be Chinese; error messages stay readable in any terminal and can never break a header.
 */
export function asciiSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `written` runs once the head is accepted (writeHead throws on a status it refuses), before the answer leaves. */
export function sendJson(res: ServerResponse, status: number, body: unknown, written?: () => void): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": BCE_CONTENT_TYPE,
    "content-length": Buffer.byteLength(payload),
  });
  written?.();
  res.end(payload);
}

export function sendError(
  res: ServerResponse,
  requestId: string,
  status: number,
  code: string,
  message: string,
  written?: () => void,
): void {
  const body: BceErrorBody = { requestId, code, message: asciiSafe(message) };
  sendJson(res, status, body, written);
}
