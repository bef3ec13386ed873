import { writeFileSync } from "node:fs";
import { join } from "node:path";
// What the generator reads from the spec's extensions, and what it refuses with a clear message.
import { describe, expect, it } from "vitest";
import { argumentName, generateClient, generateTypes, OUTPUT_FILES, readOperations } from "../src/index.mjs";
import { bundle, generateInto, typecheck } from "./helpers.js";

describe("operation tables from the spec's extensions", () => {
  it("BEC reinstall: idempotency token, retry class, transforms in document order, no fixed parts", () => {
    const [op] = readOperations(bundle("bec")).operations as any[];
    expect(op).toMatchObject({
      id: "reinstallVmInstance",
      method: "PUT",
      path: "/v1/vm/instance/{vmID}/system/reinstall",
      retry: "idempotency-token",
      idempotencyToken: "clientToken",
      fixedPath: {},
      fixedQuery: {},
      servers: [{ url: "https://bec.baidubce.com", variables: {} }],
    });
    expect(op.pathArgs.map((a: { name: string; arg: string }) => [a.name, a.arg])).toEqual([["vmID", "vmId"]]);
    expect(op.body.transforms).toEqual([
      { path: ["keyConfig", "adminPass"], kind: "checkPasswordPolicy" },
      { path: ["userData"], kind: "encodeUserData" },
    ]);
  });

  it("BCC rebuild: the one-value version and the rebuild flag are fixed, the region a server variable", () => {
    const [op] = readOperations(bundle("bcc")).operations as any[];
    expect(op).toMatchObject({ retry: "unsafe", fixedPath: { version: "2" }, fixedQuery: { rebuild: "" }, query: [] });
    expect(op.idempotencyToken).toBeUndefined();
    expect(op.servers[0].variables.region).toMatchObject({ default: "bj", enum: expect.arrayContaining(["bj", "gz"]) });
    expect(op.body.transforms).toEqual([{ path: ["adminPass"], kind: "encryptAdminPass" }]);
  });

  it("names path arguments as callers write them", () => {
    expect(argumentName("vmID")).toBe("vmId");
    expect(argumentName("instanceId")).toBe("instanceId");
    expect(argumentName("image-id")).toBe("imageId");
  });
});

describe("refusals, each naming the operation and what is wrong", () => {
  const withOp = (edit: (op: Record<string, any>, doc: Record<string, any>) => void) => {
    const doc = bundle("bec");
    edit(doc.paths["/v1/vm/instance/{vmID}/system/reinstall"].put, doc);
    return doc;
  };
  it.each([
    [
      "an unknown retry class",
      (op: any) => (op["x-bce-retry"] = "sometimes"),
      /reinstallVmInstance .*x-bce-retry must be one of idempotency-token, unsafe/,
    ],
    [
      "a token that is no query parameter",
      (op: any) => (op["x-bce-idempotency-token"] = "nonce"),
      /names "nonce", not one of its optional query parameters/,
    ],
    [
      "a token on an unsafe operation",
      (op: any) => (op["x-bce-retry"] = "unsafe"),
      /takes x-bce-retry: idempotency-token/,
    ],
    [
      "an unknown transform",
      (_: any, doc: any) =>
        (doc.components.schemas.VmInstanceReinstallRequest.properties.userData["x-bce-transform"] = "rot13"),
      /x-bce-transform "rot13" at userData is not one of/,
    ],
    [
      "a keyword the checks do not interpret",
      (_: any, doc: any) => (doc.components.schemas.VmInstanceReinstallRequest.properties.imageId.multipleOf = 2),
      /multipleOf at .*: a keyword the request checks do not interpret/,
    ],
    [
      "an operationId that is no identifier",
      (op: any) => (op.operationId = "reinstall-vm"),
      /operationId "reinstall-vm" is not a JavaScript identifier/,
    ],
    // The module's own names: its check functions (s0), patterns (re0) and property tables (p0).
    ...["s0", "re0", "p0", "servers"].map((id) => [
      `an operationId that is a name of the generated module (${id})`,
      (op: any) => (op.operationId = id),
      new RegExp(`operationId "${id}" clashes with a name of the generated operations module`),
    ]),
  ] as [string, (op: any, doc: any) => void, RegExp][])("%s", async (_, edit, message) => {
    await expect(generateClient(withOp(edit), { client: "Bec" })).rejects.toThrow(message);
  });

  it("a malformed open enum", async () => {
    const doc = bundle("bec");
    doc.components.schemas.DiskType = { "x-bce-open-enum": true, anyOf: [{ type: "string", enum: ["SATA"] }] };
    await expect(generateTypes(doc)).rejects.toThrow(
      /DiskType: x-bce-open-enum needs both the known values and an open string branch/,
    );
  });

  it.each(["class", "type", "constructor", "components", "Record"])(
    "a request schema named %s, which would not make a type's name",
    async (name) => {
      const doc = bundle("bec");
      doc.components.schemas[name] = doc.components.schemas.KeyConfig;
      doc.components.schemas.VmInstanceReinstallRequest.properties.keyConfig = {
        $ref: `#/components/schemas/${name}`,
      };
      await expect(generateClient(doc, { client: "Bec" })).rejects.toThrow(
        new RegExp(`the schema ${name} cannot be named as a type`),
      );
    },
  );

  it("a recursive request schema", async () => {
    const doc = bundle("bec");
    doc.components.schemas.VmInstanceReinstallRequest.properties.self = {
      $ref: "#/components/schemas/VmInstanceReinstallRequest",
    };
    await expect(generateClient(doc, { client: "Bec" })).rejects.toThrow(/recursive schema/);
  });
});

describe("body types as the client sends them", () => {
  it("client rules beside a body's $ref (OpenAPI 3.1 siblings) are in the body type, as in the checks", async () => {
    const doc = bundle("bec");
    const media = doc.paths["/v1/vm/instance/{vmID}/system/reinstall"].put.requestBody.content["application/json"];
    media.schema = {
      ...media.schema,
      "x-client-rules": { required: ["resetDataDisk"], properties: { resetDataDisk: { type: "boolean" } } },
    };
    const files = await generateClient(doc, { client: "Bec" });
    // The run-time check requires resetDataDisk ...
    expect(files["operations.ts"]).toContain('checkObject(v, p, c, ["resetDataDisk"]');
    // ... so the body type does too: the operation's own type, the component's with the rules.
    expect(files["client.ts"]).toContain("export type ReinstallVmInstanceInput = Sent.ReinstallVmInstanceInput;");
    expect(files["request.ts"]).toMatch(
      /export type ReinstallVmInstanceInput = components\["schemas"\]\["VmInstanceReinstallRequest"\] & \{\s*resetDataDisk: boolean;\s*\};/,
    );
  });

  it("the rules' branches carry no empty JSDoc tags (a hover over `type` listed `enum | constant | constant`)", async () => {
    for (const name of ["bec", "bcc"] as const) {
      const files = await generateClient(bundle(name), { client: name === "bec" ? "Bec" : "Bcc" });
      // The CLI removes a stale file among these names only: each file written is one of them.
      expect(OUTPUT_FILES).toEqual(expect.arrayContaining(Object.keys(files)));
      expect(files["request.ts"]).toMatch(/type: "bccKeyPair"|keepImageLogin/);
      expect(files["request.ts"]).not.toMatch(/@constant|@enum \{unknown\}/);
    }
  });

  it("refuses a query parameter named as a server variable, which is a client option", async () => {
    const doc = bundle("bcc");
    const put = (Object.values(doc.paths)[0] as { put: { parameters: unknown[] } }).put;
    put.parameters.push({ name: "region", in: "query", schema: { type: "string" } });
    await expect(generateClient(doc, { client: "Bcc" })).rejects.toThrow(
      "rebuildInstance: the query parameter region has the name of a server variable, a client option",
    );
  });

  it("a body component two operations share keeps its own name, for both", async () => {
    const doc = bundle("bec");
    const path = "/v1/vm/instance/{vmID}/system/reinstall";
    doc.paths[`${path}/again`] = structuredClone(doc.paths[path]);
    doc.paths[`${path}/again`].put.operationId = "reinstallVmInstanceAgain";
    const files = await generateClient(doc, { client: "Bec" });
    expect(files["client.ts"]).toContain("export type ReinstallVmInstanceInput = Sent.VmInstanceReinstallRequest;");
    expect(files["client.ts"]).toContain(
      "export type ReinstallVmInstanceAgainInput = Sent.VmInstanceReinstallRequest;",
    );
    expect(files["request.ts"]).toMatch(/^export type VmInstanceReinstallRequest = /m);
  });

  // The compiler names a type by the alias that declares it: declared inside `components` (an
  // indexed access), a body's type was printed whole in every error, an intersection cut off at
  // some hundred characters.
  it("a compiler error about a body names the method's Input type", async () => {
    const generated = await generateInto(bundle("bec"), "Bec");
    try {
      writeFileSync(
        join(generated.dir, "src", "call.ts"),
        [
          'import type { ReinstallVmInstanceInput } from "./generated/client.js";',
          'export const missing: ReinstallVmInstanceInput = { imageType: "bec" };',
          'export const misspelt: ReinstallVmInstanceInput = { imageId: "im-1", imageTyp: "bec" };',
        ].join("\n"),
      );
      const { ok, output } = await typecheck(generated.dir);
      expect(ok).toBe(false);
      expect(output).toMatch(/Property 'imageId' is missing in type '\{ imageType: "bec"; \}' but required in type/);
      expect(output).toMatch(/'imageTyp' does not exist in type 'ReinstallVmInstanceInput'/);
    } finally {
      generated.remove();
    }
  }, 120_000);

  // What a caller reads on hover is what the method takes: a userData encoded by hand would be
  // encoded twice.
  it("a property the client transforms says what the caller gives first, and shows no example of the sent form", async () => {
    const files = await generateClient(bundle("bec"), { client: "Bec" });
    const userData = files["request.ts"]?.match(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*userData\?:/)?.[1] ?? "";
    expect(userData).toMatch(
      /@description Plain text: the client encodes it as the service wants it\.[\s*]+What the service receives: Custom data/,
    );
    expect(userData).not.toContain("@example");
    const bcc = await generateClient(bundle("bcc"), { client: "Bcc" });
    expect(bcc["request.ts"]).toContain("@description The password in plain text, checked against the password policy");
    // The spec's own types keep its description, for what the service receives.
    expect(files["schema.ts"]).not.toContain("Plain text: the client encodes it");
  });
});

describe("if/then/else in body types", () => {
  /** The generated text without comments and white space. */
  const compact = (text = "") => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\s+/g, "");

  it("on one property's constant: a union of the branches, a forbidden field never", async () => {
    const bcc = compact((await generateClient(bundle("bcc"), { client: "Bcc" }))["request.ts"]);
    expect(bcc).toContain("({keepImageLogin:true;}&{adminPass?:never;keypairId?:never;})|{keepImageLogin?:false;}");
    const bec = compact((await generateClient(bundle("bec"), { client: "Bec" }))["request.ts"]);
    // No `required` in the if: an absent type would take the then branch, so only the else needs it.
    expect(bec).toContain('(({type?:"password";}&{adminPass:string;})|({type:"bccKeyPair";}&{bccKeyPairIdList:{};}))');
  });

  // `{}` only for a rule's "an array, not null" beside the schema that types its items: a schema's
  // own array of unstated items stays `unknown[]`.
  it("a schema's own array of no stated items stays unknown[] in the spec's types", async () => {
    const doc = bundle("bec");
    doc.components.schemas.KeyConfig.properties.tags = { type: "array" };
    expect(await generateTypes(doc)).toContain("tags?: unknown[];");
  });

  it("on a property of unbounded values: no union, the rule stays with the run-time checks", async () => {
    const doc = bundle("bec");
    doc.components.schemas.KeyConfig.properties.type = { type: "string" };
    const files = await generateClient(doc, { client: "Bec" });
    expect(files["request.ts"]).not.toContain('"password"');
    expect(files["operations.ts"]).toContain('"password"');
  });
});

describe("open enums", () => {
  it("keep their known values for completion and take any string, null where the schema allows it", async () => {
    const doc = bundle("bec");
    doc.components.schemas.DiskType = {
      "x-bce-open-enum": true,
      anyOf: [{ type: "string", enum: ["SATA", "SSD"] }, { type: "string" }],
    };
    doc.components.schemas.VmInstanceStatus = {
      "x-bce-open-enum": true,
      anyOf: [{ type: "string", enum: ["RUNNING"] }, { type: "string" }, { type: "null" }],
    };
    const types = await generateTypes(doc);
    expect(types).toContain('DiskType: "SATA" | "SSD" | (string & {});');
    expect(types).toContain('VmInstanceStatus: "RUNNING" | (string & {}) | null;');
  });

  it("closed enums stay closed", async () => {
    expect(await generateTypes(bundle("bec"))).toContain('type: "password" | "bccKeyPair";');
  });
});

describe("the default endpoint", () => {
  const withServer = (server: object) => {
    const doc = bundle("bec");
    doc.servers = [server];
    for (const item of Object.values(doc.paths) as Record<string, any>[]) {
      delete item.servers;
      for (const op of Object.values(item)) if (op && typeof op === "object") delete op.servers;
    }
    return doc;
  };
  const clientOf = async (server: object) =>
    (await generateClient(withServer(server), { client: "Bec" }))["client.ts"]!;

  it("a URL with no {variable} and no variables is written as it is, without serverUrl", async () => {
    const client = await clientOf({ url: "https://bec.example.com" });
    expect(client).toContain(
      'createServiceClient<RawPaths<paths>>(options, "https://bec.example.com", "bec", [], ["clientToken"]);',
    );
    expect(client).not.toContain("serverUrl");
  });

  it("variables the URL does not use are still options that serverUrl checks, and serverUrl is imported", async () => {
    const server = { url: "https://bec.example.com", variables: { zone: { default: "a", enum: ["a", "b"] } } };
    expect(await clientOf(server)).toMatch(
      /^import \{[^}]*\bserverUrl\b[^}]*\} from "@bce-openapi\/core\/internal";$/m,
    );
    const generated = await generateInto(withServer(server), "Bec");
    try {
      const { ok, output } = await typecheck(generated.dir);
      expect(ok, output).toBe(true);
    } finally {
      generated.remove();
    }
  }, 120_000);
});
