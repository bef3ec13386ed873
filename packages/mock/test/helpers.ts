import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const FIXTURE = fileURLToPath(new URL('./fixtures/openapi.json', import.meta.url));
export const EDGE_CASES = fileURLToPath(new URL('./fixtures/edge-cases.json', import.meta.url));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts a BCE error response and returns its body. */
export async function expectBceError(res: Response, status: number, code: string) {
  const body = (await res.json()) as { requestId: string; code: string; message: string };
  expect(res.status).toBe(status);
  expect(body.code).toBe(code);
  expect(body.requestId).toMatch(UUID);
  expect(res.headers.get('x-bce-request-id')).toBe(body.requestId);
  expect(body.message).toMatch(/^[\x20-\x7e]+$/);
  return body;
}

export function put(url: string, body: unknown, raw = false): Promise<Response> {
  return fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });
}
