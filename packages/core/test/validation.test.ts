import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_DEPTH,
  unsupportedKeywords,
  validateSchema,
  type JsonSchema,
  type SchemaIssue,
} from "../src/validation/index.js";

const require = createRequire(import.meta.url);
type Doc = Record<string, any>;
// The spec package's bundles: a devDependency, so turbo bundles the spec before this test runs.
const load = (name: string): Doc => JSON.parse(readFileSync(require.resolve(`@bce-openapi/spec/${name}.json`), "utf8"));
const BUNDLES: Record<string, Doc> = { bec: load("bec"), bcc: load("bcc") };
const bec = BUNDLES.bec!;
const bcc = BUNDLES.bcc!;

/** Follows a local `$ref` in a bundle (only what the test needs to find examples). */
function deref(doc: Doc, node: any): any {
  while (node && typeof node.$ref === "string")
    node = (node.$ref as string)
      .slice(2)
      .split("/")
      .reduce((o: any, k) => o[k], doc);
  return node;
}

/** Every `schema` object outside components.schemas: parameters, headers, media types. */
function inlineSchemas(node: unknown, at: string, out: [string, JsonSchema][] = []): [string, JsonSchema][] {
  if (Array.isArray(node)) {
    for (const [i, x] of node.entries()) inlineSchemas(x, `${at}/${i}`, out);
  } else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node)) {
      if (k === "schema") out.push([`${at}/schema`, v as JsonSchema]);
      else if (k !== "schemas") inlineSchemas(v, `${at}/${k}`, out);
    }
  return out;
}

/** [where, example value, its media type's schema] for every request and response example. */
function examplesOf(doc: Doc): [string, unknown, JsonSchema][] {
  const out: [string, unknown, JsonSchema][] = [];
  for (const [route, item] of Object.entries<any>(doc.paths))
    for (const [method, op] of Object.entries<any>(item)) {
      if (!op || typeof op !== "object" || !("responses" in op)) continue;
      const bodies = [
        ["request", deref(doc, op.requestBody)],
        ...Object.entries<any>(op.responses).map(([code, r]) => [code, deref(doc, r)]),
      ];
      for (const [label, body] of bodies)
        for (const media of Object.values<any>(body?.content ?? {}))
          for (const [name, example] of Object.entries<any>(media.examples ?? {}))
            out.push([`${method} ${route} ${label} ${name}`, deref(doc, example).value, media.schema]);
    }
  return out;
}

// Requests as a client checks them (the schema AND its x-client-rules), and as the service reads them.
const becRequest = (body: unknown, clientRules = true) =>
  validateSchema(
    body,
    { $ref: "#/components/schemas/VmInstanceReinstallRequest" },
    { root: bec, path: "body", clientRules },
  );
const becResult = (body: unknown) =>
  validateSchema(body, { $ref: "#/components/schemas/VmInstanceReinstallResult" }, { root: bec, path: "body" });
const bccRequest = (body: unknown, clientRules = true) =>
  validateSchema(
    body,
    { $ref: "#/components/schemas/RebuildInstanceRequest" },
    { root: bcc, path: "body", clientRules },
  );
const seedRequest = () => structuredClone(bec.components.examples.BecReinstallRequestExample.value);
const seedResult = () => structuredClone(bec.components.examples.BecReinstallResponseExample.value);
const evolvedResult = () => structuredClone(bec.components.examples.BecReinstallEvolvedResponseExample.value);
const rules = (issues: SchemaIssue[]) => issues.map((i) => `${i.path} ${i.rule}`);

describe.each(Object.keys(BUNDLES))("the %s bundle", (name) => {
  const doc = BUNDLES[name]!;

  it("uses only keywords the validator implements", () => {
    const schemaNames = Object.keys(doc.components.schemas);
    expect(schemaNames.length).toBeGreaterThan(2);
    for (const s of schemaNames) expect(unsupportedKeywords({ $ref: `#/components/schemas/${s}` }, doc), s).toEqual([]);
    const inline = inlineSchemas(doc, "#");
    expect(inline.length).toBeGreaterThan(3);
    for (const [at, schema] of inline) expect(unsupportedKeywords(schema, doc), at).toEqual([]);
  });

  it("accepts its own examples", () => {
    const examples = examplesOf(doc);
    expect(examples.length).toBeGreaterThanOrEqual(name === "bec" ? 3 : 2);
    expect(examples.some(([where]) => where.includes(" request "))).toBe(true);
    for (const [where, value, schema] of examples) {
      expect(value, where).toBeDefined();
      expect(validateSchema(value, schema, { root: doc, path: "body" }), where).toEqual([]);
      // Request examples are what a client sends: its stricter rules hold too.
      if (where.includes(" request "))
        expect(validateSchema(value, schema, { root: doc, path: "body", clientRules: true }), where).toEqual([]);
    }
  });
});

describe("BEC reinstall request", () => {
  it("accepts the seed and reports a missing imageId", () => {
    expect(becRequest(seedRequest())).toEqual([]);
    const body = seedRequest();
    delete body.imageId;
    expect(becRequest(body)).toEqual([{ path: "body.imageId", rule: "required", message: "is required" }]);
  });

  it("reports an imageType outside the known values (the service would take it, the client does not send it)", () => {
    expect(becRequest({ ...seedRequest(), imageType: "windows" })).toEqual([
      { path: "body.imageType", rule: "enum", message: "must be one of: bec, bcc, rds" },
    ]);
    expect(becRequest({ ...seedRequest(), imageType: "windows" }, false)).toEqual([]);
  });

  it.each([
    ["too short", "short1!", ["minLength", "pattern"]],
    ["33 characters", "Abcdefgh1!".padEnd(33, "x"), ["maxLength", "pattern"]],
    ["no digit", "Abcdefgh!", ["pattern"]],
    ["a symbol outside the list", "abc12345&", ["pattern"]],
    ["no symbol", "abcd12345", ["pattern"]],
  ])("reports an adminPass that is %s", (_, adminPass, expected) => {
    const body = seedRequest();
    body.keyConfig.adminPass = adminPass;
    const issues = becRequest(body);
    expect(issues.map((i) => i.rule)).toEqual(expected);
    for (const issue of issues) expect(issue.path).toBe("body.keyConfig.adminPass");
    expect(issues.find((i) => i.rule === "pattern")?.message).toBe(
      `must match the pattern ${bec.components.schemas.AdminPassword.pattern}`,
    );
  });

  it("accepts a password with each allowed symbol", () => {
    for (const symbol of "!@#$%^+*()") {
      const body = seedRequest();
      body.keyConfig.adminPass = `Abcdef12${symbol}`;
      expect(becRequest(body), symbol).toEqual([]);
    }
  });

  it("reports unknown properties by name, at any level", () => {
    const body = { ...seedRequest(), foo: 1 };
    body.keyConfig.extra = "x";
    expect(becRequest(body)).toEqual([
      { path: "body.keyConfig.extra", rule: "additionalProperties", message: "is not allowed (unknown property)" },
      { path: "body.foo", rule: "additionalProperties", message: "is not allowed (unknown property)" },
    ]);
  });

  it("names a key no identifier is, or a long one, quoted: escaped, and cut at 100 characters", () => {
    const issues = validateSchema(
      { ["y".repeat(300)]: 1, "a\u202eb": 1, [`${"z".repeat(100)}`]: 1 },
      { type: "object", additionalProperties: false },
      { root: {}, path: "answer" },
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      `answer["${"y".repeat(99)}… (202 more characters)]`,
      'answer["a\\u202eb"]',
      `answer.${"z".repeat(100)}`,
    ]);
  });

  it("applies the keyConfig if/then/else", () => {
    const keyConfig = (k: unknown) => becRequest({ ...seedRequest(), keyConfig: k });
    expect(keyConfig({ type: "bccKeyPair" })).toEqual([
      { path: "body.keyConfig.bccKeyPairIdList", rule: "required", message: "is required unless type is password" },
    ]);
    expect(keyConfig({ type: "password" })).toEqual([
      { path: "body.keyConfig.adminPass", rule: "required", message: "is required when type is password" },
    ]);
    expect(keyConfig({ type: "bccKeyPair", bccKeyPairIdList: ["k-3Wd7Jbcu"] })).toEqual([]);
    expect(rules(keyConfig({ type: "bccKeyPair", bccKeyPairIdList: [] }))).toEqual([
      "body.keyConfig.bccKeyPairIdList minItems",
    ]);
    expect(rules(keyConfig({ type: "bccKeyPair", bccKeyPairIdList: ["k-1", ""] }))).toEqual([
      "body.keyConfig.bccKeyPairIdList[1] minLength",
    ]);
    // What a client sends (x-client-rules): only the member the type chooses.
    expect(keyConfig({ type: "bccKeyPair", bccKeyPairIdList: ["k-1"], adminPass: "root@!123456" })).toEqual([
      { path: "body.keyConfig.adminPass", rule: "not", message: "is not allowed unless type is password" },
    ]);
    expect(keyConfig({ type: "password", adminPass: "root@!123456", bccKeyPairIdList: ["k-1"] })).toEqual([
      { path: "body.keyConfig.bccKeyPairIdList", rule: "not", message: "is not allowed unless type is bccKeyPair" },
    ]);
    expect(rules(keyConfig({ type: "sshKey", adminPass: "root@!123456" }))).toEqual([
      "body.keyConfig.adminPass not",
      "body.keyConfig.bccKeyPairIdList required",
      "body.keyConfig.type enum",
    ]);
  });

  it("treats undefined properties as absent (JSON.stringify drops them)", () => {
    expect(becRequest({ ...seedRequest(), imageType: undefined, unknown: undefined })).toEqual([]);
    expect(rules(becRequest({ ...seedRequest(), imageId: undefined }))).toEqual(["body.imageId required"]);
  });

  it("reports a body that is not an object", () => {
    expect(becRequest(undefined)).toEqual([{ path: "body", rule: "type", message: "must be object" }]);
    expect(rules(becRequest([]))).toEqual(["body type"]);
  });

  it("the service side takes what the official SDKs send; the client side refuses it", () => {
    // bce-sdk-go ReinstallVmInstanceArg without KeyConfig (its own test), bce-sdk-java with nulls and vmID.
    const go = { adminPass: "ikuI5g", imageId: "m-3Wa7ZIgH", imageType: "bec" };
    const java = {
      vmID: "vm-1",
      adminPass: null,
      keyConfig: { type: "password", adminPass: "root@!123456", bccKeyPairIdList: null },
      imageId: "im-1",
      imageType: "rds",
      images: null,
      resetDataDisk: null,
      hostname: null,
      userData: null,
      cudaVersion: null,
      driverVersion: null,
      cudnnVersion: null,
      requestCredentials: null,
    };
    expect(becRequest(go, false)).toEqual([]);
    expect(becRequest(java, false)).toEqual([]);
    expect(rules(becRequest(go))).toEqual(["body.keyConfig required", "body.adminPass not"]);
    expect(rules(becRequest(java))).toEqual([
      "body.vmID additionalProperties",
      "body.adminPass not",
      "body.keyConfig.bccKeyPairIdList type",
      "body.images additionalProperties",
      "body.resetDataDisk type",
      "body.hostname additionalProperties",
      "body.userData type",
      "body.cudaVersion type",
      "body.driverVersion type",
      "body.cudnnVersion type",
    ]);
  });

  it("a null keyConfig: the service reads the top-level password, the client refuses it", () => {
    expect(becRequest({ imageId: "im-1", keyConfig: null, adminPass: "root@!123456" }, false)).toEqual([]);
    expect(becRequest({ imageId: "im-1", keyConfig: null, adminPass: "root@!123456" })).toEqual([
      { path: "body.keyConfig", rule: "type", message: "must be object" },
      {
        path: "body.adminPass",
        rule: "not",
        message: "is deprecated and not sent: give the password as keyConfig.adminPass",
      },
    ]);
  });
});

describe("BCC rebuild request", () => {
  it("refuses a plain-text adminPass and accepts the ciphertext", () => {
    // The client rule (EncryptedAdminPass) names the problem; the service side only knows no branch fits.
    expect(rules(bccRequest({ imageId: "m-mRjO3cjs", adminPass: "1qaz@WSX" }))).toEqual([
      "body.adminPass minLength",
      "body.adminPass pattern",
      "body.adminPass anyOf",
    ]);
    expect(rules(bccRequest({ imageId: "m-mRjO3cjs", adminPass: "D0DD8CC65746EA6CEAA478763EBA9949" }))).toEqual([
      "body.adminPass pattern",
      "body.adminPass anyOf",
    ]);
    expect(bccRequest({ imageId: "m-mRjO3cjs", adminPass: "d0dd8cc65746ea6ceaa478763eba9949".repeat(2) })).toEqual([]);
  });

  it("checks required, types and unknown properties", () => {
    // x-client-rules are checked where the schema's applicators are, before its own properties.
    expect(bccRequest({ imageId: "", isOpenHostEye: "yes", sysRootSize: 1.5, keyPairId: "k" })).toEqual([
      { path: "body.imageId", rule: "pattern", message: "must not be blank" },
      { path: "body.isOpenHostEye", rule: "type", message: "must be boolean" },
      { path: "body.keyPairId", rule: "additionalProperties", message: "is not allowed (unknown property)" },
      { path: "body.imageId", rule: "minLength", message: "must have at least 1 character" },
      { path: "body.isOpenHostEye", rule: "type", message: "must be boolean or null" },
      { path: "body.sysRootSize", rule: "type", message: "must be integer" },
    ]);
    expect(rules(bccRequest({}))).toEqual(["body.imageId required"]);
  });

  it("the service side takes the Go SDK V1 and V2 shapes and Java nulls; the client side refuses them", () => {
    const v1KeyPair = {
      imageId: "m-1",
      adminPass: "",
      keypairId: "k-1",
      isOpenHostEye: false,
      isPreserveData: false,
      cleanLastUserData: null,
      keepImageLogin: false,
    };
    const v2Password = {
      imageId: "m-1",
      adminPass: "d0dd8cc65746ea6ceaa478763eba9949",
      keypairId: "",
      isOpenHostEye: null,
      isPreserveData: null,
      cleanLastUserData: null,
      keepImageLogin: false,
    };
    const java = {
      imageId: "m-1",
      keypairId: null,
      adminPass: "d0dd8cc65746ea6ceaa478763eba9949",
      keepImageLogin: false,
      userData: null,
      cleanLastUserData: null,
      requestCredentials: null,
    };
    for (const body of [v1KeyPair, v2Password, java]) expect(bccRequest(body, false)).toEqual([]);
    expect(rules(bccRequest(v1KeyPair))).toEqual([
      "body.adminPass minLength",
      "body.adminPass pattern",
      "body.cleanLastUserData type",
    ]);
    expect(rules(bccRequest(v2Password))).toEqual([
      "body.keypairId minLength",
      "body.isOpenHostEye type",
      "body.isPreserveData type",
      "body.cleanLastUserData type",
    ]);
    expect(rules(bccRequest(java))).toEqual([
      "body.keypairId type",
      "body.userData type",
      "body.cleanLastUserData type",
      "body.requestCredentials additionalProperties",
    ]);
  });
});

describe("BEC reinstall response", () => {
  it("reports a createTime that is not a date-time", () => {
    const body = seedResult();
    body.details.createTime = "yesterday";
    body.details.osImage.createTime = "2021-02-30T00:00:00Z";
    expect(becResult(body)).toEqual([
      {
        path: "body.details.osImage.createTime",
        rule: "format",
        message: "must be a valid date-time (RFC 3339, e.g. 2021-03-01T10:34:06Z)",
      },
      {
        path: "body.details.createTime",
        rule: "format",
        message: "must be a valid date-time (RFC 3339, e.g. 2021-03-01T10:34:06Z)",
      },
    ]);
  });

  it("accepts null where the spec allows it, and only there", () => {
    const body = seedResult();
    expect(body.details.internalIp).toBeNull();
    body.details.multiplePublicIp = null;
    expect(becResult(body)).toEqual([]);
    body.details.internalIp = "10.0.0.1";
    body.details.multiplePublicIp = [{ serviceProvider: "INTRA", ip: "1.2.3.4" }];
    expect(becResult(body)).toEqual([]);
    body.details.internalIp = 5;
    body.details.vmId = null;
    expect(becResult(body)).toEqual([
      { path: "body.details.internalIp", rule: "type", message: "must be string or null" },
      { path: "body.details.vmId", rule: "type", message: "must be string" },
    ]);
  });

  it("reports nested problems with exact paths", () => {
    const body = seedResult();
    delete body.details.dataVolumeList[0].name;
    body.details.dataVolumeList[0].volumeType = 7;
    body.details.cpu = 1.5;
    expect(rules(becResult(body))).toEqual([
      "body.details.cpu type",
      "body.details.dataVolumeList[0].name required",
      "body.details.dataVolumeList[0].volumeType anyOf",
    ]);
  });

  it("describes what the service may send: new values, new fields, nulls and missing optional parts", () => {
    const body = evolvedResult();
    expect(becResult(body)).toEqual([]);
    expect(body.details.status).toBe("MIGRATING");
    expect(body.details.systemVolume.volumeType).toBe("CDS_ESSD_PL3");
    expect(body.details.publicIp).toBeNull();
    for (const part of ["rootDiskSize", "dataStorage", "dataVolumeList"]) expect(body.details).not.toHaveProperty(part);
    body.details.serviceProvider = "CHINA_BROADNET";
    body.details.region = "NORTH_POLE";
    body.details.osImage.nameFri = "friendly";
    delete body.details.publicIp;
    expect(becResult(body)).toEqual([]);
    delete body.details;
    expect(becResult(body)).toEqual([]);
  });

  it("still refuses what no answer may be: wrong types, a missing result", () => {
    const body = evolvedResult();
    body.details.status = 5;
    body.details.publicIp = 1;
    delete body.result;
    expect(rules(becResult(body))).toEqual([
      "body.result required",
      "body.details.publicIp type",
      "body.details.status anyOf",
    ]);
  });
});

describe("keywords", () => {
  const v = (value: unknown, schema: JsonSchema, root: unknown = {}) =>
    validateSchema(value, schema, { root, path: "x" });
  const ok = (value: unknown, schema: JsonSchema, root?: unknown) => expect(v(value, schema, root)).toEqual([]);
  const fails = (value: unknown, schema: JsonSchema, rule: string, message: string, path = "x") =>
    expect(v(value, schema)).toEqual([{ path, rule, message }]);

  it("type", () => {
    ok("a", { type: "string" });
    fails(1, { type: "string" }, "type", "must be string");
    ok(1, { type: "integer" });
    ok(1.0, { type: "integer" });
    fails(1.5, { type: "integer" }, "type", "must be integer");
    ok(1.5, { type: "number" });
    fails(Number.NaN, { type: "number" }, "type", "must be number");
    fails("1", { type: "number" }, "type", "must be number");
    ok(false, { type: "boolean" });
    fails(0, { type: "boolean" }, "type", "must be boolean");
    ok({}, { type: "object" });
    fails([], { type: "object" }, "type", "must be object");
    fails(null, { type: "object" }, "type", "must be object");
    ok([], { type: "array" });
    fails({}, { type: "array" }, "type", "must be array");
    ok(null, { type: "null" });
    ok(null, { type: ["string", "null"] });
    fails(undefined, { type: ["string", "null"] }, "type", "must be string or null");
  });

  it("enum and const compare JSON values deeply", () => {
    ok("b", { enum: ["a", "b"] });
    fails("c", { enum: ["a", 1, null] }, "enum", "must be one of: a, 1, null");
    ok({ a: [1] }, { enum: [{ a: [1] }] });
    fails({ a: [2] }, { enum: [{ a: [1] }] }, "enum", 'must be one of: {"a":[1]}');
    ok("password", { const: "password" });
    fails("Password", { const: "password" }, "const", "must be password");
    fails({ a: 1, b: 2 }, { const: { a: 1 } }, "const", 'must be {"a":1}');
    fails(undefined, { const: null }, "const", "must be null");
  });

  it("properties, required and additionalProperties", () => {
    const schema = {
      properties: { a: { type: "string" } },
      required: ["a", "toString"],
      additionalProperties: { type: "integer" },
    };
    ok({ a: "x", toString: 1, n: 2 }, schema);
    expect(rules(v({ n: "two" }, schema))).toEqual(["x.a required", "x.toString required", "x.n type"]);
    fails({ a: 1 }, { properties: { a: { type: "string" } } }, "type", "must be string", "x.a");
    fails(
      { "a b": 1 },
      { additionalProperties: false },
      "additionalProperties",
      "is not allowed (unknown property)",
      'x["a b"]',
    );
    ok({ a: 1 }, { properties: { a: true }, additionalProperties: false });
    ok("not an object", { required: ["a"], additionalProperties: false });
  });

  it("items, minItems and maxItems", () => {
    ok([1, 2], { items: { type: "integer" }, minItems: 2, maxItems: 2 });
    fails([1, "b"], { items: { type: "integer" } }, "type", "must be integer", "x[1]");
    fails([], { minItems: 1 }, "minItems", "must have at least 1 item");
    fails([1, 2, 3], { maxItems: 2 }, "maxItems", "must have at most 2 items");
    ok("abc", { minItems: 5 });
  });

  it("minLength and maxLength count code points", () => {
    ok("😀😀", { minLength: 2, maxLength: 2 });
    fails("😀", { minLength: 2 }, "minLength", "must have at least 2 characters");
    fails("😀😀😀", { maxLength: 2 }, "maxLength", "must have at most 2 characters");
    ok(12345, { maxLength: 2 });
  });

  it("pattern is unanchored and Unicode-aware", () => {
    ok("xaby", { pattern: "ab" });
    fails("xy", { pattern: "ab" }, "pattern", "must match the pattern ab");
    ok("😀", { pattern: "^.$" });
    fails("ab", { pattern: "^.$" }, "pattern", "must match the pattern ^.$");
    // A schema may say in its own words what the pattern wants.
    fails(" ", { pattern: "\\S", "x-pattern-message": "must not be blank" }, "pattern", "must not be blank");
    ok("é", { pattern: "^\\p{L}$" });
    ok(5, { pattern: "^a$" });
  });

  it("minimum and maximum", () => {
    ok(5, { minimum: 5, maximum: 5 });
    fails(4.9, { minimum: 5 }, "minimum", "must be >= 5");
    fails(6, { maximum: 5 }, "maximum", "must be <= 5");
    ok("9", { maximum: 5 });
  });

  it.each([
    [
      "date-time",
      ["2021-03-01T10:34:06Z", "2024-02-29t23:59:60.123z", "2021-03-01T10:34:06+08:00"],
      [
        "yesterday",
        "2021-03-01",
        "2023-02-29T00:00:00Z",
        "2021-03-01T24:00:00Z",
        "2021-03-01T10:34:06",
        "2021-03-01T10:34:06+24:00",
        "2021-13-01T00:00:00Z",
      ],
    ],
    ["ipv4", ["36.158.184.31", "0.0.0.0", "255.255.255.255"], ["256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4 ", "::1"]],
    [
      "ipv6",
      ["::1", "2001:db8::8a2e:370:7334", "::ffff:1.2.3.4"],
      ["1::2::3", "1.2.3.4", "fe80::1%eth0", "::1]/x", "12345::"],
    ],
    [
      "uuid",
      ["76050e65-b8e5-4fcf-a61b-dd2b71949370", "76050E65-B8E5-4FCF-A61B-DD2B71949370"],
      ["76050e65b8e54fcfa61bdd2b71949370", "76050e65-b8e5-4fcf-a61b-dd2b7194937g"],
    ],
  ])("format %s", (format, good, bad) => {
    for (const s of good) expect(v(s, { format }), s).toEqual([]);
    for (const s of bad) expect(rules(v(s, { format })), s).toEqual(["x format"]);
    ok(42, { format }); // formats only constrain strings
  });

  it("ignores formats it does not know (annotations by default)", () => {
    ok("anything", { format: "password" });
    ok("anything", { format: "email" });
  });

  it("$ref resolves JSON pointers, with its siblings still applied", () => {
    const root = { $defs: { "a/b": { type: "string" }, "c~d": { minLength: 2 } } };
    ok("xy", { $ref: "#/$defs/a~1b" }, root);
    expect(rules(v(1, { $ref: "#/$defs/a~1b" }, root))).toEqual(["x type"]);
    expect(rules(v("x", { $ref: "#/$defs/c~0d", maxLength: 0 }, root))).toEqual(["x minLength", "x maxLength"]);
    expect(rules(v("x", { $ref: "#" }, { type: "integer" }))).toEqual(["x type"]);
  });

  it("$ref that does not resolve throws", () => {
    expect(() => v("x", { $ref: "#/components/schemas/Nope" })).toThrow(
      '$ref "#/components/schemas/Nope" does not resolve',
    );
    expect(() => v("x", { $ref: "other.json#/a" })).toThrow("only local references");
    expect(() => v("x", { $ref: "#/toString" })).toThrow("does not resolve");
    expect(() => v("x", { $ref: "#/a" }, { a: "string" })).toThrow("does not point to a schema");
  });

  it("a $ref cycle throws instead of recursing forever", () => {
    const root = { $defs: { A: { allOf: [{ $ref: "#/$defs/B" }] }, B: { $ref: "#/$defs/A" } } };
    expect(() => v("x", { $ref: "#/$defs/A" }, root)).toThrow("$ref cycle");
  });

  it("recursive schemas work, and deep values get a depth issue", () => {
    const root = {
      $defs: { Tree: { type: "object", properties: { child: { $ref: "#/$defs/Tree" } }, additionalProperties: false } },
    };
    const nest = (n: number): unknown => (n === 0 ? {} : { child: nest(n - 1) });
    ok(nest(MAX_DEPTH), { $ref: "#/$defs/Tree" }, root);
    const deep = v(nest(MAX_DEPTH + 1), { $ref: "#/$defs/Tree" }, root);
    expect(deep).toEqual([
      {
        path: `x${".child".repeat(MAX_DEPTH + 1)}`,
        rule: "depth",
        message: `is nested more than ${MAX_DEPTH} levels deep`,
      },
    ]);
    const cyclic: Record<string, unknown> = {};
    cyclic.child = cyclic;
    expect(rules(v(cyclic, { $ref: "#/$defs/Tree" }, root))).toHaveLength(1);
    expect(rules(v([[[[1]]]], { items: { items: { items: { items: { type: "string" } } } } }))).toEqual([
      "x[0][0][0][0] type",
    ]);
    const list = { $defs: { L: { type: "array", items: { $ref: "#/$defs/L" } } } };
    const nestList = (n: number): unknown => (n === 0 ? [] : [nestList(n - 1)]);
    ok(nestList(MAX_DEPTH), { $ref: "#/$defs/L" }, list);
    expect(rules(v(nestList(MAX_DEPTH + 1), { $ref: "#/$defs/L" }, list))).toEqual([
      `x${"[0]".repeat(MAX_DEPTH + 1)} depth`,
    ]);
  });

  it("allOf, anyOf, oneOf and not", () => {
    expect(rules(v("a", { allOf: [{ minLength: 2 }, { pattern: "^b" }] }))).toEqual(["x minLength", "x pattern"]);
    ok("bb", { allOf: [{ minLength: 2 }, { pattern: "^b" }] });
    ok(1, { anyOf: [{ type: "string" }, { type: "integer" }] });
    fails(true, { anyOf: [{ type: "string" }, { type: "integer" }] }, "anyOf", "must match at least one of 2 schemas");
    ok(1.5, { oneOf: [{ type: "integer" }, { type: "number" }] });
    fails(
      1,
      { oneOf: [{ type: "integer" }, { type: "number" }] },
      "oneOf",
      "must match exactly one of 2 schemas (matches 2)",
    );
    fails(
      "s",
      { oneOf: [{ type: "integer" }, { type: "number" }] },
      "oneOf",
      "must match exactly one of 2 schemas (matches 0)",
    );
    ok(1, { not: { type: "string" } });
    fails("s", { not: { type: "string" } }, "not", 'must not match the schema in "not"');
    // x-not-message says why, where the rule alone would not (a field an if/then forbids).
    fails(1, { not: {}, "x-not-message": "is not allowed with t: true" }, "not", "is not allowed with t: true");
    ok(1, { not: { type: "string" }, "x-not-message": "must not be a string" });
    // x-required-message says when, for a member a branch asks for.
    fails(
      {},
      { required: ["a"], "x-required-message": "is required when t is true" },
      "required",
      "is required when t is true",
      "x.a",
    );
    ok({ a: 1 }, { required: ["a"], "x-required-message": "is required when t is true" });
  });

  it("anyOf names the one branch that accepts the value type, else reports itself", () => {
    const root = { $defs: { K: { type: "object", required: ["a"] } } };
    const nullable = { anyOf: [{ $ref: "#/$defs/K" }, { type: "null" }] };
    ok(null, nullable, root);
    expect(v({}, nullable, root)).toEqual([{ path: "x.a", rule: "required", message: "is required" }]);
    expect(rules(v("s", nullable, root))).toEqual(["x anyOf"]);
    const open = { anyOf: [{ type: "string", enum: ["A"] }, { type: "string" }] };
    ok("B", open);
    expect(rules(v(1, open))).toEqual(["x anyOf"]);
  });

  it("x-client-rules apply only when asked, at the schema they sit beside", () => {
    const root = { $defs: { P: { type: "string", minLength: 3 } } };
    const schema = {
      type: "object",
      properties: { a: { type: ["string", "null"], "x-client-rules": { type: "string" } } },
      "x-client-rules": {
        required: ["a"],
        additionalProperties: false,
        properties: { a: true, b: { $ref: "#/$defs/P" } },
      },
    };
    expect(validateSchema({ a: null, c: 1 }, schema, { root, path: "x" })).toEqual([]);
    expect(rules(validateSchema({ a: null, c: 1 }, schema, { root, path: "x", clientRules: true }))).toEqual([
      "x.c additionalProperties",
      "x.a type",
    ]);
    expect(rules(validateSchema({ b: "xy" }, schema, { root, path: "x", clientRules: true }))).toEqual([
      "x.a required",
      "x.b minLength",
    ]);
    expect(validateSchema({ a: "ok", b: "xyz" }, schema, { root, path: "x", clientRules: true })).toEqual([]);
  });

  it("if/then/else picks a branch and discards the if issues", () => {
    const schema = { if: { properties: { t: { const: "p" } } }, then: { required: ["p"] }, else: { required: ["k"] } };
    fails({ t: "p" }, schema, "required", "is required", "x.p");
    fails({ t: "q" }, schema, "required", "is required", "x.k");
    fails({}, schema, "required", "is required", "x.p"); // an absent t does not fail `properties`
    ok({ t: "q", k: 1 }, schema);
    ok({ t: "q" }, { if: { properties: { t: { const: "p" } } }, then: { required: ["p"] } });
  });

  it("boolean schemas", () => {
    ok({ anything: 1 }, true);
    fails(1, false, "false", "is not allowed");
    fails({ a: 1 }, { properties: { a: false } }, "false", "is not allowed", "x.a");
  });

  it("stops at maxIssues (default 10)", () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, 1]));
    expect(v(many, { additionalProperties: false })).toHaveLength(10);
    expect(validateSchema(many, { additionalProperties: false }, { root: {}, path: "x", maxIssues: 3 })).toHaveLength(
      3,
    );
    expect(
      validateSchema(Array(30).fill("a"), { items: { type: "integer" } }, { root: {}, path: "x", maxIssues: 2 }),
    ).toHaveLength(2);
    const required = Object.keys(many);
    expect(validateSchema({}, { required }, { root: {}, path: "x", maxIssues: 3 })).toHaveLength(3);
  });
});

describe("unsupportedKeywords", () => {
  it("accepts supported keywords and annotations", () => {
    const schema = {
      type: ["object", "null"],
      title: "t",
      description: "d",
      "x-zh": "z",
      example: {},
      examples: [],
      default: {},
      deprecated: true,
      readOnly: false,
      writeOnly: false,
      $comment: "c",
      externalDocs: {},
      required: ["a"],
      additionalProperties: false,
      properties: {
        a: {
          type: "string",
          minLength: 1,
          maxLength: 2,
          pattern: "^a",
          format: "password",
          enum: ["a"],
          const: "a",
          contentEncoding: "base64",
        },
      },
      allOf: [{ if: { required: ["a"] }, then: true, else: false }],
      anyOf: [true],
      oneOf: [true],
      not: false,
      items: { minItems: 0, maxItems: 1, minimum: 0, maximum: 1.5 },
    };
    expect(unsupportedKeywords(schema, {})).toEqual([]);
  });

  it("looks into x-client-rules as well", () => {
    expect(unsupportedKeywords({ type: "string", "x-client-rules": { uniqueItems: true, minLength: 1 } }, {})).toEqual([
      "uniqueItems at schema/x-client-rules",
    ]);
    expect(unsupportedKeywords({ "x-client-rules": "strict" }, {})).toEqual([
      "x-client-rules at schema (malformed value)",
    ]);
  });

  it("reports unknown keywords with where they are, following $refs", () => {
    const root = { components: { schemas: { A: { nullable: true, properties: { b: { patternProperties: {} } } } } } };
    expect(unsupportedKeywords({ allOf: [{ $ref: "#/components/schemas/A" }], uniqueItems: true }, root)).toEqual([
      "nullable at #/components/schemas/A",
      "patternProperties at #/components/schemas/A/properties/b",
      "uniqueItems at schema",
    ]);
  });

  it("reports malformed values and patterns that do not compile with the u flag", () => {
    expect(
      unsupportedKeywords(
        { minLength: "8", required: "a", type: "strin", allOf: [], properties: { a: { pattern: "a{" } } },
        {},
      ),
    ).toEqual([
      "minLength at schema (malformed value)",
      "required at schema (malformed value)",
      "type at schema (malformed value)",
      "allOf at schema (malformed value)",
      "pattern at schema/properties/a (does not compile with the u flag)",
    ]);
  });

  it("terminates on $ref cycles and throws for a $ref that does not resolve", () => {
    const root = { $defs: { A: { properties: { a: { $ref: "#/$defs/A" } }, nope: 1 } } };
    expect(unsupportedKeywords({ $ref: "#/$defs/A" }, root)).toEqual(["nope at #/$defs/A"]);
    expect(() => unsupportedKeywords({ $ref: "#/$defs/B" }, root)).toThrow("does not resolve");
  });
});

describe("messages never contain the value", () => {
  const adminPass: JsonSchema = { $ref: "#/components/schemas/AdminPassword" };
  const issuesFor = (s: unknown) => validateSchema(s, adminPass, { root: bec, path: "adminPass" });
  // Every message the adminPass schema can produce for a string, from inputs that trigger each rule.
  const vocabulary = new Set([...issuesFor("a"), ...issuesFor("x".repeat(40))].map((i) => i.message));

  it("the vocabulary covers minLength, maxLength and pattern", () => {
    expect(vocabulary.size).toBe(3);
  });

  it("holds for random strings against the adminPass schema", () => {
    const text = [...vocabulary].join("\n");
    const input = fc.oneof(
      fc.string({ minLength: 4, maxLength: 40, unit: "binary" }),
      fc.stringMatching(/^[A-Za-z0-9!@#$%^+*()&]{4,40}$/),
    );
    fc.assert(
      fc.property(input, (s) => {
        fc.pre(!text.includes(s)); // a string that is part of the rule text itself is not a leak
        for (const issue of issuesFor(s)) {
          expect(issue.message).not.toContain(s);
          expect(vocabulary.has(issue.message)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
