// callOperation, the one code path of every generated method, with a hand-written operation table
// and a recording fetch (no network).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  BceAbortError,
  BceError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceValidationError,
  CredentialsError,
  decodeUserData,
  encryptAdminPass,
} from "../src/index.js";
import {
  adminPassPolicyViolation,
  callBodilessOperation,
  callOperation as call,
  createServiceClient,
  encodeUserDataTransform,
  encryptAdminPassTransform,
  splitOptions,
  type BodilessOperationSpec,
  type OperationSpec,
} from "../src/internal/index.js";
import type { Middleware } from "openapi-fetch";
import { ACCEPTED_PASSWORD } from "../src/internal/transforms.js";
import { checkRequestPart, responseProblems, validateSchema } from "../src/internal/validation.js";

const bccSpec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@bce-openapi/spec/bcc.json"), "utf8"));
const answerSchema = { type: "object", required: ["id"], properties: { id: { type: "string" } } };
/** What a generated client passes: the transforms its operations name, and the loader of its response checks. */
const runtime = {
  transforms: { encodeUserData: encodeUserDataTransform, encryptAdminPass: encryptAdminPassTransform },
  responseChecks: async () => ({ responseProblems, responses: { makeThing: { "200": answerSchema } } }),
};
const callOperation = (
  ...args: [
    Parameters<typeof call>[0],
    Parameters<typeof call>[1],
    Parameters<typeof call>[2],
    Parameters<typeof call>[3]?,
  ]
) => call(args[0], args[1], args[2], args[3], runtime);

const credentials = { accessKeyId: "ak", secretAccessKey: "sk-0123456789abcdef" };
const bodySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1 },
    userData: { type: "string" },
    pass: { type: "string", pattern: "^[0-9a-f]{32}$" },
  },
};

const spec: OperationSpec = {
  operationId: "makeThing",
  method: "PUT",
  path: "/v{version}/things/{thingId}",
  fixedPath: { version: "3" },
  fixedQuery: { make: "" },
  retry: "idempotency-token",
  idempotencyToken: { in: "query", name: "clientToken" },
  bodyTransforms: [
    { path: ["userData"], kind: "encodeUserData" },
    { path: ["pass"], kind: "encryptAdminPass" },
  ],
  checkRequest(input) {
    checkRequestPart(input.path.thingId, { type: "string", pattern: "^[a-z0-9-]+$" }, {}, "thingId");
    checkRequestPart(input.query?.clientToken, { type: "string", maxLength: 64 }, {}, "clientToken");
    if (Object.hasOwn(input, "body")) checkRequestPart(input.body, bodySchema, {}, "body");
  },
};

function setup(
  answers: Array<[number, string]>,
  extra: {
    validateResponses?: "off" | "warn" | "strict";
    credentials?: typeof credentials | (() => typeof credentials);
  } = {},
) {
  const sent: Array<{ url: URL; body: string }> = [];
  const warnings: Array<[string, object | undefined]> = [];
  const service = createServiceClient<Record<string, never>>(
    {
      endpoint: "http://127.0.0.1:9",
      credentials: extra.credentials ?? credentials,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
      validateResponses: extra.validateResponses ?? "off",
      logger: { warn: (message: string, data?: object) => void warnings.push([message, data]) },
      fetch: async (request) => {
        sent.push({ url: new URL(request.url), body: await request.text() });
        const [status, body] = answers[Math.min(sent.length, answers.length) - 1]!;
        return new Response(body, {
          status,
          headers: { "content-type": "application/json", "x-bce-request-id": `rid-${sent.length}` },
        });
      },
    },
    "http://127.0.0.1:9",
  );
  return { sent, warnings, service };
}

/** A client of one attempt per call, sending with `fetch`. */
const singleAttempt = (fetch: (request: Request) => Promise<Response>) =>
  createServiceClient<Record<string, never>>(
    { endpoint: "http://127.0.0.1:9", credentials, retry: { maxAttempts: 1 }, fetch },
    "http://127.0.0.1:9",
  );

describe("callOperation", () => {
  it("fills fixed path and query values, adds one idempotency token for every attempt, and resolves with $metadata", async () => {
    const { sent, service } = setup([
      [503, JSON.stringify({ code: "ServiceUnavailable", message: "busy" })],
      [200, JSON.stringify({ id: "t-1" })],
    ]);
    const result = await callOperation(service, spec, { path: { thingId: "t-1" }, body: { name: "n" } });
    expect(result.data).toEqual({ id: "t-1" });
    expect(sent.map((s) => s.url.pathname)).toEqual(["/v3/things/t-1", "/v3/things/t-1"]);
    const tokens = sent.map((s) => s.url.searchParams.get("clientToken"));
    expect(tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens[1]).toBe(tokens[0]);
    expect(result.$metadata).toEqual({
      httpStatusCode: 200,
      requestId: "rid-2",
      attempts: 2,
      totalRetryDelay: expect.any(Number),
      clientToken: tokens[0],
    });
    expect(sent[0]!.url.searchParams.has("make")).toBe(true);
  });

  it("sends the caller's token, and a new one per call otherwise", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    await callOperation(service, spec, { path: { thingId: "a" }, query: { clientToken: "mine" }, body: {} });
    await callOperation(service, spec, { path: { thingId: "a" }, body: {} });
    await callOperation(service, spec, { path: { thingId: "a" }, body: {} });
    const [mine, first, second] = sent.map((s) => s.url.searchParams.get("clientToken"));
    expect(mine).toBe("mine");
    expect(first).not.toBe(second);
  });

  it("tells the token a failed call carried, so that the call repeated with it is acted on at most once", async () => {
    const { sent, service } = setup([[503, JSON.stringify({ code: "ServiceUnavailable", message: "busy" })]]);
    const error = (await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch(
      (e: unknown) => e,
    )) as BceError;
    const token = sent[0]!.url.searchParams.get("clientToken");
    expect(sent.map((s) => s.url.searchParams.get("clientToken"))).toEqual([token, token, token, token]);
    expect(error.$metadata).toEqual({ attempts: 4, totalRetryDelay: expect.any(Number), clientToken: token });
    const clientToken = error.$metadata!.clientToken!;
    await callOperation(service, spec, { path: { thingId: "a" }, query: { clientToken }, body: {} }).catch(() => {});
    expect(sent[4]!.url.searchParams.get("clientToken")).toBe(token);
    // The caller's own token is told back as given.
    const given = await callOperation(service, spec, {
      path: { thingId: "a" },
      query: { clientToken: "mine" },
      body: {},
    }).catch((e: unknown) => e);
    expect((given as BceError).$metadata).toMatchObject({ clientToken: "mine" });
  });

  // What the URL carried as sent counts: a middleware may change the token, or drop it.
  it("tells the token the attempts carried as sent, and retries a call whose URL carries none as one without a token", async () => {
    const busy: [number, string] = [503, JSON.stringify({ code: "ServiceUnavailable", message: "busy" })];
    const changed = setup([busy]);
    changed.service.raw.use({
      onRequest: ({ request }) => {
        const url = new URL(request.url);
        url.searchParams.set("clientToken", "set-by-middleware");
        return new Request(url, request);
      },
    });
    const error = (await callOperation(changed.service, spec, { path: { thingId: "a" }, body: {} }).catch(
      (e: unknown) => e,
    )) as BceError;
    expect(changed.sent.map((s) => s.url.searchParams.get("clientToken"))).toEqual(Array(4).fill("set-by-middleware"));
    expect(error.$metadata).toMatchObject({ attempts: 4, clientToken: "set-by-middleware" });

    const dropped = setup([busy]);
    dropped.service.raw.use({
      onRequest: ({ request }) => {
        const url = new URL(request.url);
        url.searchParams.delete("clientToken");
        return new Request(url, request);
      },
    });
    const unsafe = (await callOperation(dropped.service, spec, { path: { thingId: "a" }, body: {} }).catch(
      (e: unknown) => e,
    )) as BceError;
    // Without a token a 503 may have acted: not retried, and no token is told.
    expect(dropped.sent).toHaveLength(1);
    expect(unsafe.$metadata).toEqual({ attempts: 1, totalRetryDelay: 0 });
  });

  // The token was taken as given and left out of the URL (only own keys are sent): no attempt carried one.
  it("makes a token when only a polluted Object.prototype has one", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.clientToken = "polluted";
    try {
      await callOperation(service, spec, { path: { thingId: "a" }, body: {} });
    } finally {
      delete polluted.clientToken;
    }
    expect(sent[0]!.url.searchParams.get("clientToken")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("applies body transforms before the checks: userData encoded, a password encrypted, a ciphertext passed as is", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    await callOperation(service, spec, { path: { thingId: "a" }, body: { userData: "echo hi", pass: "1qaz@WSX" } });
    const first = JSON.parse(sent[0]!.body);
    expect(decodeUserData(first.userData)).toBe("echo hi");
    expect(first.pass).toBe(await encryptAdminPass("1qaz@WSX", credentials.secretAccessKey));
    await callOperation(service, spec, { path: { thingId: "a" }, body: { pass: { encrypted: "0".repeat(32) } } });
    expect(JSON.parse(sent[1]!.body)).toEqual({ pass: "0".repeat(32) });
  });

  it("takes the caller's own values only: a body field or call option of a polluted Object.prototype is none", async () => {
    const { sent, service } = setup([
      [503, '{"code":"ServiceUnavailable","message":"m","requestId":"r"}'],
      [200, "{}"],
    ]);
    // As a polluting assignment makes them: enumerable, so `for...in` lists them.
    // (Not `signal`: fetch's own Request reads an inherited one.)
    // And what openapi-fetch reads of its options: none sends the call elsewhere or changes it.
    const polluted = {
      pass: "1qaz@WSX",
      userData: "curl evil",
      retry: { maxAttempts: 1 },
      timeoutMs: -1,
      baseUrl: "http://evil.test",
      querySerializer: () => "evil=1",
      headers: { "x-bce-evil": "1" },
      header: { "x-bce-evil-param": "1" },
      middleware: [{ onRequest: () => new Response("{}") }],
    };
    Object.assign(Object.prototype, polluted);
    try {
      await callOperation(service, spec, { path: { thingId: "a" }, body: { name: "n" } });
    } finally {
      for (const key of Object.keys(polluted)) delete (Object.prototype as Record<string, unknown>)[key];
    }
    // Retried as the default policy says, and neither a password nor userData sent.
    expect(sent.map(({ body }) => JSON.parse(body))).toEqual([{ name: "n" }, { name: "n" }]);
    expect(sent.map(({ url }) => `${url.origin}${url.pathname}${url.search.includes("evil") ? "?evil" : ""}`)).toEqual(
      Array(2).fill("http://127.0.0.1:9/v3/things/a"),
    );
  });

  it("refuses bad arguments before asking for credentials or sending", async () => {
    let asked = 0;
    const { sent, service } = setup([[200, "{}"]], {
      credentials: () => {
        asked++;
        return credentials;
      },
    });
    const refusal = (input: Parameters<typeof callOperation>[2], options?: object) =>
      callOperation(service, spec, input, options).then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(await refusal({ path: { thingId: "A/B" }, body: {} })).toMatchObject({ field: "thingId", rule: "pattern" });
    expect(await refusal({ path: { thingId: "a" }, query: { clientToken: "x".repeat(65) }, body: {} })).toMatchObject({
      field: "clientToken",
    });
    expect(await refusal({ path: { thingId: "a" }, body: { pass: "short" } })).toMatchObject({
      name: "PasswordPolicyError",
      field: "body.pass",
    });
    expect(await refusal({ path: { thingId: "a" }, body: { pass: { encrypted: 5 } } })).toMatchObject({
      field: "body.pass.encrypted",
      rule: "type",
    });
    // The wrapper holds the ciphertext alone: a misspelt key, or a password beside it, is named.
    for (const [pass, field] of [
      [{ encrpted: "0".repeat(32) }, "body.pass.encrpted"],
      [{ encrypted: "0".repeat(32), plain: "1qaz@WSX" }, "body.pass.plain"],
      [{ encrypted: "0".repeat(32), "odd key": 1 }, 'body.pass["odd key"]'],
    ] as const)
      expect(await refusal({ path: { thingId: "a" }, body: { pass } })).toMatchObject({
        field,
        rule: "additionalProperties",
        message: `${field}: is not allowed (unknown property): { encrypted } holds the ciphertext alone`,
      });
    expect(await refusal({ path: { thingId: "a" }, body: {} }, { timeoutMs: Number.NaN })).toMatchObject({
      field: "timeoutMs",
    });
    expect(await refusal({ path: { thingId: "a" }, body: {} }, { signal: "stop" })).toMatchObject({ field: "signal" });
    // Half a signal (no removeEventListener) passed the check, and the call, sent and answered,
    // then failed with "the request could not be signed or sent" as it stopped listening.
    expect(
      await refusal({ path: { thingId: "a" }, body: {} }, { signal: { aborted: false, addEventListener() {} } }),
    ).toMatchObject({ name: "BceValidationError", field: "signal", rule: "type" });
    // The body, beside a password to encrypt with the credentials (a stand-in ciphertext is checked in its place).
    expect(await refusal({ path: { thingId: "a" }, body: { name: "", pass: "1qaz@WSX" } })).toMatchObject({
      field: "body.name",
      rule: "minLength",
    });
    expect(await refusal({ path: { thingId: "a" }, body: { pass: "1qaz@WSX", extra: 1 } })).toMatchObject({
      field: "body.extra",
    });
    // A long key is named cut short, as a long option's is.
    expect(await refusal({ path: { thingId: "a" }, body: { ["y".repeat(300)]: 1 } })).toMatchObject({
      field: `body["${"y".repeat(99)}… (202 more characters)]`,
    });
    // A ciphertext given as { encrypted } is sent as it is: checked as it will be sent, before any
    // credentials provider is asked (one that fails would hide what is wrong).
    // Named at the key the caller wrote.
    for (const encrypted of ["not hex", "", "0".repeat(31), "A".repeat(32)])
      expect(await refusal({ path: { thingId: "a" }, body: { pass: { encrypted } } })).toMatchObject({
        field: "body.pass.encrypted",
        rule: "pattern",
        message: "body.pass.encrypted: must match the pattern ^[0-9a-f]{32}$",
      });
    expect(asked).toBe(0);
    expect(sent).toHaveLength(0);
  });

  // JSON carries a lone surrogate as an escape ("\\ud800"), which a service reads as U+FFFD: BCC's
  // userData and imageId went out so; only BEC's userData transform refused one.
  it.each([
    ["body.name", { name: "vm-\uD800" }],
    ['body["odd key"]', { "odd key": ["ok", "x\uDC00"] }],
    ['body["k\\ud800"]', { "k\uD800": "v" }],
  ])("a string that is not Unicode (a lone surrogate) is refused naming %s, nothing sent", async (field, body) => {
    const { sent, service } = setup([[200, "{}"]]);
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: field.replace('["odd key"]', '["odd key"][1]'), rule: "format" });
    expect(sent).toEqual([]);
  });

  // A path thousands of levels deep is cut, as a body's Symbol's is: the error stays readable.
  it("a lone surrogate deep in a body is named by a path cut to length", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    let deep: unknown = "x\uD800";
    for (let i = 0; i < 2000; i++) deep = { a: deep };
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: { name: "n", deep } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BceValidationError);
    const { field } = error as BceValidationError;
    expect(field).toMatch(/^body\.deep\.a\.a\.a.*… \(\d+ more characters\)$/);
    expect(field.length).toBeLessThan(600);
    expect(sent).toEqual([]);
  });

  // Only a lone surrogate: a pair (an emoji), CJK text, and the text "\\ud800" (a backslash and
  // letters, which JSON writes as "\\\\ud800") are Unicode, and go out as given.
  it("a body of valid Unicode (an emoji, CJK, a backslash before ud800) is sent as given", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    const body = { name: "vm-😀-中文-\\ud800-\\uDC00" };
    await callOperation(service, spec, { path: { thingId: "a" }, body });
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body)).toEqual(body);
  });

  it("the stand-in of an encrypted password is a ciphertext the spec's schema takes, client rules included", () => {
    const check = (adminPass: unknown) =>
      validateSchema(
        { imageId: "m-1", adminPass },
        { $ref: "#/components/schemas/RebuildInstanceRequest" },
        { root: bccSpec, path: "body", clientRules: true },
      );
    expect(check(encryptAdminPassTransform.standIn!("1qaz@WSX"))).toEqual([]);
    // The password checked in place of one the policy refuses is one both policies take.
    for (const service of ["bec", "bcc"] as const)
      expect(adminPassPolicyViolation(ACCEPTED_PASSWORD, service)).toBeUndefined();
    expect(check("1qaz@WSX")).not.toEqual([]); // a plain-text password is not
  });

  it("refuses to encrypt with a secret key shorter than the AES key", async () => {
    const { sent, service } = setup([[200, "{}"]], { credentials: { accessKeyId: "ak", secretAccessKey: "short" } });
    await expect(
      callOperation(service, spec, { path: { thingId: "a" }, body: { pass: "1qaz@WSX" } }),
    ).rejects.toBeInstanceOf(CredentialsError);
    expect(sent).toHaveLength(0);
  });

  it("maps an error answer to a BceServiceError", async () => {
    const { service } = setup([[404, JSON.stringify({ code: "NoSuchThing", message: "gone", requestId: "r9" })]]);
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceServiceError);
    expect(error).toMatchObject({ status: 404, code: "NoSuchThing", requestId: "r9" });
  });

  it("rejects with what the call took ($metadata: attempts, delays) once it sent anything", async () => {
    const busy: [number, string] = [503, JSON.stringify({ code: "ServiceUnavailable", message: "busy" })];
    const { sent, service } = setup([busy]);
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(sent).toHaveLength(4);
    expect(error).toBeInstanceOf(BceServiceError);
    expect((error as BceError).$metadata).toEqual({
      attempts: 4,
      totalRetryDelay: expect.any(Number),
      clientToken: sent[0]!.url.searchParams.get("clientToken"),
    });
    expect((error as BceError).$metadata!.totalRetryDelay).toBeGreaterThan(0);
    // After a success: the body it could not read (strict checks) is the call's last attempt.
    const strict = setup([busy, [200, JSON.stringify({ id: 7 })]], { validateResponses: "strict" });
    const refused = await callOperation(strict.service, spec, { path: { thingId: "a" }, body: {} }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(BceResponseError);
    expect((refused as BceError).$metadata).toMatchObject({ attempts: 2 });
    // Nothing sent, nothing taken.
    const invalid = await callOperation(service, spec, { path: { thingId: "A B" }, body: {} }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(BceValidationError);
    expect(invalid).not.toHaveProperty("$metadata");
  });

  describe("a success body that differs from the spec", () => {
    const odd = JSON.stringify({ id: 7, extra: true });
    it("resolves with it when response checks are off", async () => {
      const { warnings, service } = setup([[200, odd]], { validateResponses: "off" });
      await expect(callOperation(service, spec, { path: { thingId: "a" }, body: {} })).resolves.toMatchObject({
        data: { id: 7, extra: true },
      });
      expect(warnings).toEqual([]);
    });
    it('resolves with it and warns through the logger with "warn"', async () => {
      const { warnings, service } = setup([[200, odd]], { validateResponses: "warn" });
      await expect(callOperation(service, spec, { path: { thingId: "a" }, body: {} })).resolves.toMatchObject({
        data: { id: 7 },
      });
      expect(warnings).toEqual([
        [
          "the answer does not match the API description",
          {
            event: "responseMismatch",
            operation: "makeThing",
            status: 200,
            requestId: "rid-1",
            problems: ["body.id: must be string"],
          },
        ],
      ]);
    });
    it('rejects with a BceResponseError with "strict"', async () => {
      const { service } = setup([[200, odd]], { validateResponses: "strict" });
      const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceResponseError);
      expect(error).toMatchObject({ problems: ["body.id: must be string"], requestId: "rid-1" });
    });
    it('when the response checks fail to load (a lazy chunk not found), "warn" resolves unchecked and says so, "strict" rejects with a BceError naming the answer', async () => {
      const missing = new TypeError("Failed to fetch dynamically imported module: https://example.test/responses-X.js");
      const broken = { ...runtime, responseChecks: () => Promise.reject(missing) };
      const input = { path: { thingId: "a" }, body: {} };
      const warned = setup([[200, odd]], { validateResponses: "warn" });
      await expect(call(warned.service, spec, input, {}, broken)).resolves.toMatchObject({ data: { id: 7 } });
      expect(warned.warnings).toEqual([
        [
          "the response checks did not load; the answer is not checked",
          {
            event: "responseChecksUnavailable",
            operation: "makeThing",
            status: 200,
            requestId: "rid-1",
            error: String(missing),
          },
        ],
      ]);
      const strict = setup([[200, odd]], { validateResponses: "strict" });
      const error = await call(strict.service, spec, input, {}, broken).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceError);
      expect(error).toMatchObject({
        message:
          "the service answered 200 (request id rid-1), but the response checks did not load, so the answer was not checked (see cause)",
        cause: missing,
      });
      expect(strict.sent).toHaveLength(1);
    });
    it("an operation whose success answer has no body (successBody: false) ignores whatever body comes, in every mode", async () => {
      // A rebuild the service carried out must not reject: the caller could answer it by rebuilding again.
      const bodiless: OperationSpec = { ...spec, successBody: false };
      for (const validateResponses of ["off", "warn", "strict"] as const) {
        for (const body of ["<html>ok</html>", "[]", '"ok"', '{"id": 7}', ""]) {
          const { service, sent, warnings } = setup([[200, body]], { validateResponses });
          await expect(callOperation(service, bodiless, { path: { thingId: "a" }, body: {} })).resolves.toMatchObject({
            data: undefined,
            $metadata: { httpStatusCode: 200, requestId: "rid-1" },
          });
          expect(sent).toHaveLength(1);
          expect(warnings).toEqual([]);
        }
      }
    });
    it("callBodilessOperation, what a client whose operations have no success body calls, answers as callOperation does", async () => {
      const bodiless: BodilessOperationSpec = { ...spec, successBody: false };
      for (const body of ["<html>ok</html>", '{"id": 7}', ""]) {
        const { service, sent } = setup([[200, body]], { validateResponses: "strict" });
        await expect(
          callBodilessOperation(service, bodiless, { path: { thingId: "a" }, body: {} }, {}, runtime),
        ).resolves.toMatchObject({ data: undefined, $metadata: { httpStatusCode: 200, requestId: "rid-1" } });
        expect(sent).toHaveLength(1);
      }
      // An operation with a success body is refused by the type of `spec`: its body would go unread.
      // @ts-expect-error spec has a success body
      const refused: BodilessOperationSpec = spec;
      expect(refused.successBody).toBeUndefined();
    });
    it("a body that is not JSON is a BceResponseError whatever the mode", async () => {
      for (const validateResponses of ["off", "warn", "strict"] as const) {
        const { service } = setup([[200, "<html>"]], { validateResponses });
        await expect(callOperation(service, spec, { path: { thingId: "a" }, body: {} })).rejects.toMatchObject({
          name: "BceResponseError",
          problems: ["body: is not valid JSON"],
        });
      }
    });
  });
});

describe("arguments that cannot be read", () => {
  const throwing = (object: object, name: string) =>
    Object.defineProperty(object, name, {
      enumerable: true,
      get() {
        throw new Error(`getter ${name} threw`);
      },
    });
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };

  it.each([
    ["call options whose getter throws", () => ({ body: {}, options: throwing({}, "signal") })],
    ["call options whose retry getter throws", () => ({ body: {}, options: { retry: throwing({}, "maxAttempts") } })],
  ])("%s: a BceError with the caller's error as cause, and nothing sent", async (_, make) => {
    const { sent, service } = setup([[200, "{}"]]);
    const { body, options } = make() as { body: unknown; options?: object };
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body }, options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BceError);
    expect((error as Error).message).toBe("the call's arguments could not be read (see cause)");
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(sent).toEqual([]);
  });

  it.each([
    ["a getter that throws", () => throwing({}, "signal")],
    ["a revoked Proxy", revoked],
  ])("a generated method's options as %s: a BceValidationError naming the options, as a client's are", (_, make) => {
    expect(() => splitOptions(make(), ["clientToken"])).toThrow(
      expect.objectContaining({
        name: "BceValidationError",
        field: "options",
        rule: "type",
        message: "options: could not be read: a getter or a Proxy threw (see cause)",
      }),
    );
  });

  // Read as an object, each is no options: a clientToken inside it dropped, the call sent with a new one.
  it.each([
    ["a Map", () => new Map([["clientToken", "my-token"]])],
    ["a Date", () => new Date()],
    ["a boxed string", () => Object("clientToken")],
    ["a Proxy of an array", () => new Proxy([], {})],
  ])("a generated method's options as %s: refused, naming the options", (_, make) => {
    expect(() => splitOptions(make(), ["clientToken"])).toThrow(
      expect.objectContaining({
        name: "BceValidationError",
        field: "options",
        message: "options: must be an object of options, not an array, a Map or a primitive",
      }),
    );
  });

  it("takes options made by a class, or with no prototype", () => {
    class Options {
      clientToken = "my-token";
    }
    const bare = Object.assign(Object.create(null), { clientToken: "t-2" });
    expect(splitOptions(new Options(), ["clientToken"]).query).toEqual({ clientToken: "my-token" });
    expect(splitOptions(bare, ["clientToken"]).query).toEqual({ clientToken: "t-2" });
  });

  // Read by own keys alone, a token a getter gave was dropped and the call sent with a new one: a
  // failed reinstall repeated "with its token" could be carried out twice.
  it("takes options as `options.clientToken` reads them: a class's getters, a prototype's, a non-enumerable one", () => {
    const signal = new AbortController().signal;
    class Options {
      get clientToken() {
        return "from-getter";
      }
      get signal() {
        return signal;
      }
    }
    const hidden = Object.defineProperty({}, "clientToken", { value: "hidden", enumerable: false });
    expect(splitOptions(new Options(), ["clientToken"])).toEqual({
      query: { clientToken: "from-getter" },
      call: { signal },
    });
    expect(splitOptions(Object.create({ clientToken: "inherited", timeoutMs: 5 }), ["clientToken"])).toEqual({
      query: { clientToken: "inherited" },
      call: { timeoutMs: 5 },
    });
    expect(splitOptions(hidden, ["clientToken"]).query).toEqual({ clientToken: "hidden" });
    // A Proxy that throws for a name its target lacks (a strict configuration) is read by its keys.
    const strict = new Proxy(
      { clientToken: "strict" },
      {
        get(target, name) {
          if (typeof name === "string" && !(name in target)) throw new Error(`no option ${name}`);
          return target[name as "clientToken"];
        },
      },
    );
    expect(splitOptions(strict, ["clientToken"]).query).toEqual({ clientToken: "strict" });
    // A misspelt one a class gives is refused as a misspelt key is, never ignored.
    class Misspelt {
      get clientTokn() {
        return "t";
      }
    }
    expect(() => splitOptions(new Misspelt(), ["clientToken"])).toThrow(
      expect.objectContaining({ name: "BceValidationError", field: "clientTokn" }),
    );
    // A client's option a class gives a call is refused as one given as its own is.
    class Misplaced {
      get endpoint() {
        return "http://elsewhere.test";
      }
    }
    expect(() => splitOptions(new Misplaced(), ["clientToken"])).toThrow(
      expect.objectContaining({ name: "BceValidationError", field: "endpoint" }),
    );
    // Never one only a polluted Object.prototype holds.
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.clientToken = "polluted";
    try {
      expect(splitOptions(new Options(), ["clientToken"]).query).toEqual({ clientToken: "from-getter" });
      expect(splitOptions({}, ["clientToken"])).toEqual({ query: {}, call: {} });
    } finally {
      delete polluted.clientToken;
    }
    // Nor one only another realm's polluted Object.prototype holds (options made in a vm context).
    const foreign = runInNewContext(
      'Object.prototype.clientToken = "fixed"; Object.prototype.retry = { maxAttempts: 50 }; ({})',
    );
    expect(splitOptions(foreign, ["clientToken"])).toEqual({ query: {}, call: {} });
  });

  it("reads a call's retry options once: what is checked is what the call retries with", async () => {
    const { sent, service } = setup([
      [503, JSON.stringify({ code: "ServiceUnavailable", message: "busy" })],
      [200, JSON.stringify({ id: "t-1" })],
    ]);
    let reads = 0;
    const retry = {
      get maxAttempts() {
        return reads++ ? 3 : 1;
      },
    };
    const { query, call } = splitOptions({ retry }, ["clientToken"]);
    const error = await callOperation(service, spec, { path: { thingId: "a" }, query, body: {} }, call).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BceServiceError);
    expect(sent).toHaveLength(1);
    expect(reads).toBe(1);
  });

  it("an aborted signal a class's getter gives a call stops it before anything is sent", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    class Options {
      get signal() {
        return AbortSignal.abort();
      }
    }
    // As a generated method passes them.
    const { query, call } = splitOptions(new Options(), ["clientToken"]);
    const error = await callOperation(service, spec, { path: { thingId: "a" }, query, body: {} }, call).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BceAbortError);
    expect(sent).toEqual([]);
  });

  // Every rejection is a BceError, and an answer the service gave is never turned into a failure
  // by a signal of the caller's that misbehaves.
  it("a signal whose `aborted` throws once read again rejects with a BceError, not the signal's own error", async () => {
    const { service } = setup([[503, JSON.stringify({ code: "ServiceUnavailable", message: "busy" })]]);
    let reads = 0;
    const signal = {
      get aborted() {
        if (reads++) throw new Error("aborted getter");
        return false;
      },
      addEventListener() {},
      removeEventListener() {},
    } as unknown as AbortSignal;
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }, { signal }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BceError);
  });

  // Read at each step (the options check, each attempt, the wait between attempts, the answer): wherever
  // it starts to throw, the call settles with its answer or a BceError, and nothing is thrown where no
  // one catches it (a timer's callback, which ended the process).
  /** The call with `signal` settles with the answer `{ id: "t-1" }`, or rejects with a BceError. */
  const expectSettles = async (service: ReturnType<typeof setup>["service"], signal: AbortSignal) => {
    const outcome = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }, { signal }).then(
      (result) => result.data,
      (error: unknown) => error,
    );
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(BceError);
    else expect(outcome).toEqual({ id: "t-1" });
  };

  it.each(Array.from({ length: 14 }, (_, reads) => [reads]))(
    "a signal whose `aborted` throws from its read %i on: the call settles, with its answer or a BceError",
    async (reads) => {
      const { service } = setup([
        [503, JSON.stringify({ code: "ServiceUnavailable", message: "busy" })],
        [200, JSON.stringify({ id: "t-1" })],
      ]);
      let read = 0;
      const signal = {
        get aborted() {
          if (read++ >= reads) throw new Error("aborted getter");
          return false;
        },
        reason: undefined,
        addEventListener() {},
        removeEventListener() {},
      } as unknown as AbortSignal;
      await expectSettles(service, signal);
    },
  );

  it.each(Array.from({ length: 8 }, (_, reads) => [reads]))(
    "a signal that aborts from its read %i on with a `reason` that throws: the call settles, with its answer or a BceError",
    async (reads) => {
      const { service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
      let read = 0;
      const signal = {
        get aborted() {
          return read++ >= reads;
        },
        get reason() {
          throw new Error("reason getter");
        },
        addEventListener() {},
        removeEventListener() {},
      } as unknown as AbortSignal;
      await expectSettles(service, signal);
    },
  );

  // Read in the signal's abort listeners, the getter's error was thrown where no one catches it: the
  // process ended.
  it("a signal whose `reason` getter throws, aborted while the answer is awaited: a BceAbortError, nothing thrown elsewhere", async () => {
    const controller = new AbortController();
    Object.defineProperty(controller.signal, "reason", {
      get() {
        throw new Error("reason getter");
      },
    });
    let started!: () => void;
    const sending = new Promise<void>((resolve) => {
      started = resolve;
    });
    const service = singleAttempt(
      (request) =>
        new Promise((_, reject) => {
          request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
          started();
        }),
    );
    const pending = callOperation(
      service,
      spec,
      { path: { thingId: "a" }, body: {} },
      { signal: controller.signal },
    ).catch((e: unknown) => e);
    await sending;
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(BceAbortError);
    expect((error as Error).cause).toMatchObject({ name: "AbortError" });
  });

  it("a signal whose removeEventListener throws does not fail a call the service answered", async () => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    const signal = {
      aborted: false,
      addEventListener() {},
      removeEventListener() {
        throw new Error("removeEventListener");
      },
    } as unknown as AbortSignal;
    const result = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }, { signal });
    expect(result.data).toEqual({ id: "t-1" });
    expect(sent).toHaveLength(1);
  });

  it("a body JSON cannot hold (a BigInt, a cycle, nesting too deep, a getter that throws, a revoked Proxy) is a BceValidationError naming the body, JSON's error as cause", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    const cyclic: Record<string, unknown> = { name: "n" };
    cyclic.self = cyclic;
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    for (const [body, cause] of [
      [{ name: deep }, RangeError],
      [{ name: 1n }, TypeError],
      [cyclic, TypeError],
      [throwing({}, "name"), Error],
      [{ name: revoked() }, TypeError],
      // A transformed field is read as JSON reads it too, before any transform or check.
      [throwing({ name: "n" }, "userData"), Error],
      [revoked(), TypeError],
    ] as const) {
      const error = await callOperation(service, spec, { path: { thingId: "a" }, body }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceValidationError);
      expect(error).toMatchObject({
        field: "body",
        rule: "type",
        message:
          "body: must be JSON data: no BigInt, no cycles, no nesting too deep to serialize, nothing that throws when read (see cause)",
      });
      expect((error as Error).cause).toBeInstanceOf(cause);
    }
    expect(sent).toEqual([]);
  });

  // JSON.stringify leaves them out without a word: an optional field was sent as not given (a
  // password getter without its call), a required one refused as missing.
  it.each([
    ["a function", { name: "n", userData: () => "x" }, "body.userData", "function"],
    ["a Symbol", { name: Symbol("n") }, "body.name", "Symbol"],
    ["a Symbol in a list", { name: "n", tags: [Symbol("t")] }, "body.tags[0]", "Symbol"],
    [
      "a function with a toJSON's answer",
      { name: "n", when: { toJSON: () => ({ at: () => 1 }) } },
      "body.when.at",
      "function",
    ],
  ])("a body field that is %s is a BceValidationError naming it, nothing sent", async (_, body, field, what) => {
    const { sent, service } = setup([[200, "{}"]]);
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field, rule: "type", message: `${field}: is a ${what}, which JSON cannot carry` });
    expect(sent).toEqual([]);
  });

  it("a function deep in a body is named by a path cut to a few hundred characters", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    let deep: unknown = () => "x";
    for (let i = 0; i < 3000; i++) deep = { a: deep };
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: { name: "n", deep } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BceValidationError);
    expect((error as BceValidationError).field).toMatch(/^body\.deep\.a\.a.*… \(\d+ more characters\)$/);
    expect((error as Error).message.length).toBeLessThan(700);
    expect(sent).toEqual([]);
  });

  it("what fails after the send is not blamed on the arguments: the error says the service answered, and which request", async () => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    const broken = new TypeError("terminated");
    // A middleware hands back an answer whose body breaks off while it is read.
    service.raw.use({
      onResponse: ({ response }) =>
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.error(broken);
            },
          }),
          { status: response.status, headers: response.headers },
        ),
    });
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceError);
    expect(error).toMatchObject({
      message: "the service answered 200 (request id rid-1), but the answer could not be read (see cause)",
      cause: broken,
    });
    expect(sent).toHaveLength(1);
  });

  it("a middleware that throws after the answer came: the error says the service answered, and which request", async () => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    const cause = new Error("middleware bug");
    service.raw.use({
      onResponse: () => {
        throw cause;
      },
    });
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceError);
    expect(error).toMatchObject({
      message: "the service answered 200 (request id rid-1), but a middleware threw (see cause)",
      cause,
    });
    expect(sent).toHaveLength(1);
  });

  it("a middleware that throws before the send is not said to follow an answer", async () => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    const cause = new Error("middleware bug");
    service.raw.use({
      onRequest: () => {
        throw cause;
      },
    });
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: "the call failed outside the transport: a middleware or the body serializer threw (see cause)",
      cause,
    });
    expect(sent).toHaveLength(0);
  });

  it("a middleware that throws a BceError after the answer came (one of another call's): still said to follow the answer", async () => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    // What an audit middleware calling another client may throw: it says nothing was sent.
    const cause = new BceNetworkError("the request to 127.0.0.1:9 failed on the network (ECONNREFUSED)", {
      errorCode: "ECONNREFUSED",
      requestSent: false,
    });
    service.raw.use({
      onResponse: () => {
        throw cause;
      },
    });
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(BceNetworkError);
    expect(error).toMatchObject({
      message: "the service answered 200 (request id rid-1), but a middleware threw (see cause)",
      cause,
    });
    expect(sent).toHaveLength(1);
  });

  it.each([
    [1, undefined],
    [2, 1],
  ])(
    "a signing clock that throws at attempt %i: that attempt is not counted as sent ($metadata.attempts %s)",
    async (throwsAt, attempts) => {
      const sent: string[] = [];
      let reads = 0;
      const service = createServiceClient<Record<string, never>>(
        {
          endpoint: "http://127.0.0.1:9",
          credentials,
          retry: { baseDelayMs: 1, maxDelayMs: 1 },
          signing: {
            clock: () => {
              if (++reads === throwsAt) throw new Error("clock source unavailable");
              return Date.now();
            },
          },
          fetch: async (request) => {
            sent.push(request.url);
            return new Response(JSON.stringify({ code: "ServiceUnavailable", message: "busy" }), { status: 503 });
          },
        },
        "http://127.0.0.1:9",
      );
      const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
      expect(error).toMatchObject({ field: "signing.clock", message: expect.stringMatching(/^signing\.clock: threw/) });
      expect(sent).toHaveLength(throwsAt - 1);
      // Absent when nothing was sent.
      if (attempts === undefined) expect(error).not.toHaveProperty("$metadata");
      else expect(error).toMatchObject({ $metadata: { attempts } });
    },
  );

  it("a body a middleware hands back that breaks off with another call's BceError (no abort of this call's): said to follow the answer", async () => {
    const other = new BceAbortError("the call was aborted", { cause: new Error("other") });
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    service.raw.use({
      onResponse: ({ response }) =>
        new Response(new ReadableStream({ start: (body) => body.error(other) }), {
          status: response.status,
          headers: response.headers,
        }),
    });
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(BceAbortError);
    expect(error).toMatchObject({
      message: "the service answered 200 (request id rid-1), but the answer could not be read (see cause)",
    });
    expect((error as Error).cause).toBe(other);
    expect(sent).toHaveLength(1);
  });

  it("a BceError the caller's fetch throws is passed on unchanged: no call's $metadata is written on it", async () => {
    // A circuit breaker's error, thrown for every call while it is open.
    const open = new BceNetworkError("circuit open", { errorCode: "ECIRCUITOPEN", requestSent: false });
    const service = singleAttempt(async () => {
      throw open;
    });
    for (const clientToken of ["token-of-call-a", "token-of-call-b"]) {
      const error = await callOperation(service, spec, {
        path: { thingId: "a" },
        query: { clientToken },
        body: {},
      }).catch((e: unknown) => e);
      expect(error).toBe(open);
      // Written on, the first call's token would read as the second's.
      expect(open).not.toHaveProperty("$metadata");
    }
  });

  it("a middleware whose onError throws its own error: the attempt's failure is told too", async () => {
    let sends = 0;
    const failing = singleAttempt(async () => {
      sends++;
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } });
    });
    const cause = new Error("logging backend down");
    failing.raw.use({
      onError: () => {
        throw cause;
      },
    });
    const error = await callOperation(failing, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceError);
    expect((error as Error).message).toBe(
      "the request to 127.0.0.1:9 failed on the network (ECONNRESET), and then a middleware threw (see cause)",
    );
    expect(error).toMatchObject({ cause });
    expect(sends).toBe(1);
    // An onError that gives the failure back, or nothing, leaves it as it is.
    const passing = singleAttempt(() => Promise.reject(new TypeError("fetch failed")));
    passing.raw.use({ onError: ({ error }) => error as Error });
    await expect(callOperation(passing, spec, { path: { thingId: "a" }, body: {} })).rejects.toBeInstanceOf(
      BceNetworkError,
    );
  });

  it("the caller's abort while an onError runs after a failed attempt is their abort", async () => {
    const service = singleAttempt(() => Promise.reject(new TypeError("fetch failed")));
    let erring!: () => void;
    const inOnError = new Promise<void>((resolve) => (erring = resolve));
    service.raw.use({
      onError: () => {
        erring();
        return new Promise<never>(() => {}); // a log sent somewhere that never answers
      },
    });
    const controller = new AbortController();
    const calling = callOperation(service, spec, { path: { thingId: "a" }, body: {} }, { signal: controller.signal });
    await inOnError;
    controller.abort();
    const error = await calling.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceAbortError);
    // After the failure it follows, as after a hook's.
    expect((error as Error).message).toBe(
      "the attempt failed (the request to 127.0.0.1:9 failed on the network), but the call was aborted",
    );
  });

  it("an attempt the caller aborted stays their abort, whatever an onError throws or gives back", async () => {
    for (const onError of [
      ({ error }: { error: unknown }) => new Error(`wrapped: ${(error as Error).message}`),
      () => {
        throw new Error("log backend down");
      },
    ]) {
      const service = createServiceClient<Record<string, never>>(
        {
          endpoint: "http://127.0.0.1:9",
          credentials,
          fetch: (request) =>
            new Promise<Response>((_, reject) =>
              request.signal.addEventListener("abort", () => reject(request.signal.reason)),
            ),
        },
        "http://127.0.0.1:9",
      );
      service.raw.use({ onError });
      const controller = new AbortController();
      const calling = callOperation(service, spec, { path: { thingId: "a" }, body: {} }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 5);
      await expect(calling).rejects.toBeInstanceOf(BceAbortError);
    }
  });

  it("a BceAbortError an onError throws from another call is not the caller's abort", async () => {
    const service = singleAttempt(() =>
      Promise.reject(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } })),
    );
    const other = new BceAbortError("the call was aborted");
    service.raw.use({
      onError: () => {
        throw other;
      },
    });
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(BceAbortError);
    expect(error).toMatchObject({
      message: "the request to 127.0.0.1:9 failed on the network (ECONNRESET), and then a middleware threw (see cause)",
      cause: other,
    });
  });

  it("an onError's error after a hook failed past a 200: the message still starts with the service's answer", async () => {
    const hooked = createServiceClient<Record<string, never>>(
      {
        endpoint: "http://127.0.0.1:9",
        credentials,
        retry: { maxAttempts: 1 },
        hooks: {
          afterAttempt: () => {
            throw new Error("hook bug");
          },
        },
        fetch: async () => new Response("{}", { status: 200, headers: { "x-bce-request-id": "rid-9" } }),
      },
      "http://127.0.0.1:9",
    );
    hooked.raw.use({
      onError: () => {
        throw new Error("log backend down");
      },
    });
    const error = await callOperation(hooked, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "the service answered 200 (request id rid-9), but the afterAttempt hook threw, and then a middleware threw (see cause)",
    );
  });

  it("an onError's error after a retry policy threw past a 503: one (see cause), at the end", async () => {
    const policed = createServiceClient<Record<string, never>>(
      {
        endpoint: "http://127.0.0.1:9",
        credentials,
        retry: {
          shouldRetry: () => {
            throw new Error("policy bug");
          },
        },
        fetch: async () => Response.json({ code: "ServiceUnavailable", message: "m" }, { status: 503 }),
      },
      "http://127.0.0.1:9",
    );
    policed.raw.use({
      onError: () => {
        throw new Error("log backend down");
      },
    });
    const error = await callOperation(policed, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "retry.shouldRetry threw; an attempt of the call was sent, and the service may have acted on it, and then a middleware threw (see cause)",
    );
  });

  // An error answer a middleware put in the transport's place, or a middleware's own error at the
  // final error answer, is told of the earlier attempts as the transport's own error is.
  it.each([
    [
      "rebuilt",
      (({ response }) => new Response(response.body, response)) as NonNullable<Middleware["onResponse"]>,
      "ServiceUnavailable: m (status 503, request id r-1)",
    ],
    [
      "threw at",
      (({ response }) => {
        if (!response.ok) throw new Error("mw");
      }) as NonNullable<Middleware["onResponse"]>,
      "the service answered 503 (request id r-1), but a middleware threw (see cause)",
    ],
  ])(
    "an error answer a middleware %s, after a 2xx was cut off: the error still names the 2xx",
    async (_, onResponse, said) => {
      let calls = 0;
      const client = createServiceClient<Record<string, never>>(
        {
          endpoint: "http://127.0.0.1:9",
          credentials,
          retry: { maxAttempts: 2, baseDelayMs: 0 },
          fetch: async () =>
            calls++ === 0
              ? new Response(new ReadableStream({ start: (c) => c.error(new TypeError("terminated")) }), {
                  status: 200,
                })
              : Response.json(
                  { code: "ServiceUnavailable", message: "m", requestId: "r-1" },
                  { status: 503, headers: { "x-bce-request-id": "r-1" } },
                ),
        },
        "http://127.0.0.1:9",
      );
      client.raw.use({ onResponse });
      const error = await callOperation(client, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
      expect(calls).toBe(2);
      expect((error as Error).message).toBe(
        `${said}; attempt 1's answer came (status 200: the service took the call), but not all of its body`,
      );
    },
  );

  it("a middleware that reads an error answer's body: the call still rejects with the service's error", async () => {
    const { service } = setup([[403, JSON.stringify({ code: "AccessDenied", message: "no", requestId: "r1" })]]);
    const read: string[] = [];
    service.raw.use({
      onResponse: async ({ response }) => {
        if (!response.ok) read.push(await response.text());
      },
    });
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(read).toHaveLength(1);
    expect(error).toBeInstanceOf(BceServiceError);
    expect(error).toMatchObject({ status: 403, code: "AccessDenied" });
    // One that only holds a reader of it: the same.
    const locking = setup([[403, JSON.stringify({ code: "AccessDenied", message: "no", requestId: "r1" })]]);
    locking.service.raw.use({
      onResponse: ({ response }) => {
        if (!response.ok) response.body?.getReader();
      },
    });
    await expect(callOperation(locking.service, spec, { path: { thingId: "a" }, body: {} })).rejects.toMatchObject({
      name: "BceServiceError",
      code: "AccessDenied",
    });
    // One that reads it and throws an error of its own (it maps the code): its error is the cause.
    const mapping = setup([[404, JSON.stringify({ code: "NoSuchThing", message: "gone", requestId: "r1" })]]);
    class NotFound extends Error {}
    mapping.service.raw.use({
      onResponse: async ({ response }) => {
        if (!response.ok) throw new NotFound(((await response.json()) as { code: string }).code);
      },
    });
    const mapped = await callOperation(mapping.service, spec, { path: { thingId: "a" }, body: {} }).catch(
      (e: unknown) => e,
    );
    expect(mapped).toMatchObject({
      message: "the service answered 404 (request id rid-1), but a middleware threw (see cause)",
      cause: expect.any(NotFound),
    });
  });

  it("a middleware that hands back an error answer of its own: the attempt's signature it echoes is hidden too", async () => {
    const signatures: string[] = [];
    const service = singleAttempt(async (request) => {
      const authorization = request.headers.get("authorization") ?? "";
      signatures.push(authorization.slice(authorization.lastIndexOf("/") + 1));
      return new Response(
        JSON.stringify({ code: "SignatureDoesNotMatch", message: `got ${authorization}`, requestId: "r1" }),
        { status: 403, headers: { "content-type": "application/json", "x-bce-request-id": "r1" } },
      );
    });
    // A "log the body" middleware: the Response the call reads is not the transport's.
    service.raw.use({ onResponse: async ({ response }) => new Response(await response.text(), response) });
    const error = await callOperation(service, spec, { path: { thingId: "a" }, body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceServiceError);
    expect(signatures[0]).toMatch(/^[0-9a-f]{64}$/);
    expect((error as Error).message).not.toContain(signatures[0]);
    expect((error as Error).message).toContain("<redacted>");
  });
});

describe("a middleware that never settles: the call's signal ends the call", () => {
  const never = () => new Promise<never>(() => {});
  const endless = (response: Response) =>
    new Response(new ReadableStream({ pull: never }), { status: response.status, headers: response.headers });

  it.each([
    ["onRequest", { onRequest: never }, 0, "the call was aborted"],
    ["onResponse", { onResponse: never }, 1, "the service answered 200 (request id rid-1), but the call was aborted"],
    [
      "onResponse handing back a body that never ends",
      { onResponse: ({ response }: { response: Response }) => endless(response) },
      1,
      "the service answered 200 (request id rid-1), but the call was aborted",
    ],
  ])("a hanging %s", async (_, middleware, sends, message) => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    service.raw.use(middleware);
    const controller = new AbortController();
    const reason = new Error("user gave up");
    const calling = callOperation(service, spec, { path: { thingId: "a" }, body: {} }, { signal: controller.signal });
    // Aborted once the middleware is waiting (the send, if any, has been made).
    await vi.waitFor(() => expect(sent).toHaveLength(sends));
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(reason);
    const error = await calling.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceAbortError);
    expect(error).toMatchObject({ message, cause: reason });
    // The status of the answer that had come (a 2xx: the service acted); none before one came.
    if (sends === 0) expect(error).not.toHaveProperty("answerStatus");
    else expect(error).toMatchObject({ answerStatus: 200 });
    expect(sent).toHaveLength(sends);
  });

  // A middleware that passes the abort's reason on (a fetch of its own given the request's signal,
  // `throwIfAborted`, a body that errors with it): the call's error is the caller's abort, never the
  // reason itself, whatever it is (another call's error, which would say this request was refused
  // before it was sent, or by the service).
  const reasons = [
    ["an Error", () => new Error("user gave up")],
    ["another call's BceValidationError", () => new BceValidationError("body.adminPass", "minLength", "is too short")],
    [
      "another call's BceServiceError",
      () => new BceServiceError({ status: 400, code: "InvalidParameter", message: "bad", requestId: "rid-a" }),
    ],
    ["another call's BceAbortError", () => new BceAbortError("the call was aborted", { cause: new Error("other") })],
  ] as const;
  /** Aborts with `given`: the call rejects with a BceAbortError of its own, `given` its cause. */
  const expectAbortedWith = async (controller: AbortController, calling: Promise<unknown>, given: unknown) => {
    controller.abort(given);
    const error = await calling;
    expect(error).toBeInstanceOf(BceAbortError);
    expect(error).not.toBe(given);
    expect((error as Error).cause).toBe(given);
  };
  const passingOn = (signal: AbortSignal) =>
    new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
  it.each(
    reasons.flatMap(
      ([what, reason]) =>
        [
          ["onRequest", what, reason, 0, "the call was aborted"],
          ["onResponse", what, reason, 1, "the service answered 200 (request id rid-1), but the call was aborted"],
          [
            "onResponse's body",
            what,
            reason,
            1,
            "the service answered 200 (request id rid-1), but the call was aborted",
          ],
        ] as const,
    ),
  )("a %s that passes on the abort's reason (%s): BceAbortError", async (stage, _, reason, sends, message) => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    const controller = new AbortController();
    const { signal } = controller;
    service.raw.use(
      stage === "onRequest"
        ? { onRequest: () => passingOn(signal) }
        : stage === "onResponse"
          ? { onResponse: () => passingOn(signal) }
          : {
              onResponse: ({ response }) =>
                new Response(
                  new ReadableStream({
                    start: (body) => signal.addEventListener("abort", () => body.error(signal.reason), { once: true }),
                  }),
                  { status: response.status, headers: response.headers },
                ),
            },
    );
    const calling = callOperation(service, spec, { path: { thingId: "a" }, body: {} }, { signal });
    await vi.waitFor(() => expect(sent).toHaveLength(sends));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const given = reason();
    controller.abort(given);
    const error = await calling.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceAbortError);
    expect(error).not.toBe(given);
    expect(error).toMatchObject({ message });
    expect((error as Error).cause).toBe(given);
    // The reason, another call's error, is left as it was.
    expect(given).not.toHaveProperty("$metadata");
    expect(sent).toHaveLength(sends);
  });

  it.each(
    reasons.flatMap(([what, reason]) =>
      (["onRequest", "onResponse"] as const).map((stage) => [stage, what, reason] as const),
    ),
  )("a raw call whose %s middleware passes on the abort's reason (%s): BceAbortError", async (stage, _, reason) => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    const controller = new AbortController();
    const { signal } = controller;
    service.raw.use(
      stage === "onRequest" ? { onRequest: () => passingOn(signal) } : { onResponse: () => passingOn(signal) },
    );
    const raw = service.raw as unknown as { PUT: (path: string, init: object) => Promise<unknown> };
    const calling = raw.PUT("/v3/things/a", { body: {}, signal }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(sent).toHaveLength(stage === "onRequest" ? 0 : 1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expectAbortedWith(controller, calling, reason());
  });

  it.each(reasons)("a raw call whose own fetch passes on the abort's reason (%s): BceAbortError", async (_, reason) => {
    const { service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    const controller = new AbortController();
    let fetching!: () => void;
    const inFetch = new Promise<void>((resolve) => (fetching = resolve));
    const fetch = (request: Request) => {
      fetching();
      return passingOn(request.signal);
    };
    const raw = service.raw as unknown as { PUT: (path: string, init: object) => Promise<unknown> };
    const calling = raw.PUT("/v3/things/a", { body: {}, signal: controller.signal, fetch }).catch((e: unknown) => e);
    await inFetch;
    await expectAbortedWith(controller, calling, reason());
  });

  it("a raw call aborted while a middleware builds a new Request (with no signal): nothing is sent after the rejection", async () => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    let rebuilt!: () => void;
    const built = new Promise<void>((resolve) => (rebuilt = resolve));
    service.raw.use({
      async onRequest({ request }) {
        const body = await request.text();
        await new Promise((resolve) => setTimeout(resolve, 50));
        rebuilt();
        return new Request(request.url, { method: request.method, headers: request.headers, body });
      },
    });
    const controller = new AbortController();
    const raw = service.raw as unknown as { PUT: (path: string, init: object) => Promise<unknown> };
    const calling = raw.PUT("/v3/things/a", { body: {}, signal: controller.signal });
    controller.abort();
    await expect(calling).rejects.toBeInstanceOf(BceAbortError);
    await built;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toEqual([]);
  });

  it("an abort during an attempt keeps the transport's word that the service answered, while a middleware's onError runs", async () => {
    const sent: string[] = [];
    let hooked!: () => void;
    const inHook = new Promise<void>((resolve) => (hooked = resolve));
    const service = createServiceClient<Record<string, never>>(
      {
        endpoint: "http://127.0.0.1:9",
        credentials,
        hooks: {
          // The answer has come (a 2xx: the service acted) when the call is aborted.
          afterAttempt: () => {
            hooked();
            return new Promise((resolve) => setTimeout(resolve, 200));
          },
        },
        fetch: async (request) => {
          sent.push(request.url);
          return new Response(JSON.stringify({ id: "t-1" }), {
            status: 200,
            headers: { "content-type": "application/json", "x-bce-request-id": "rid-1" },
          });
        },
      },
      "http://127.0.0.1:9",
    );
    service.raw.use({ onError: () => new Promise((resolve) => setTimeout(resolve, 30)) });
    const controller = new AbortController();
    const calling = callOperation(service, spec, { path: { thingId: "a" }, body: {} }, { signal: controller.signal });
    await inHook;
    controller.abort();
    const error = await calling.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceAbortError);
    expect((error as Error).message).toBe("the service answered 200 (request id rid-1), but the call was aborted");
    expect(sent).toHaveLength(1);
  });

  it("a raw call, its signal aborted already", async () => {
    const { sent, service } = setup([[200, JSON.stringify({ id: "t-1" })]]);
    service.raw.use({ onRequest: never });
    const raw = service.raw as unknown as { PUT: (path: string, init: object) => Promise<unknown> };
    const error = await raw.PUT("/v3/things/a", { body: {}, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceAbortError);
    expect(sent).toEqual([]);
  });
});

describe("without Web Crypto (a browser gives it only to secure pages)", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("a call that needs an idempotency token or an encrypted password fails with a BceError naming the cause, and sends nothing", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    vi.stubGlobal("crypto", {});
    for (const [input, need] of [
      [{ path: { thingId: "a" }, body: {} }, "randomUUID"],
      [{ path: { thingId: "a" }, query: { clientToken: "mine" }, body: { pass: "1qaz@WSX" } }, "subtle"],
    ] as const) {
      const error = await callOperation(service, spec, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BceError);
      expect((error as Error).message).toBe(
        `Web Crypto (globalThis.crypto.${need}) is not available here: browsers give it only to secure pages (https:, or http: from localhost)`,
      );
    }
    expect(sent).toEqual([]);
  });
});

describe("a client built without what an operation needs", () => {
  it("rejects with a BceError naming the missing transform, before anything is sent", async () => {
    const { sent, service } = setup([[200, "{}"]]);
    await expect(call(service, spec, { path: { thingId: "a" }, body: {} })).rejects.toThrow(
      /makeThing: the client was built without the encodeUserData transform/,
    );
    expect(sent).toHaveLength(0);
  });
});

describe("splitOptions", () => {
  it("sends the operation's query options to the request and the rest to the transport", () => {
    const signal = new AbortController().signal;
    expect(splitOptions({ clientToken: "t", timeoutMs: 5, signal, retry: undefined }, ["clientToken"])).toEqual({
      query: { clientToken: "t" },
      call: { timeoutMs: 5, signal, retry: undefined },
    });
    expect(splitOptions(undefined, ["clientToken"])).toEqual({ query: {}, call: {} });
    expect(() => splitOptions("fast", [])).toThrow(BceValidationError);
  });

  it.each([
    // BCC's rebuild takes no token: ignored, the key would promise an idempotency the call does not have.
    [{ clientToken: "t" }, [], "clientToken: is not an option of this call; its options are signal, timeoutMs, retry"],
    [
      { other: undefined },
      ["clientToken"],
      "other: is not an option of this call; its options are signal, timeoutMs, retry, clientToken",
    ],
    [{ timeoutMS: 5 }, [], "timeoutMS: is not an option; did you mean timeoutMs?"],
    // A key no identifier is, quoted as a body's is: escaped (no terminal control reaches a log) and cut.
    [{ "timeoutM\u001b": 5 }, [], '["timeoutM\\u001b"]: is not an option; did you mean timeoutMs?'],
  ])("refuses any other key, naming it and the options there are: %o", (options, queryNames, message) => {
    expect(() => splitOptions(options, queryNames)).toThrow(
      expect.objectContaining({ name: "BceValidationError", rule: "unknown", message }),
    );
  });

  it("names a long key cut short, escaped, and without comparing it with every option", () => {
    const key = `k${"x".repeat(1_000_000)}\n`;
    let error: unknown;
    try {
      splitOptions({ [key]: 1 }, []);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "BceValidationError", rule: "unknown" });
    const { field, message } = error as BceValidationError;
    expect(field).toBe(`["k${"x".repeat(98)}… (999905 more characters)]`);
    expect(message).toBe(`${field}: is not an option of this call; its options are signal, timeoutMs, retry`);
  });
});
