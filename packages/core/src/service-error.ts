import { BceServiceError } from "./errors.js";

/**
 * Codes for error answers that carry no body, by status, as the official Go SDK maps them
 * (baidubce/bce-sdk-go bce/response.go@81b754b7701cfffa21a4e9b953ff8517978b7de7, ParseResponse).
 * Statuses not listed fall back to a code made from the status itself.
 */
const CODE_BY_STATUS: Record<number, string> = {
  400: "InvalidHTTPRequest",
  403: "AccessDenied",
  412: "PreconditionFailed",
  500: "InternalError",
};

/** Turn an error answer (status >= 400) into a BceServiceError, whatever its body holds. */
export function serviceErrorFromResponse(response: Response, bodyText: string): BceServiceError {
  const headerRequestId = response.headers.get("x-bce-request-id") ?? "";
  const status = response.status;
  if (bodyText.trim() === "") {
    return new BceServiceError({
      status,
      code: CODE_BY_STATUS[status] ?? `Http${status}`,
      message: response.statusText || `HTTP ${status} with an empty body`,
      requestId: headerRequestId,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  if (!isRecord(body) || typeof body.code !== "string") {
    // Go SDK: a body that is not a BCE error document is reported as MalformedJSON.
    return new BceServiceError({
      status,
      code: "MalformedJSON",
      message: `the service answered ${status} with a body that is not a BCE error document`,
      requestId: headerRequestId,
    });
  }
  return new BceServiceError({
    status,
    code: body.code,
    message: typeof body.message === "string" ? body.message : "",
    requestId: typeof body.requestId === "string" && body.requestId !== "" ? body.requestId : headerRequestId,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
