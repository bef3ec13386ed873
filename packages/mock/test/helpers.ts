import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { buildAuthorization, signRequest } from "@bce-openapi/core";
import { DEFAULT_CREDENTIALS } from "../src/index.js";

/** A synthetic spec (see its info.description), not BCE's: the tests of the real one read @bce-openapi/spec. */
export const FIXTURE = fileURLToPath(new URL("./fixtures/openapi.json", import.meta.url));
export const EDGE_CASES = fileURLToPath(new URL("./fixtures/edge-cases.json", import.meta.url));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts a BCE error response and returns its body. */
export async function expectBceError(res: Response, status: number, code: string) {
  const body = (await res.json()) as { requestId: string; code: string; message: string };
  expect(res.status).toBe(status);
  expect(body.code).toBe(code);
  expect(body.requestId).toMatch(UUID);
  expect(res.headers.get("x-bce-request-id")).toBe(body.requestId);
  expect(body.message).toMatch(/^[\x20-\x7e]+$/);
  return body;
}

export function put(url: string, body: unknown, raw = false): Promise<Response> {
  return fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: raw ? (body as string) : JSON.stringify(body),
  });
}

/** A BEC reinstall body the spec accepts. */
export const REINSTALL_BODY = {
  keyConfig: { type: "password", adminPass: "root@!123456" },
  imageId: "im-1",
  imageType: "bec",
};
export const REINSTALL_PATH = "/v1/vm/instance/vm-1/system/reinstall";
export const REBUILD_PATH = "/v2/instance/i-1?rebuild";

/** PUT signed with the mock's default key pair (bce-auth-v1, as a client sends it). */
export async function signedPut(
  base: string,
  path: string,
  body: unknown,
  {
    headers = {},
    timestamp,
    credentials = DEFAULT_CREDENTIALS,
    signal,
  }: {
    headers?: Record<string, string>;
    timestamp?: number;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    signal?: AbortSignal;
  } = {},
): Promise<Response> {
  const url = `${base}${path}`;
  const all: Record<string, string> = { "content-type": "application/json", ...headers };
  const signed = await signRequest(
    { method: "PUT", url, headers: all },
    credentials,
    timestamp === undefined ? {} : { timestamp },
  );
  return fetch(url, {
    method: "PUT",
    headers: { ...all, ...signed },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/**
 * The Authorization of a PUT to `path` and `query` (as written: no URL parser resolves them) with
 * these headers, signed with the mock's default key pair: for requests fetch would not send as given.
 */
export async function authorizationFor(
  path: string,
  query: string,
  headers: Record<string, string>,
  timestamp: number | string = Date.now(),
): Promise<string> {
  const input = { method: "PUT", path, query, headers, ...DEFAULT_CREDENTIALS, timestamp };
  return (await buildAuthorization(input)).authorization;
}
