import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_ERROR_STATUS, DEFAULT_CODES, defaultSpecPath, startMock, type MockServer } from "../src/index.js";
import { expectBceError, put } from "./helpers.js";
import { MAX_BODY_VALUES } from "../src/mock.js";

// The real bundle, once `pnpm --filter @bce-openapi/spec bundle` has written it.
const bundle = fileURLToPath(new URL("../../../spec/dist/openapi.json", import.meta.url));

describe("the default spec (@bce-openapi/spec/openapi.json)", () => {
  // Missing, these checks would be skipped and the suite pass without them: fail instead.
  if (!existsSync(bundle))
    throw new Error(
      `${bundle} is missing: run \`pnpm --filter @bce-openapi/spec bundle\` (turbo's test task does) first`,
    );
  const spec = JSON.parse(readFileSync(bundle, "utf8"));
  const example = (name: string) => spec.components.examples[name].value;
  const reinstall = (url: string) => `${url}/v1/vm/instance/vm-6ahy6dli/system/reinstall`;
  const rebuild = (url: string, query: string) => `${url}/v2/instance/i-YufwpQAe${query}`;

  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ auth: false }); // no `spec`: the default must be the bundle
  });
  afterAll(() => mock?.close());

  it("answers a body that is not JSON with the spec's MalformedJSON example message, whatever it says", async () => {
    const error = await expectBceError(await put(reinstall(mock.url), '{"imageId": ', true), 400, "MalformedJSON");
    expect(error.message).toBe(example("ErrorMalformedJSON").message);
    const dir = mkdtempSync(join(tmpdir(), "bce-mock-spec-"));
    const edited = structuredClone(spec);
    edited.components.examples.ErrorMalformedJSON.value.message = "Edited in the spec.";
    writeFileSync(join(dir, "openapi.json"), JSON.stringify(edited));
    const other = await startMock({ spec: join(dir, "openapi.json"), auth: false, port: 0 });
    try {
      const answer = await put(reinstall(other.url), '{"imageId": ', true);
      expect((await expectBceError(answer, 400, "MalformedJSON")).message).toBe("Edited in the spec.");
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The mock's own tables of codes and statuses, held to what the spec says, so that a change of
  // the spec fails here instead of leaving the mock answering the old way.
  const resolve = (node: { $ref?: string }): Record<string, unknown> =>
    node.$ref
      ? resolve(
          node.$ref
            .slice(2)
            .split("/")
            .reduce((n: Record<string, unknown>, key) => n[key] as never, spec),
        )
      : (node as Record<string, unknown>);
  /** Every error code the spec's examples give for a status, over its operations. */
  const exampleCodes = (status: number) =>
    Object.values(spec.paths as Record<string, Record<string, { responses?: Record<string, { $ref?: string }> }>>)
      .flatMap((ops) => Object.values(ops))
      .flatMap((op) => (op.responses?.[status] ? [resolve(op.responses[status])] : []))
      .flatMap((response) => {
        const examples = (response.content as Record<string, { examples?: Record<string, { $ref?: string }> }>)?.[
          "application/json"
        ]?.examples;
        return Object.values(examples ?? {}).map((e) => (resolve(e).value as { code: string }).code);
      });

  it("scripts, for each error status the spec's operations declare, a code of the spec's examples for it", () => {
    const declared = Object.keys(DEFAULT_CODES)
      .map(Number)
      .filter((status) => exampleCodes(status).length > 0);
    expect(declared).toEqual([400, 403, 404, 412, 500, 503]);
    // 404 is the one exception: the spec's 404 examples are one operation's each (BCC's unknown
    // version, BEC's unknown instance), and a scripted 404 stands for a missing resource of either,
    // as the mock's own 404 does.
    for (const status of declared.filter((s) => s !== 404))
      expect({ status, code: DEFAULT_CODES[status] }).toEqual({
        status,
        code: expect.toBeOneOf(exampleCodes(status)),
      });
    expect(new Set(exampleCodes(404))).toEqual(new Set(["InvalidVersion", "NoSuchObject"]));
  });

  /** The status the spec's BceErrorCode description gives `code` ("HTTP 403 ..."); NaN for none. */
  const statusOf = (code: string) => {
    const described = spec.components.schemas.BceErrorCode["x-enumDescriptions"] as Record<string, string>;
    return Number(/^HTTP (\d{3})\b/.exec(described[code] ?? "")?.[1]);
  };

  it("answers each signature failure with the status the spec's error codes give its code", () => {
    for (const [code, status] of Object.entries(AUTH_ERROR_STATUS))
      expect({ code, status }).toEqual({ code, status: statusOf(code) });
  });

  // The mock's own refusals (those no signature check or scripted fault makes) carry the status
  // the spec's BceErrorCode descriptions give their codes: a change of either fails here.
  it("answers each refusal of its own with the status the spec's error codes give its code", async () => {
    const body = example("BecReinstallRequestExample");
    const cases: Array<[string, Promise<Response>]> = [
      ["InvalidURI", put(`${reinstall(mock.url)}?a=%zz`, body)],
      ["MalformedJSON", put(reinstall(mock.url), '{"imageId": ', true)],
      ["InvalidVersion", put(`${mock.url}/v9/instance/i-YufwpQAe?rebuild`, { imageId: "m-1" })],
      ["InappropriateJSON", put(reinstall(mock.url), { ...body, imageId: 7 })],
      ["InvalidHTTPRequest", put(`${reinstall(mock.url)}?clientToken=${"x".repeat(65)}`, body)],
    ];
    for (const [code, answer] of cases) {
      const res = await answer;
      expect({ code, status: res.status, answered: ((await res.json()) as { code: string }).code }).toEqual({
        code,
        status: statusOf(code),
        answered: code,
      });
    }
    // A token used again with another body.
    const token = `?clientToken=tok-${Date.now()}`;
    await put(`${reinstall(mock.url)}${token}`, body);
    const mismatch = await put(`${reinstall(mock.url)}${token}`, { ...body, imageId: "im-other" });
    expect(mismatch.status).toBe(statusOf("IdempotentParameterMismatch"));
    expect(((await mismatch.json()) as { code: string }).code).toBe("IdempotentParameterMismatch");
  });

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

  it("refuses a body of more JSON values than any the operations take, before Prism lists each one wrong", async () => {
    const keyConfig = (list: unknown[]) => ({ type: "bccKeyPair", bccKeyPairIdList: list });
    const body = (list: unknown[]) => ({ ...example("BecReinstallRequestExample"), keyConfig: keyConfig(list) });
    // 200,000 items of the wrong type: one error each, from Prism, took seconds and hundreds of megabytes.
    const many = await expectBceError(
      await put(reinstall(mock.url), body(new Array(200_000).fill(1))),
      400,
      "InappropriateJSON",
    );
    expect(many.message).toBe(`The body holds more than ${MAX_BODY_VALUES} JSON values.`);
    // Under the limit, the answer names the first few problems and counts the rest.
    const few = await expectBceError(
      await put(reinstall(mock.url), body(new Array(50).fill(1))),
      400,
      "InappropriateJSON",
    );
    expect(few.message).toMatch(/^body\.keyConfig\.bccKeyPairIdList\.0: .* must be string; .*; and 40 more$/);
    expect(few.message.split("; ")).toHaveLength(11);
    // The rest of the request is judged first, as for any body: a version the spec does not have,
    // and a path Prism routes but whose parameter is empty, each with the body Prism never sees.
    const huge = body(new Array(200_000).fill(1));
    await expectBceError(
      await put(`${mock.url}/v3/instance/i-1?rebuild`, { imageId: "m-1", keypairIds: huge.keyConfig.bccKeyPairIdList }),
      404,
      "InvalidVersion",
    );
    const emptyId = await expectBceError(
      await put(`${mock.url}/v1/vm/instance//system/reinstall`, huge),
      400,
      "InvalidHTTPRequest",
    );
    expect(emptyId.message).not.toMatch(/bccKeyPairIdList/);
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

  it.each([
    [
      { type: "password", adminPass: "short" },
      "body.keyConfig.adminPass: Request body property keyConfig.adminPass must NOT have fewer than 8 characters; " +
        "body.keyConfig.adminPass: Request body property keyConfig.adminPass must match pattern",
    ],
    [
      { type: "pass", adminPass: "root@!123456" },
      "body.keyConfig: Request body property keyConfig must have required property 'bccKeyPairIdList'; " +
        "body.keyConfig.type: Request body property keyConfig.type must be equal to one of the allowed values: password, bccKeyPair",
    ],
  ])(
    "says what is wrong with %o, not the verdicts that follow from it (null branch, anyOf, if/then/else)",
    async (keyConfig, message) => {
      const body = { ...example("BecReinstallRequestExample"), keyConfig };
      const error = await expectBceError(await put(reinstall(mock.url), body), 400, "InappropriateJSON");
      expect(error.message.startsWith(message)).toBe(true);
      expect(error.message).not.toMatch(/must be null|schema in anyOf|"(?:then|else)" schema/);
    },
  );

  it("rejects an unknown BCC version", async () => {
    const res = await put(`${mock.url}/v3/instance/i-1?rebuild`, example("BccRebuildRequestExample"));
    await expectBceError(res, 404, "InvalidVersion");
  });
});
