import { afterAll, beforeAll, expect, it } from "vitest";
import { startMock, type MockServer } from "../src/index.js";
import { EDGE_CASES, expectBceError } from "./helpers.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ spec: EDGE_CASES, auth: false });
});
afterAll(() => mock.close());

it("validates an empty query value against the schema instead of letting it through", async () => {
  const body = await expectBceError(await fetch(`${mock.url}/items?name=`), 400, "InvalidHTTPRequest");
  expect(body.message).toContain("query.name");
});

it("answers (never hangs) when a violation message contains non-ASCII enum values", async () => {
  const body = await expectBceError(await fetch(`${mock.url}/items?name=a&zone=x`), 400, "InvalidHTTPRequest");
  expect(body.message).toContain("\\u5317\\u4eac");
});

it("keeps non-ASCII example values out of headers and gives the example body our request id", async () => {
  const res = await fetch(`${mock.url}/items?name=a`);
  expect(res.status).toBe(200);
  expect(res.headers.get("x-zone")).toBe("\\u5317\\u4eac");
  const body = (await res.json()) as { requestId: string; zone: string };
  expect(body).toEqual({ requestId: res.headers.get("x-bce-request-id"), zone: "北京" });
});
