// What the BEC client puts on the wire, seen by a recording fetch (no network).
import { createRequire } from "node:module";
import { decodeUserData, verifyRequest } from "@bce-openapi/core";
import * as core from "@bce-openapi/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as Bec from "../src/index.js";
import {
  BceValidationError,
  createBecClient,
  type BecClient,
  type KeyConfig,
  type ReinstallVmInstanceInput,
  type ResponseMetadata,
  type VmInstanceDetailsVo,
  type VmInstanceReinstallRequest,
  type VmInstanceReinstallResult,
} from "../src/index.js";
import { servers } from "../src/generated/operations.js";

const require = createRequire(import.meta.url);
const spec = require("@bce-openapi/spec/openapi.json") as {
  components: { examples: Record<string, { value: unknown }> };
};
const exampleAnswer = spec.components.examples.BecReinstallResponseExample!.value;

const credentials = { accessKeyId: "test-ak", secretAccessKey: "test-secret-access-key-0000" };
const answer = JSON.stringify({ result: true, action: "reinstall", details: null });

const TOKEN = expect.stringMatching(/^[0-9a-f-]{36}$/);

function recorder(body = answer, status = 200) {
  const sent: Request[] = [];
  return {
    sent,
    fetch: async (request: Request) => {
      sent.push(request.clone());
      return new Response(body, {
        status,
        headers: { "content-type": "application/json", "x-bce-request-id": "rid-1" },
      });
    },
  };
}

const input: ReinstallVmInstanceInput = {
  keyConfig: { type: "password", adminPass: "root@!123456" },
  imageId: "im-awwxnhme-2-u-huhehaote",
  imageType: "bec",
  userData: "#!/bin/sh\necho 你好",
};

describe("createBecClient", () => {
  it("defaults to the endpoint the spec lists", async () => {
    expect(servers[0].url).toBe("https://bec.baidubce.com");
    const rec = recorder();
    const bec = createBecClient({ credentials, fetch: rec.fetch });
    await bec.reinstallVmInstance("vm-1", input).catch(() => undefined);
    expect(new URL(rec.sent[0]!.url).origin).toBe("https://bec.baidubce.com");
  });

  // Given to the client, a call's option was ignored: the call ran to its timeout past an abort, and
  // each call took a token of its own.
  it.each([
    ["signal", new AbortController().signal],
    ["clientToken", "token-1"],
  ])("refuses %s, an option of each call, naming it", (name, value) => {
    const options = { credentials, [name]: value } as object;
    expect(() => createBecClient(options)).toThrow(
      expect.objectContaining({
        name: "BceValidationError",
        field: name,
        message: expect.stringContaining("is an option of a call: give it to the method"),
      }),
    );
    expect(() => createBecClient({ credentials, [name]: undefined } as object)).not.toThrow();
  });

  it("refuses an endpoint that is not an absolute http(s) URL", () => {
    expect(() => createBecClient({ endpoint: "ftp://x" })).toThrow(BceValidationError);
    expect(() => createBecClient({ endpoint: "not a url" })).toThrow(/endpoint/);
  });

  // A bare "?" or "#" would put the operation's path in the query or the fragment.
  it.each([
    "http://127.0.0.1:9/?",
    "http://127.0.0.1:9/#",
    "http://127.0.0.1:9?",
    "http://127.0.0.1:9/base?x=1",
    "http://127.0.0.1:9/#top",
    "http://user:pw@127.0.0.1:9",
  ])("refuses the endpoint %s, which holds a query, a fragment or user info", (endpoint) => {
    expect(() => createBecClient({ endpoint })).toThrow("endpoint: must not hold a query, fragment or user info");
  });

  // Looked up, it would fail on the network, its name quoted whole in the error.
  it("refuses an endpoint whose host name is longer than DNS allows, and takes one of 253 characters", () => {
    const label = "a".repeat(63);
    const longest = `${label}.${label}.${label}.${"a".repeat(61)}`;
    expect(longest).toHaveLength(253);
    expect(() => createBecClient({ endpoint: `http://${longest}` })).not.toThrow();
    // Written fully qualified, with its root's dot: the same name.
    expect(() => createBecClient({ endpoint: `http://${longest}.` })).not.toThrow();
    expect(() => createBecClient({ endpoint: `http://a${longest}` })).toThrow(
      expect.objectContaining({
        field: "endpoint",
        rule: "maxLength",
        message: "endpoint: has a host name longer than 253 characters, the most DNS allows",
      }),
    );
  });
});

describe("reinstallVmInstance on the wire", () => {
  it("sends PUT to the path, a clientToken, the encoded userData, and a valid signature", async () => {
    const rec = recorder(JSON.stringify({ result: true, action: "reinstall" }));
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await bec.reinstallVmInstance("vm-6ahy6dli", input).catch(() => undefined);
    const request = rec.sent[0]!;
    const url = new URL(request.url);
    expect(request.method).toBe("PUT");
    expect(url.pathname).toBe("/v1/vm/instance/vm-6ahy6dli/system/reinstall");
    expect(url.searchParams.get("clientToken")).toMatch(/^[0-9a-f-]{36}$/);
    const raw = await request.arrayBuffer();
    const body = JSON.parse(new TextDecoder().decode(raw)) as VmInstanceReinstallRequest;
    expect(decodeUserData(body.userData!)).toBe(input.userData);
    expect(body.keyConfig).toEqual(input.keyConfig);
    const verdict = await verifyRequest(
      // What fetch adds on the wire: Host, and Content-Length for the byte body.
      {
        method: request.method,
        path: url.pathname + url.search,
        headers: { ...Object.fromEntries(request.headers), host: url.host, "content-length": String(raw.byteLength) },
      },
      { getSecretAccessKey: (ak) => (ak === credentials.accessKeyId ? credentials.secretAccessKey : undefined) },
    );
    expect(verdict).toMatchObject({ ok: true });
  });

  it("sends the caller's clientToken when one is given", async () => {
    const rec = recorder();
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await bec.reinstallVmInstance("vm-1", input, { clientToken: "my-token-1" }).catch(() => undefined);
    expect(new URL(rec.sent[0]!.url).searchParams.get("clientToken")).toBe("my-token-1");
  });

  it("refuses a clientToken the spec does not allow, before sending", async () => {
    const rec = recorder();
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await expect(bec.reinstallVmInstance("vm-1", input, { clientToken: "x".repeat(65) })).rejects.toMatchObject({
      field: "clientToken",
    });
    expect(rec.sent).toHaveLength(0);
  });

  it("resolves with the parsed answer and $metadata beside it", async () => {
    const rec = recorder(JSON.stringify(exampleAnswer));
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    const result = await bec.reinstallVmInstance("vm-1", input);
    // The idempotency token the call carried, told back.
    const clientToken = new URL(rec.sent[0]!.url).searchParams.get("clientToken");
    expect(clientToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(result).toEqual({
      ...(exampleAnswer as object),
      $metadata: { httpStatusCode: 200, requestId: "rid-1", attempts: 1, totalRetryDelay: 0, clientToken },
    });
  });

  it("with validateResponses strict, rejects an answer that breaks the spec with a BceResponseError naming the field", async () => {
    const rec = recorder(JSON.stringify({ result: "yes", action: "reinstall" }));
    const bec = createBecClient({
      endpoint: "http://127.0.0.1:9",
      credentials,
      fetch: rec.fetch,
      validateResponses: "strict",
    });
    await expect(bec.reinstallVmInstance("vm-1", input)).rejects.toMatchObject({
      name: "BceResponseError",
      requestId: "rid-1",
      problems: ["body.result: must be boolean"],
    });
  });

  it("resolves a done reinstall whose answer differs from the spec (response checks are off by default)", async () => {
    const rec = recorder(JSON.stringify({ result: true, action: "reinstall", extra: 1 }));
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await expect(bec.reinstallVmInstance("vm-1", input)).resolves.toMatchObject({ result: true, extra: 1 });
  });

  it.each(['"done"', "[1,2]", "5", "true"])(
    "rejects a success body %s, which is not a JSON object, with a BceResponseError in every mode",
    async (body) => {
      for (const validateResponses of ["off", "warn", "strict"] as const) {
        const bec = createBecClient({
          endpoint: "http://127.0.0.1:9",
          credentials,
          fetch: recorder(body).fetch,
          validateResponses,
        });
        await expect(bec.reinstallVmInstance("vm-1", input)).rejects.toMatchObject({
          name: "BceResponseError",
          problems: ["body: is not a JSON object"],
        });
      }
    },
  );

  it("resolves a success body of null with its metadata alone", async () => {
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: recorder("null").fetch });
    await expect(bec.reinstallVmInstance("vm-1", input)).resolves.toEqual({
      $metadata: { httpStatusCode: 200, requestId: "rid-1", attempts: 1, totalRetryDelay: 0, clientToken: TOKEN },
    });
  });

  it.each(["", "  ", "null"])(
    "checks an empty success body (%j) as it checks null: metadata alone when off, rejected when strict",
    async (body) => {
      const off = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: recorder(body).fetch });
      await expect(off.reinstallVmInstance("vm-1", input)).resolves.toEqual({
        $metadata: { httpStatusCode: 200, requestId: "rid-1", attempts: 1, totalRetryDelay: 0, clientToken: TOKEN },
      });
      const strict = createBecClient({
        endpoint: "http://127.0.0.1:9",
        credentials,
        fetch: recorder(body).fetch,
        validateResponses: "strict",
      });
      await expect(strict.reinstallVmInstance("vm-1", input)).rejects.toMatchObject({
        name: "BceResponseError",
        requestId: "rid-1",
        problems: ["body: must be object"],
      });
    },
  );

  it("refuses the keyConfig member its type does not choose before sending (client rule)", async () => {
    const rec = recorder();
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await bec.reinstallVmInstance("vm-1", {
      imageId: "im-1",
      keyConfig: { type: "bccKeyPair", bccKeyPairIdList: ["k-1"] },
    });
    expect(rec.sent).toHaveLength(1);
    await expect(
      bec.reinstallVmInstance("vm-1", {
        imageId: "im-1",
        // @ts-expect-error the type refuses it too: a password beside key pairs would travel for nothing
        keyConfig: { type: "bccKeyPair", bccKeyPairIdList: ["k-1"], adminPass: "root@!123456" },
      }),
    ).rejects.toMatchObject({
      field: "body.keyConfig.adminPass",
      rule: "not",
      message: "body.keyConfig.adminPass: is not allowed unless type is password",
    });
    await expect(
      bec.reinstallVmInstance("vm-1", {
        imageId: "im-1",
        // @ts-expect-error as does the type
        keyConfig: { type: "password", adminPass: "root@!123456", bccKeyPairIdList: ["k-1"] },
      }),
    ).rejects.toMatchObject({
      field: "body.keyConfig.bccKeyPairIdList",
      rule: "not",
      message: "body.keyConfig.bccKeyPairIdList: is not allowed unless type is bccKeyPair",
    });
    // The deprecated top-level password beside keyConfig: two passwords (or a password beside key
    // pairs), and nothing to say which login the VM gets.
    const keyConfigs: ReinstallVmInstanceInput["keyConfig"][] = [
      { type: "password", adminPass: "root@!123456" },
      { type: "bccKeyPair", bccKeyPairIdList: ["k-1"] },
    ];
    for (const keyConfig of keyConfigs)
      await expect(
        bec.reinstallVmInstance("vm-1", {
          imageId: "im-1",
          keyConfig,
          // @ts-expect-error the type refuses it too
          adminPass: "Other@!999999",
        }),
      ).rejects.toMatchObject({
        field: "body.adminPass",
        rule: "not",
        message: "body.adminPass: is deprecated and not sent: give the password as keyConfig.adminPass",
      });
    expect(rec.sent).toHaveLength(1);
  });

  // The spec gives reinstallVmInstance one success status, 200: another's body was never described.
  it.each([
    [201, JSON.stringify(exampleAnswer)],
    [202, '{"result":"not-a-boolean","details":5}'],
    [204, null],
  ])("with validateResponses strict, rejects a %i the spec does not give, naming the status", async (status, body) => {
    const strict = createBecClient({
      endpoint: "http://127.0.0.1:9",
      credentials,
      fetch: recorder(body as string, status).fetch,
      validateResponses: "strict",
    });
    await expect(strict.reinstallVmInstance("vm-1", input)).rejects.toMatchObject({
      name: "BceResponseError",
      status,
      requestId: "rid-1",
      problems: [`status: ${status} is not a success status the API description gives (it gives 200)`],
    });
    // Off (the default), the service's answer is taken as it comes: it acted.
    const off = createBecClient({
      endpoint: "http://127.0.0.1:9",
      credentials,
      fetch: recorder(body as string, status).fetch,
    });
    await expect(off.reinstallVmInstance("vm-1", input)).resolves.toMatchObject({
      $metadata: { httpStatusCode: status },
    });
  });

  it.each([null, "", 5])(
    "refuses imageId %j (the service side takes null; the client sends a non-empty string)",
    async (imageId) => {
      const rec = recorder();
      const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
      await expect(
        bec.reinstallVmInstance("vm-1", { ...input, imageId: imageId as unknown as string }),
      ).rejects.toMatchObject({ name: "BceValidationError", field: "body.imageId" });
      expect(rec.sent).toHaveLength(0);
    },
  );

  it("refuses a bad vmId before asking for credentials or sending", async () => {
    let asked = 0;
    const rec = recorder();
    const bec = createBecClient({
      endpoint: "http://127.0.0.1:9",
      credentials: () => {
        asked++;
        return credentials;
      },
      fetch: rec.fetch,
    });
    await expect(bec.reinstallVmInstance("../x", input)).rejects.toMatchObject({ field: "vmId", rule: "pattern" });
    await expect(bec.reinstallVmInstance(" ", input)).rejects.toMatchObject({ field: "vmId", rule: "minLength" });
    expect(asked).toBe(0);
    expect(rec.sent).toHaveLength(0);
  });

  it("names a value of the wrong kind once, by its client rule, not again by the schema that also takes null", async () => {
    const rec = recorder();
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    const refused = (body: Record<string, unknown>) =>
      bec.reinstallVmInstance("vm-1", { ...input, ...body } as ReinstallVmInstanceInput).then(
        () => undefined,
        (error: Error) => error.message,
      );
    expect(await refused({ userData: 5 })).toBe("body.userData: must be string");
    expect(await refused({ resetDataDisk: "yes" })).toBe("body.resetDataDisk: must be boolean");
    expect(await refused({ keyConfig: 5 })).toBe("body.keyConfig: must be object");
    expect(await refused({ imageType: 5 })).toBe("body.imageType: must be one of: bec, bcc, rds");
    expect(await refused({ keyConfig: { type: "password", adminPass: 5 } })).toBe(
      "body.keyConfig.adminPass: must be string",
    );
    // Other issues still follow.
    expect(await refused({ userData: 5, cudaVersion: 1 })).toBe(
      "body.userData: must be string (also: body.cudaVersion: must be string)",
    );
    expect(rec.sent).toHaveLength(0);
  });

  // What to fix first: a missing or misspelt type before the members it calls for or refuses, and
  // the body's other problems before a password the policy refuses (whose word comes once they are gone).
  it("names what to fix first: the type before its members, the body's shape before the password policy", async () => {
    const rec = recorder();
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    const refused = (body: Record<string, unknown>) =>
      bec
        .reinstallVmInstance("vm-1", { ...input, ...body } as ReinstallVmInstanceInput)
        .catch((error: unknown) => error);
    expect(await refused({ keyConfig: { bccKeyPairIdList: ["k-1"] } })).toMatchObject({
      name: "BceValidationError",
      field: "body.keyConfig.type",
      rule: "required",
    });
    expect(await refused({ keyConfig: { type: "pasword", adminPass: "abc" } })).toMatchObject({
      name: "BceValidationError",
      field: "body.keyConfig.type",
      rule: "enum",
    });
    expect(
      await refused({ keyConfig: { type: "bccKeyPair", bccKeyPairIdList: ["k-1"], adminPass: "short" } }),
    ).toMatchObject({
      name: "BceValidationError",
      field: "body.keyConfig.adminPass",
      rule: "not",
    });
    expect(await refused({ imageId: undefined, keyConfig: { type: "password", adminPass: "short" } })).toMatchObject({
      name: "BceValidationError",
      field: "body.imageId",
      rule: "required",
    });
    // Nothing else wrong: the policy's word.
    expect(await refused({ keyConfig: { type: "password", adminPass: "short" } })).toMatchObject({
      name: "PasswordPolicyError",
      field: "body.keyConfig.adminPass",
    });
    expect(rec.sent).toHaveLength(0);
  });

  it("sends cudaVersion and cudnnVersion only as three-part versions (client rule), before sending", async () => {
    const rec = recorder();
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    const gpu = { cudaVersion: "12.5.1", cudnnVersion: "9.6.0", driverVersion: "550.144.03" };
    await bec.reinstallVmInstance("vm-1", { ...input, ...gpu });
    expect(await rec.sent[0]!.json()).toMatchObject(gpu);
    await expect(bec.reinstallVmInstance("vm-1", { ...input, ...gpu, cudaVersion: "12.5" })).rejects.toMatchObject({
      field: "body.cudaVersion",
      rule: "pattern",
    });
    await expect(bec.reinstallVmInstance("vm-1", { ...input, ...gpu, cudnnVersion: "9.6.0-1" })).rejects.toMatchObject({
      field: "body.cudnnVersion",
      rule: "pattern",
    });
    expect(rec.sent).toHaveLength(1);
  });
});

describe("exported types", () => {
  it("a service error's code is one the spec lists, which an editor completes, or any other", async () => {
    const body = JSON.stringify({ code: "IdempotentParameterMismatch", message: "m", requestId: "rid-1" });
    const bec = createBecClient({ credentials, fetch: recorder(body, 403).fetch });
    const caught = await bec.reinstallVmInstance("vm-1", input).catch((error: unknown) => error);
    if (!(caught instanceof Bec.BceServiceError)) throw caught;
    expect(caught.code).toBe("IdempotentParameterMismatch");
    expectTypeOf(caught.code).toEqualTypeOf<Bec.BceErrorCode>();
    // Not `string`, which would complete nothing: the listed codes stay in the type...
    expectTypeOf<Bec.BceErrorCode>().not.toEqualTypeOf<string>();
    expectTypeOf<
      Extract<Bec.BceErrorCode, "IdempotentParameterMismatch">
    >().toEqualTypeOf<"IdempotentParameterMismatch">();
    // ...and a code a service adds later is taken as well.
    expectTypeOf<"SomeCodeAddedLater">().toMatchTypeOf<Bec.BceErrorCode>();
  });

  // A rule's "an array, not null" beside the schema that types the items: it read as `string[] & unknown[]`.
  it("a key-pair login's list of key pairs is a string[] where the body type narrows to it, and is sent", async () => {
    type KeyLogin = Extract<NonNullable<Bec.ReinstallVmInstanceInput["keyConfig"]>, { type: "bccKeyPair" }>;
    expectTypeOf<NonNullable<KeyLogin["bccKeyPairIdList"]>>().toEqualTypeOf<string[]>();
    const keyConfig: KeyLogin = { type: "bccKeyPair", bccKeyPairIdList: ["k-3Wd7Jbcu"] };
    const rec = recorder();
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await bec.reinstallVmInstance("vm-1", { imageId: "im-1", keyConfig });
    expect((await rec.sent[0]!.json()).keyConfig).toEqual(keyConfig);
  });

  it("raw reads an open enum as a string: an error code the spec does not list is usable as one", async () => {
    const body = JSON.stringify({ code: "SomeCodeAddedLater", message: "m", requestId: "rid-1" });
    const bec = createBecClient({ credentials, fetch: recorder(body, 403).fetch, retry: { maxAttempts: 1 } });
    const { error } = await bec.raw.PUT("/v1/vm/instance/{vmID}/system/reinstall", {
      params: { path: { vmID: "vm-1" } },
      body: input,
    });
    // openapi-fetch's Readable would take `string & {}` for an object, its keys the string methods'.
    expectTypeOf(error!.code).toEqualTypeOf<string>();
    expect(error?.code.startsWith("SomeCode")).toBe(true);
  });

  it("the body type is what the client sends: the spec's request with its client rules", () => {
    type Sent = ReinstallVmInstanceInput;
    // Everything the client sends, the service accepts.
    expectTypeOf<Sent>().toMatchTypeOf<VmInstanceReinstallRequest>();
    // The service takes nulls from the official SDKs; the client refuses them, and so does the type.
    expectTypeOf<VmInstanceReinstallRequest["imageId"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Sent["imageId"]>().toEqualTypeOf<string>();
    expectTypeOf<Sent["resetDataDisk"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<Sent["keyConfig"]["adminPass"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Sent["keyConfig"]["bccKeyPairIdList"]>().toMatchTypeOf<string[] | undefined>();
    expectTypeOf<null>().not.toMatchTypeOf<Sent["keyConfig"]["bccKeyPairIdList"]>();
    // keyConfig is required, and imageType takes the known values only.
    expectTypeOf<{ imageId: string }>().not.toMatchTypeOf<Sent>();
    expectTypeOf<Sent["imageType"]>().toEqualTypeOf<"bec" | "bcc" | "rds" | undefined>();
    const password = { type: "password", adminPass: "root@!123456" } as const;
    // @ts-expect-error null is refused before sending, so the type refuses it
    const nullImage: Sent = { keyConfig: password, imageId: null };
    // @ts-expect-error keyConfig is required
    const noKeys: Sent = { imageId: "im-1" };
    // @ts-expect-error an image type the service may add later is not sent
    const laterType: Sent = { keyConfig: password, imageId: "im-1", imageType: "becCustom" };
    const fine: Sent = { keyConfig: password, imageId: "im-1", imageType: "bcc", resetDataDisk: true };
    expect([nullImage, noKeys, laterType, fine]).toHaveLength(4);
  });

  it("the keyConfig type chooses its field as the spec's if/then/else does, and so does the client", async () => {
    type Keys = ReinstallVmInstanceInput["keyConfig"];
    expectTypeOf<{ type: "password"; adminPass: string }>().toMatchTypeOf<Keys>();
    expectTypeOf<{ type: "bccKeyPair"; bccKeyPairIdList: string[] }>().toMatchTypeOf<Keys>();
    expectTypeOf<{ type: "password" }>().not.toMatchTypeOf<Keys>();
    expectTypeOf<{ type: "password"; bccKeyPairIdList: string[] }>().not.toMatchTypeOf<Keys>();
    expectTypeOf<{ type: "bccKeyPair" }>().not.toMatchTypeOf<Keys>();
    expectTypeOf<{ type: "bccKeyPair"; adminPass: string }>().not.toMatchTypeOf<Keys>();
    const rec = recorder();
    const bec = createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await bec.reinstallVmInstance("vm-1", { ...input, keyConfig: { type: "bccKeyPair", bccKeyPairIdList: ["k-1"] } });
    expect(rec.sent).toHaveLength(1);
    await expect(
      // @ts-expect-error the type refuses what the client refuses: a password login needs adminPass
      bec.reinstallVmInstance("vm-1", { ...input, keyConfig: { type: "password" } }),
    ).rejects.toMatchObject({ field: "body.keyConfig.adminPass", rule: "required" });
    await expect(
      // @ts-expect-error and a key-pair login needs bccKeyPairIdList
      bec.reinstallVmInstance("vm-1", { ...input, keyConfig: { type: "bccKeyPair" } }),
    ).rejects.toMatchObject({ field: "body.keyConfig.bccKeyPairIdList", rule: "required" });
    expect(rec.sent).toHaveLength(1);
  });

  it("every component type is exported by name", () => {
    expectTypeOf<KeyConfig["type"]>().toEqualTypeOf<"password" | "bccKeyPair">();
    expectTypeOf<VmInstanceDetailsVo["vmId"]>().toEqualTypeOf<string>();
    expectTypeOf<VmInstanceReinstallRequest>().toHaveProperty("imageId");
  });

  it("the method is typed from the spec: vmId, the body, then call options with the clientToken", () => {
    type Reinstall = BecClient["reinstallVmInstance"];
    expectTypeOf<Parameters<Reinstall>[0]>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<Reinstall>[1]>().toEqualTypeOf<ReinstallVmInstanceInput>();
    expectTypeOf<NonNullable<Parameters<Reinstall>[2]>["clientToken"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Awaited<ReturnType<Reinstall>>>().toEqualTypeOf<
      VmInstanceReinstallResult & { $metadata: ResponseMetadata }
    >();
  });
});

// What a program names beside the client (a hook of its own, a retry policy wrapping the default,
// its options in a variable) comes from this package: a second @bce-openapi/core, resolved
// elsewhere, would hold other error classes.
describe("what the package re-exports from @bce-openapi/core", () => {
  it("the values and types the options and hooks name", () => {
    expect(Bec.isSafeToRetry).toBe(core.isSafeToRetry);
    expect(Bec.encodeUserData).toBe(core.encodeUserData);
    expectTypeOf<Bec.AttemptOutcome>().toEqualTypeOf<core.AttemptOutcome>();
    expectTypeOf<Bec.AttemptInfo>().toEqualTypeOf<core.AttemptInfo>();
    expectTypeOf<Bec.AttemptHooks>().toEqualTypeOf<core.AttemptHooks>();
    expectTypeOf<Bec.SigningOptions>().toEqualTypeOf<core.SigningOptions>();
    expectTypeOf<Bec.ValidateResponses>().toEqualTypeOf<core.ValidateResponses>();
    expectTypeOf<Bec.BceClientOptions>().toEqualTypeOf<core.BceClientOptions>();
    expectTypeOf<Bec.CredentialsInput>().toEqualTypeOf<core.CredentialsInput>();
    expectTypeOf<Bec.AdminPassRule>().toEqualTypeOf<core.AdminPassRule>();
    expectTypeOf<Bec.LogEvent>().toEqualTypeOf<core.LogEvent>();
    expectTypeOf<Bec.RawPaths<{ a: "x" }>>().toEqualTypeOf<core.RawPaths<{ a: "x" }>>();
  });
});

// The method's hover text said "retried after 5xx answers", where 501 and 505 to 599 are not.
describe("the hover text's retry sentence", () => {
  it("names the statuses the default policy retries, no more and no fewer", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("../src/generated/client.ts", import.meta.url), "utf8");
    const said = /retried after ([\d, ]+(?:and \d+)?) answers/.exec(text)?.[1];
    expect(said, "client.ts says which statuses are retried").toBeDefined();
    const statuses = (said ?? "").match(/\d+/g)?.map(Number);
    const retried = [];
    for (let status = 500; status <= 599; status++) {
      const error = new core.BceServiceError({ status, code: "InternalError", message: "m", requestId: "" });
      if (core.isSafeToRetry({ attempt: 1, idempotent: true, error })) retried.push(status);
    }
    expect(statuses).toEqual(retried);
  });
});
