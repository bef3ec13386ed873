// What the BCC client puts on the wire, seen by a recording fetch (no network).
import { encryptAdminPass } from "@bce-openapi/core";
import * as core from "@bce-openapi/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as Bcc from "../src/index.js";
import {
  BceValidationError,
  createBccClient,
  type BccRegion,
  type RebuildInstanceInput,
  type RebuildInstanceRequest,
  type RebuildInstanceResult,
} from "../src/index.js";

const credentials = { accessKeyId: "test-ak", secretAccessKey: "test-secret-access-key-0000" };

function recorder() {
  const sent: Request[] = [];
  return {
    sent,
    fetch: async (request: Request) => {
      sent.push(request.clone());
      return new Response(null, { status: 200, headers: { "x-bce-request-id": "rid-42" } });
    },
  };
}

describe("createBccClient", () => {
  it("refuses a signal, an option of each call, naming it", () => {
    expect(() => createBccClient({ credentials, signal: new AbortController().signal } as object)).toThrow(
      /^signal: is an option of a call: give it to the method$/,
    );
  });

  it("picks the regional endpoint from the spec's server variable", async () => {
    const rec = recorder();
    await createBccClient({ region: "gz", credentials, fetch: rec.fetch }).rebuildInstance("i-1", { imageId: "m-1" });
    expect(new URL(rec.sent[0]!.url).host).toBe("bcc.gz.baidubce.com");
    const rec2 = recorder();
    await createBccClient({ credentials, fetch: rec2.fetch }).rebuildInstance("i-1", { imageId: "m-1" });
    expect(new URL(rec2.sent[0]!.url).host).toBe("bcc.bj.baidubce.com");
  });

  it("reads the region once, from the caller's own options: not a polluted Object.prototype's, nor a getter's second answer", async () => {
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.region = "sin";
    const rec = recorder();
    try {
      await createBccClient({ credentials, fetch: rec.fetch }).rebuildInstance("i-1", { imageId: "m-1" });
    } finally {
      delete polluted.region;
    }
    expect(rec.sent[0]!.url).toBe("https://bcc.bj.baidubce.com/v2/instance/i-1?rebuild=");
    const answers = ["gz", "hkg"];
    const options = { credentials, fetch: rec.fetch };
    Object.defineProperty(options, "region", { enumerable: true, get: () => answers.shift() });
    await createBccClient(options).rebuildInstance("i-1", { imageId: "m-1" });
    expect(new URL(rec.sent[1]!.url).host).toBe("bcc.gz.baidubce.com");
    expect(answers).toEqual(["hkg"]);
  });

  it("checks and sends the caller's body, not a polluted Object.prototype's", async () => {
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.body = {};
    const sent: string[] = [];
    try {
      // (An answer with a body: undici's own state of a null one would read the polluted `body`.)
      const fetch = async (request: Request) => {
        sent.push(await request.text());
        return new Response("", { status: 200, headers: { "x-bce-request-id": "rid-42" } });
      };
      // The path and query are checked first, alone: the inherited `body` was checked as the body.
      await createBccClient({ credentials, fetch }).rebuildInstance("i-1", { imageId: "m-1" });
    } finally {
      delete polluted.body;
    }
    expect(sent).toEqual(['{"imageId":"m-1"}']);
  });

  it("refuses a region the spec does not list", () => {
    expect(() => createBccClient({ region: "mars" as BccRegion })).toThrow(BceValidationError);
    expect(() => createBccClient({ region: "mars" as BccRegion })).toThrow(/one of bj, gz/);
  });

  it("types the region from the spec", () => {
    expectTypeOf<BccRegion>().toEqualTypeOf<"bj" | "gz" | "su" | "hkg" | "fwh" | "bd" | "sin" | "fsh">();
  });
});

describe("rebuildInstance on the wire", () => {
  it("sends PUT /v2/instance/{id}?rebuild= and resolves with the request id", async () => {
    const rec = recorder();
    const bcc = createBccClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await expect(bcc.rebuildInstance("i-YufwpQAe", { imageId: "m-mRjO3cjs" })).resolves.toEqual({
      requestId: "rid-42",
      $metadata: { httpStatusCode: 200, requestId: "rid-42", attempts: 1, totalRetryDelay: 0 },
    });
    const url = new URL(rec.sent[0]!.url);
    expect(rec.sent[0]!.method).toBe("PUT");
    expect(url.pathname + url.search).toBe("/v2/instance/i-YufwpQAe?rebuild=");
    expect(rec.sent[0]!.headers.get("authorization")).toMatch(/^bce-auth-v1\/test-ak\//);
  });

  it("encrypts a plaintext adminPass with the secret key, and passes a ciphertext as is", async () => {
    const rec = recorder();
    const bcc = createBccClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: "1qaz@WSX" });
    const expected = await encryptAdminPass("1qaz@WSX", credentials.secretAccessKey);
    expect(((await rec.sent[0]!.json()) as RebuildInstanceRequest).adminPass).toBe(expected);
    await bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: { encrypted: expected } });
    expect(((await rec.sent[1]!.json()) as RebuildInstanceRequest).adminPass).toBe(expected);
  });

  it("says a one-character minimum in the singular (an empty keypairId)", async () => {
    const rec = recorder();
    const bcc = createBccClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await expect(bcc.rebuildInstance("i-1", { imageId: "m-1", keypairId: "" })).rejects.toMatchObject({
      field: "body.keypairId",
      rule: "minLength",
      message: "body.keypairId: must have at least 1 character",
    });
    expect(rec.sent).toHaveLength(0);
  });

  it("names adminPass itself when it is neither a password nor { encrypted }, and encrypted when that is no string", async () => {
    const rec = recorder();
    const bcc = createBccClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    for (const adminPass of [5, true, ["1qaz@WSX"]]) {
      await expect(
        bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: adminPass as unknown as string }),
      ).rejects.toMatchObject({
        field: "body.adminPass",
        rule: "type",
        message: "body.adminPass: must be the password as a string, or { encrypted } with its ciphertext",
      });
    }
    await expect(
      bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: { encrypted: 5 } as unknown as string }),
    ).rejects.toMatchObject({ field: "body.adminPass.encrypted", rule: "type" });
    expect(rec.sent).toHaveLength(0);
  });

  it("refuses a ciphertext given as the plain-text password, saying how a ciphertext goes", async () => {
    const rec = recorder();
    const bcc = createBccClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    const ciphertext = await encryptAdminPass("1qaz@WSX", credentials.secretAccessKey);
    await expect(bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: ciphertext })).rejects.toMatchObject({
      name: "PasswordPolicyError",
      field: "body.adminPass",
      message: "body.adminPass: looks like a ciphertext: give one as { encrypted }",
    });
    await bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: { encrypted: ciphertext } });
    expect(rec.sent).toHaveLength(1);
  });

  it("with keepImageLogin true, refuses an adminPass or a keypairId before sending (client rule)", async () => {
    const rec = recorder();
    const bcc = createBccClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await bcc.rebuildInstance("i-1", { imageId: "m-1", keepImageLogin: true });
    await bcc.rebuildInstance("i-1", { imageId: "m-1", keepImageLogin: false, keypairId: "k-3Wd7Jbcu" });
    expect(rec.sent).toHaveLength(2);
    await expect(
      // @ts-expect-error the type refuses it too: the spec's if/then is a union of its branches
      bcc.rebuildInstance("i-1", { imageId: "m-1", keepImageLogin: true, keypairId: "k-3Wd7Jbcu" }),
    ).rejects.toMatchObject({
      field: "body.keypairId",
      rule: "not",
      message: "body.keypairId: is not allowed with keepImageLogin: true",
    });
    await expect(
      // @ts-expect-error as does the type
      bcc.rebuildInstance("i-1", { imageId: "m-1", keepImageLogin: true, adminPass: "1qaz@WSX" }),
    ).rejects.toMatchObject({
      field: "body.adminPass",
      rule: "not",
      message: "body.adminPass: is not allowed with keepImageLogin: true",
    });
    // Given as a ciphertext, the field is still what is refused, not the ciphertext.
    await expect(
      // @ts-expect-error as does the type
      bcc.rebuildInstance("i-1", { imageId: "m-1", keepImageLogin: true, adminPass: { encrypted: "ab".repeat(16) } }),
    ).rejects.toMatchObject({
      field: "body.adminPass",
      rule: "not",
      message: "body.adminPass: is not allowed with keepImageLogin: true",
    });
    // One the password policy refuses too: what to fix first is that it is there at all.
    await expect(
      // @ts-expect-error as does the type
      bcc.rebuildInstance("i-1", { imageId: "m-1", keepImageLogin: true, adminPass: "short" }),
    ).rejects.toMatchObject({ name: "BceValidationError", field: "body.adminPass", rule: "not" });
    expect(rec.sent).toHaveLength(2);
  });

  it("checks a plain-text adminPass, a ciphertext, and the body around them, before asking for credentials", async () => {
    let asked = 0;
    const bcc = createBccClient({
      endpoint: "http://127.0.0.1:9",
      credentials: () => {
        asked++;
        return credentials;
      },
      fetch: recorder().fetch,
    });
    await expect(bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: "nodigitshere!" })).rejects.toMatchObject({
      name: "PasswordPolicyError",
      field: "body.adminPass",
      rule: "classes",
    });
    // The password would be encrypted with the credentials; the rules of the body need no ciphertext.
    await expect(
      // @ts-expect-error as does the type
      bcc.rebuildInstance("i-1", { imageId: "m-1", keepImageLogin: true, adminPass: "1qaz@WSX" }),
    ).rejects.toMatchObject({
      field: "body.adminPass",
      rule: "not",
      message: "body.adminPass: is not allowed with keepImageLogin: true",
    });
    await expect(bcc.rebuildInstance("i-1", { imageId: "", adminPass: "1qaz@WSX" })).rejects.toMatchObject({
      field: "body.imageId",
    });
    // A ciphertext given as { encrypted } is checked as sent, and named at the key written.
    await expect(
      bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: { encrypted: "1qaz@WSX" } }),
    ).rejects.toMatchObject({
      field: "body.adminPass.encrypted",
      rule: "minLength",
      message:
        "body.adminPass.encrypted: must have at least 32 characters (also: must match the pattern ^(?:[0-9a-f]{32})+$)",
    });
    expect(asked).toBe(0);
  });

  it("applies BCC's password rule, three kinds of characters of four, naming what it takes", async () => {
    const rec = recorder();
    const bcc = createBccClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch });
    await expect(bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: "password1" })).rejects.toMatchObject({
      name: "PasswordPolicyError",
      field: "body.adminPass",
      rule: "classes",
      message:
        "body.adminPass: must contain at least 3 of: upper-case letters, lower-case letters, digits, the symbols ()`~!@#$%^&*-_+=|{}[]:;'<>,.?/",
    });
    await expect(bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass: "Pass word1" })).rejects.toMatchObject({
      rule: "allowedCharacters",
      message:
        "body.adminPass: may contain only letters A-Z a-z, digits 0-9 and the symbols ()`~!@#$%^&*-_+=|{}[]:;'<>,.?/",
    });
    expect(rec.sent).toHaveLength(0);
    // Upper case, lower case and digits, no symbol; and BEC's + (the older English rule refused both).
    for (const adminPass of ["Password1", "Pa55word+x"])
      await bcc.rebuildInstance("i-1", { imageId: "m-1", adminPass });
    expect(rec.sent).toHaveLength(2);
  });

  it("types the method from the spec: positional instance id, the body, then call options", () => {
    type Rebuild = ReturnType<typeof createBccClient>["rebuildInstance"];
    expectTypeOf<Parameters<Rebuild>[0]>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<Rebuild>[1]["adminPass"]>().toEqualTypeOf<string | { encrypted: string } | undefined>();
    expectTypeOf<Awaited<ReturnType<Rebuild>>>().toEqualTypeOf<RebuildInstanceResult>();
    expectTypeOf<RebuildInstanceResult["$metadata"]["attempts"]>().toEqualTypeOf<number>();
  });

  it("types the body as the client sends it: no nulls, which the service takes from the Go SDK", () => {
    type Body = Parameters<ReturnType<typeof createBccClient>["rebuildInstance"]>[1];
    expectTypeOf<Body>().toEqualTypeOf<RebuildInstanceInput>();
    expectTypeOf<RebuildInstanceRequest["keypairId"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<RebuildInstanceInput["keypairId"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<RebuildInstanceInput["isPreserveData"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<RebuildInstanceInput["imageId"]>().toEqualTypeOf<string>();
    // @ts-expect-error null is refused before sending, so the type refuses it
    const nullKeypair: RebuildInstanceInput = { imageId: "m-1", keypairId: null };
    // @ts-expect-error as is an unset boolean sent as null
    const nullFlag: RebuildInstanceInput = { imageId: "m-1", cleanLastUserData: null };
    const fine: RebuildInstanceInput = { imageId: "m-1", keypairId: "k-1", isPreserveData: true };
    expect([nullKeypair, nullFlag, fine]).toHaveLength(3);
  });

  it("types keepImageLogin's rule: with true, neither adminPass nor keypairId", () => {
    expectTypeOf<{ imageId: string; keepImageLogin: true }>().toMatchTypeOf<RebuildInstanceInput>();
    expectTypeOf<{
      imageId: string;
      keepImageLogin: true;
      adminPass: string;
    }>().not.toMatchTypeOf<RebuildInstanceInput>();
    expectTypeOf<{
      imageId: string;
      keepImageLogin: true;
      keypairId: string;
    }>().not.toMatchTypeOf<RebuildInstanceInput>();
    expectTypeOf<{ imageId: string; keepImageLogin: false; adminPass: string }>().toMatchTypeOf<RebuildInstanceInput>();
    expectTypeOf<{ imageId: string; keypairId: string }>().toMatchTypeOf<RebuildInstanceInput>();
    expectTypeOf<{ imageId: string; adminPass: { encrypted: string } }>().toMatchTypeOf<RebuildInstanceInput>();
  });
});

// What a program names beside the client (a hook of its own, a retry policy wrapping the default,
// its options in a variable) comes from this package: a second @bce-openapi/core, resolved
// elsewhere, would hold other error classes.
describe("what the package re-exports from @bce-openapi/core", () => {
  it("the values and types the options and hooks name", () => {
    expect(Bcc.isSafeToRetry).toBe(core.isSafeToRetry);
    expect(Bcc.encryptAdminPass).toBe(core.encryptAdminPass);
    expectTypeOf<Bcc.AttemptOutcome>().toEqualTypeOf<core.AttemptOutcome>();
    expectTypeOf<Bcc.AttemptInfo>().toEqualTypeOf<core.AttemptInfo>();
    expectTypeOf<Bcc.AttemptHooks>().toEqualTypeOf<core.AttemptHooks>();
    expectTypeOf<Bcc.SigningOptions>().toEqualTypeOf<core.SigningOptions>();
    expectTypeOf<Bcc.ValidateResponses>().toEqualTypeOf<core.ValidateResponses>();
    expectTypeOf<Bcc.BceClientOptions>().toEqualTypeOf<core.BceClientOptions>();
    expectTypeOf<Bcc.CredentialsInput>().toEqualTypeOf<core.CredentialsInput>();
    expectTypeOf<Bcc.AdminPassRule>().toEqualTypeOf<core.AdminPassRule>();
    expectTypeOf<Bcc.LogEvent>().toEqualTypeOf<core.LogEvent>();
    expectTypeOf<Bcc.RawPaths<{ a: "x" }>>().toEqualTypeOf<core.RawPaths<{ a: "x" }>>();
  });

  it("a service error's code has the type of the error codes this client's spec lists", async () => {
    const body = JSON.stringify({ code: "QualifyNotPass", message: "m", requestId: "rid-1" });
    const fetch = async () => new Response(body, { status: 403, headers: { "content-type": "application/json" } });
    const caught = await createBccClient({ credentials, fetch })
      .rebuildInstance("i-1", { imageId: "m-1" })
      .catch((error: unknown) => error);
    if (!(caught instanceof Bcc.BceServiceError)) throw caught;
    expect(caught.code).toBe("QualifyNotPass");
    expectTypeOf(caught.code).toEqualTypeOf<Bcc.BceErrorCode>();
    expectTypeOf<Extract<Bcc.BceErrorCode, "QualifyNotPass">>().toEqualTypeOf<"QualifyNotPass">();
  });
});
