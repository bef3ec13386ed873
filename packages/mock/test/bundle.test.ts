import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSpecPath, startMock, type MockServer } from "../src/index.js";
import { expectBceError, put } from "./helpers.js";

// The real bundle, once `pnpm --filter @bce-openapi/spec bundle` has written it.
const bundle = fileURLToPath(new URL("../../../spec/dist/openapi.json", import.meta.url));

describe.skipIf(!existsSync(bundle))("the default spec (@bce-openapi/spec/openapi.json)", () => {
  const spec = existsSync(bundle) ? JSON.parse(readFileSync(bundle, "utf8")) : {};
  const example = (name: string) => spec.components.examples[name].value;
  const reinstall = (url: string) => `${url}/v1/vm/instance/vm-6ahy6dli/system/reinstall`;
  const rebuild = (url: string, query: string) => `${url}/v2/instance/i-YufwpQAe${query}`;

  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ auth: false }); // no `spec`: the default must be the bundle
  });
  afterAll(() => mock?.close());

  it("resolves the default to the bundle", () => {
    expect(defaultSpecPath()).toBe(bundle);
  });

  it("answers the BEC reinstall request example with the spec's response example", async () => {
    const res = await put(reinstall(mock.url), example("BecReinstallRequestExample"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(example("BecReinstallResponseExample"));
  });

  it("rejects a BEC reinstall with an imageType that is not a string (an unknown string is accepted: the service adds image types)", async () => {
    expect(
      (await put(reinstall(mock.url), { ...example("BecReinstallRequestExample"), imageType: "nope" })).status,
    ).toBe(200);
    const body = { ...example("BecReinstallRequestExample"), imageType: 7 };
    await expectBceError(await put(reinstall(mock.url), body), 400, "InappropriateJSON");
  });

  it.each(["?rebuild", "?rebuild="])("answers the BCC rebuild request example with %s", async (query) => {
    expect((await put(rebuild(mock.url, query), example("BccRebuildRequestExample"))).status).toBe(200);
  });

  it.each(["", "?rebuild=yes"])("rejects the BCC rebuild with query %j", async (query) => {
    await expectBceError(
      await put(rebuild(mock.url, query), example("BccRebuildRequestExample")),
      400,
      "InvalidHTTPRequest",
    );
  });

  it.each([
    [
      "/v2/instance/%E4%BD%A0?rebuild",
      "path.instanceId: Request path parameter instanceId must match pattern",
      "instanceid",
    ],
    [
      "/v1/vm/instance/vm-1/system/reinstall?clientToken=a&clientToken=b",
      "query.clientToken: Request query parameter clientToken must be string",
      "clienttoken",
    ],
  ])("names a failed parameter as the spec spells it: %s", async (path, message, lowercase) => {
    const body = example(path.startsWith("/v2") ? "BccRebuildRequestExample" : "BecReinstallRequestExample");
    const error = await expectBceError(await put(`${mock.url}${path}`, body), 400, "InvalidHTTPRequest");
    expect(error.message).toContain(message);
    expect(error.message).not.toContain(lowercase);
  });

  it("rejects an unknown BCC version", async () => {
    const res = await put(`${mock.url}/v3/instance/i-1?rebuild`, example("BccRebuildRequestExample"));
    await expectBceError(res, 404, "InvalidVersion");
  });
});
