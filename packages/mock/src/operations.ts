import type { getHttpOperationsFromSpec } from "@stoplight/prism-http";
import { encryptedFields } from "./encrypted.js";

type IHttpOperation = Awaited<ReturnType<typeof getHttpOperationsFromSpec>>[number];

/** What the front needs to know of one operation of the spec. */
export interface OperationInfo {
  operationId: string;
  method: string;
  /** The path template, as in the spec: `/v{version}/instance/{instanceId}`. */
  path: string;
  /**
   * The query parameter that carries the idempotency token: the operation's
   * `x-bce-idempotency-token` extension, else a declared `clientToken` parameter.
   */
  idempotencyToken?: string;
  /**
   * Its responses in spec order: the code (`200`, `4XX`, `default`), the media types of its body
   * (none when it has no body) and the names of its examples (`Prefer: example=NAME`).
   */
  responses: { code: string; mediaTypes: readonly string[]; exampleKeys: ReadonlySet<string> }[];
  /**
   * Its path and query parameters' names as the spec spells them, by their lowercase form (Prism
   * reports a failed parameter in lowercase).
   */
  parameterNames: ReadonlyMap<string, string>;
  /** The body paths its request schema marks `x-bce-transform: encryptAdminPass` (BCC's `adminPass`). */
  encryptedFields: string[][];
  regex: RegExp;
}

export interface OperationIndex {
  operations: OperationInfo[];
  /** The operation a request is for, by method and (raw, still encoded) path, routed as unescapeUnreserved reads it. */
  match(method: string, path: string): OperationInfo | undefined;
  /** The methods (upper case) the spec has for a (raw) path, for a 405's `Allow`. */
  methodsFor(path: string): string[];
  byId(operationId: string): OperationInfo | undefined;
  /** Every query parameter name the spec declares, exactly as spelled there. */
  queryNames: Set<string>;
  /** The message of the spec's error example with this code, if the spec has one. */
  exampleMessage(code: string): string | undefined;
}

/**
 * A raw path with each escaped unreserved character read (`reinst%61ll` is `reinstall`, `/%762` is
 * `/v2`: the same path, RFC 3986 section 6.2.2.2), other escapes kept, their hex digits in capitals
 * (`%3a` is `%3A`, section 6.2.2.1): how a path is routed.
 */
export const unescapeUnreserved = (path: string): string =>
  path.replace(/%[\da-f]{2}/gi, (escaped) =>
    /^%(?:[46][1-9a-f]|[57][0-9a]|3\d|2[de]|5f|7e)$/i.test(escaped)
      ? String.fromCharCode(Number.parseInt(escaped.slice(1), 16))
      : escaped.toUpperCase(),
  );

export function indexOperations(operations: IHttpOperation[]): OperationIndex {
  const infos: OperationInfo[] = [];
  const queryNames = new Set<string>();
  const messages = new Map<string, string>();
  for (const op of operations) {
    const query = op.request?.query ?? [];
    for (const param of query) queryNames.add(param.name);
    const extensions = (op as { extensions?: Record<string, unknown> }).extensions ?? {};
    const declared = extensions["x-bce-idempotency-token"];
    const idempotencyToken =
      typeof declared === "string" ? declared : query.some((p) => p.name === "clientToken") ? "clientToken" : undefined;
    const responses: OperationInfo["responses"] = [];
    const parameterNames = new Map<string, string>();
    for (const param of [...(op.request?.path ?? []), ...query])
      parameterNames.set(param.name.toLowerCase(), param.name);
    infos.push({
      operationId: op.iid ?? op.id,
      method: op.method.toLowerCase(),
      path: op.path,
      ...(idempotencyToken ? { idempotencyToken } : {}),
      responses,
      parameterNames,
      encryptedFields: (op.request?.body?.contents ?? []).flatMap((content) => encryptedFields(content.schema)),
      regex: templateRegex(op.path),
    });
    for (const response of op.responses ?? []) {
      const keys = new Set<string>();
      const mediaTypes = (response.contents ?? []).map((content) =>
        content.mediaType.split(";")[0]!.trim().toLowerCase(),
      );
      responses.push({ code: response.code, mediaTypes, exampleKeys: keys });
      for (const content of response.contents ?? []) {
        for (const example of content.examples ?? []) {
          keys.add(example.key);
          const value = (example as { value?: unknown }).value as { code?: unknown; message?: unknown } | undefined;
          if (
            value &&
            typeof value.code === "string" &&
            typeof value.message === "string" &&
            !messages.has(value.code)
          ) {
            messages.set(value.code, value.message);
          }
        }
      }
    }
  }
  return {
    operations: infos,
    match: (method, path) =>
      infos.find((op) => op.method === method.toLowerCase() && op.regex.test(unescapeUnreserved(path))),
    methodsFor: (path) => [
      ...new Set(infos.filter((op) => op.regex.test(unescapeUnreserved(path))).map((op) => op.method.toUpperCase())),
    ],
    byId: (operationId) => infos.find((op) => op.operationId === operationId),
    queryNames,
    exampleMessage: (code) => messages.get(code),
  };
}

/**
 * The response Prism answers from, as its negotiator picks it (prism-http 5.12,
 * mocker/negotiator): for `Prefer: code=N` the response with that code, else its `NXX` range, else
 * `default`; without a code the lowest 2xx, else `default`, else the first.
 */
export function pickedResponse(
  operation: OperationInfo,
  code?: number,
): OperationInfo["responses"][number] | undefined {
  const { responses } = operation;
  const byCode = (wanted: string) => responses.find((r) => r.code.toLowerCase() === wanted);
  if (code !== undefined) return byCode(String(code)) ?? byCode(`${String(code)[0]}xx`) ?? byCode("default");
  const success = responses
    .filter((r) => /^2(\d\d|XX)$/.test(r.code))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))[0];
  return success ?? byCode("default") ?? responses[0];
}

/** `/v{version}/instance/{instanceId}` matches `/v2/instance/i-1`: a parameter is any run of non-slash characters. */
function templateRegex(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}
