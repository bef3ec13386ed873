import type { Credentials } from "./credentials.js";
import { BceServiceError, quoted } from "./errors.js";
import { toBase64, toHex } from "./hex.js";
import { isByteText, uriEncode } from "./signing/canonical.js";

/**
 * Codes for error answers that carry none (no body, or one that is not a BCE error document), by
 * status, as the official Go SDK maps an empty body's (baidubce/bce-sdk-go
 * bce/response.go@81b754b7701cfffa21a4e9b953ff8517978b7de7, ParseResponse). Statuses not listed
 * fall back to a code made from the status itself (`Http502`). (Go reports a body it cannot decode
 * as `MalformedJSON`, the service's code for a request body that is not JSON: a program that reads
 * it would blame its own request for a gateway's page.)
 */
export const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "InvalidHTTPRequest",
  403: "AccessDenied",
  412: "PreconditionFailed",
  500: "InternalError",
};

/** The request id BCE puts on every answer. */
export function requestIdOf(response: Response): string {
  return response.headers.get("x-bce-request-id") ?? "";
}

/**
 * The start of the message of a failure after an answer came: the caller learns that the service
 * answered (a 2xx: it acted, though the call rejects), and which request it was.
 */
export function answeredBut(response: Response): string {
  const id = quoted(requestIdOf(response), 100);
  return `the service answered ${response.status}${id && ` (request id ${id})`}, but `;
}

/**
 * The forms in which a text may quote a secret (as sent, JSON-escaped, percent-encoded as
 * `encodeURIComponent` does, as RFC 3986 does (`uriEncode`, which BCE signs with and Python's
 * `quote` writes) and as a form is (`URLSearchParams`, Java's `URLEncoder`: `*` kept, a space `+`),
 * each with upper- and lowercase escapes; all in capitals or in
 * lowercase; its bytes in hex, each escaped (`%53%65…`), and in base64; each character
 * JSON-escaped, `\u0053…`), longest first, for `hideSecrets`:
 * an answer quoting the request (`serviceErrorFromResponse`), the mock's journal and log. One
 * shorter than 8 characters is left out: it would hide more than itself.
 */
export function secretForms(secrets: readonly (string | undefined)[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < 8) continue;
    forms.add(secret).add(JSON.stringify(secret).slice(1, -1));
    // Quoted in capitals (a gateway's hex signature, an encrypted password) or in lowercase: a
    // password so echoed gives away all but its letters' case.
    forms.add(secret.toUpperCase()).add(secret.toLowerCase());
    for (const form of [
      encodeURIComponent(secret),
      uriEncode(secret),
      new URLSearchParams([["", secret]]).toString().slice(1),
    ])
      forms.add(form).add(form.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
    // Its UTF-8 bytes in hex and in base64 (standard and URL-safe, padded or not): a secret echoed
    // so is read back as easily.
    const bytes = new TextEncoder().encode(secret);
    const hex = toHex(bytes);
    const base64 = toBase64(bytes);
    const bare = base64.replace(/=+$/, "");
    // Every byte escaped (`%53%65…`), as some encoders write a value whole, and every character
    // JSON-escaped (`\u0053…`), with upper- or lowercase hex digits.
    const escaped = hex.replace(/../g, "%$&");
    const unicode = secret.replace(/[\s\S]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    forms
      .add(escaped)
      .add(escaped.toUpperCase())
      .add(unicode)
      .add(unicode.replace(/[a-f]/g, (c) => c.toUpperCase()));
    forms.add(hex).add(hex.toUpperCase()).add(base64).add(bare).add(bare.replace(/\+/g, "-").replace(/\//g, "_"));
    // Inside the base64 of a longer text (a body echoed whole), its bytes fall at one of three
    // offsets: at each, the characters they alone decide (the first and last may share bits with
    // what is around them).
    for (const shift of [0, 1, 2]) {
      let encoded = base64;
      if (shift > 0) {
        const shifted = new Uint8Array(shift + bytes.length);
        shifted.set(bytes, shift);
        encoded = toBase64(shifted);
      }
      const core = encoded.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6));
      forms.add(core).add(core.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** `text` with every form of the given secrets (from `secretForms`) replaced by `<redacted>`. */
export function hideSecrets(text: string, forms: readonly string[]): string {
  for (const form of forms) if (text.includes(form)) text = text.replaceAll(form, "<redacted>");
  return text;
}

/**
 * A header's text (or a status line's) as fetch and node:http give it, a character a byte: read as
 * UTF-8 where its bytes are UTF-8 (a gateway's Chinese X-Bce-Error-Message), as it is otherwise.
 */
function utf8Header(text: string): string {
  if (!isByteText(text)) return text;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  } catch {
    return text;
  }
}

/**
 * Turn an error answer (status >= 400) into a BceServiceError, whatever its body holds. `hidden`
 * (from secretForms): secrets of the request's that the answer's code, message or request ID may
 * echo (a session token, a plaintext password), each shown as `<redacted>`. `cutAt`: the body was
 * longer than the client reads (maxResponseBytes), and `bodyText` is its first `cutAt` bytes.
 */
export function serviceErrorFromResponse(
  response: Response,
  bodyText: string,
  hidden: readonly string[] = [],
  cutAt: number | false | undefined = false,
): BceServiceError {
  const { status } = response;
  let requestId = requestIdOf(response);
  let code: string;
  let message: string;
  /** The body is no BCE error document, and the message says only that. */
  let page = false;
  // BCE's common error body is { code, message, requestId }. BEC's error chapter has two more forms
  // (https://cloud.baidu.com/doc/BEC/s/5k4106ncs): its gateway's errors in headers
  // (X-Bce-Error-Code, X-Bce-Error-Message), its platform's as { code, msg, data } (`"code": "9001"`).
  const headerCode = response.headers.get("x-bce-error-code") || undefined;
  const headerMessage = utf8Header(response.headers.get("x-bce-error-message") ?? "");
  const statusText = utf8Header(response.statusText);
  if (bodyText.trim() === "") {
    code = headerCode ?? CODE_BY_STATUS[status] ?? `Http${status}`;
    message = headerMessage || statusText || `HTTP ${status} with an empty body`;
  } else {
    let body: { code?: unknown; message?: unknown; msg?: unknown; requestId?: unknown } | null | undefined;
    try {
      body = JSON.parse(bodyText);
    } catch {}
    const text = [body?.message, body?.msg].find((t): t is string => typeof t === "string" && t !== "");
    // A BCE error document is an object with a string code (no JSON array or primitive has one);
    // read leniently, an integer code with a message too (BEC's platform writes its codes as strings
    // of digits), unless a gateway's header names the code. An empty (or blank) code is none.
    const bodyCode =
      (typeof body?.code === "string" && body.code.trim() !== "") ||
      (typeof body?.code === "number" && Number.isSafeInteger(body.code) && text !== undefined && !headerCode)
        ? String(body!.code)
        : undefined;
    const bodyRequestId = () => {
      if (typeof body!.requestId === "string" && body!.requestId !== "") requestId = body!.requestId;
    };
    if (bodyCode !== undefined) {
      code = bodyCode;
      message = text ?? headerMessage;
      bodyRequestId();
    } else if (headerCode !== undefined) {
      // A gateway's error with a body of its own (a page): the headers say what it is.
      code = headerCode;
      message = headerMessage || (text ?? "");
    } else if (text !== undefined || typeof body?.code === "string") {
      // A JSON object with a message but no code (or an empty one): its message kept, with the
      // status's code.
      code = CODE_BY_STATUS[status] ?? `Http${status}`;
      message = text ?? (statusText || `HTTP ${status} with no message`);
      bodyRequestId();
    } else {
      code = CODE_BY_STATUS[status] ?? `Http${status}`;
      page = true;
      message = cutAt
        ? `the service answered ${status} with a body larger than ${cutAt} bytes (maxResponseBytes), not read whole`
        : `the service answered ${status} with a body that is not a BCE error document`;
    }
  }
  const hide = (text: string) => hideSecrets(text, hidden);
  // A redirect is not followed (the signed request goes to the endpoint alone): where it points
  // tells a caller whose endpoint is not the API's (http: for https:, a console's address) what to
  // set. Its secrets hidden before it is cut to length, which could leave part of one; a page of
  // its own (no BCE error document) is told by the status's text.
  const location = status >= 300 && status < 400 ? response.headers.get("location") : null;
  if (location)
    message = `${(page ? statusText : message) || `HTTP ${status}`}, to ${quoted(hide(location), 200)} (a redirect, not followed)`;
  return new BceServiceError({ status, code: hide(code), message: hide(message), requestId: hide(requestId) });
}

/**
 * The secrets a request carried, in the forms an answer may echo them (secretForms): the
 * credentials' secret key and session token, and the passwords in its bodies (the one sent, and
 * the caller's before a transform encrypted a password, which the service may decrypt and quote).
 */
export function requestSecrets(credentials: Credentials, ...bodies: unknown[]): string[] {
  // The secret key's first 16 characters are BCC's AES key for `adminPass`, and half the key.
  const secrets = [
    credentials.secretAccessKey,
    credentials.secretAccessKey.slice(0, 16),
    credentials.sessionToken ?? "",
  ];
  const walk = (value: unknown, depth: number): void => {
    if (depth > 32 || value === null || typeof value !== "object") return;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === "string" && /pass(?:word)?$/i.test(key)) secrets.push(item);
      else walk(item, depth + 1);
    }
  };
  for (const body of bodies) walk(body, 0);
  return secretForms(secrets);
}
