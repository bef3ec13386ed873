// Bad IDs at the public API: refused before anything is sent, so a request can never reach
// another path. A recording fetch proves nothing left the client.
import { BceValidationError } from "@bce-openapi/core";
import { createBccClient } from "@bce-openapi/bcc";
import { createBecClient, type ReinstallVmInstanceInput } from "@bce-openapi/bec";
import { describe, expect, it } from "vitest";

const CREDENTIALS = { accessKeyId: "ak-bad-input", secretAccessKey: "sk-bad-input-0123456789" };
const BEC_BODY: ReinstallVmInstanceInput = {
  keyConfig: { type: "password", adminPass: "root@!123456" },
  imageId: "im-1",
};

function recording() {
  const sent: Request[] = [];
  return {
    sent,
    fetch: async (request: Request) => {
      sent.push(request);
      return new Response(null, { status: 599 });
    },
  };
}

/** Clients that send to the recorder only (its endpoint is never reached). */
const becFor = (recorder: ReturnType<typeof recording>, options: object = {}) =>
  createBecClient({ endpoint: "http://127.0.0.1:9", credentials: CREDENTIALS, fetch: recorder.fetch, ...options });
const bccFor = (recorder: ReturnType<typeof recording>, options: object = {}) =>
  createBccClient({ endpoint: "http://127.0.0.1:9", credentials: CREDENTIALS, fetch: recorder.fetch, ...options });

const BAD_IDS: readonly [string, unknown][] = [
  ["empty", ""],
  ["blank", "  "],
  ["a slash", "a/b"],
  ["a parent segment", ".."],
  ["a parent segment and a path", "../x"],
  ["a current segment", "."],
  ["a question mark", "a?b"],
  ["a hash", "a#b"],
  ["an encoded slash", "a%2Fb"],
  ["encoded dots", "%2e%2e"],
  ["a backslash (a slash to the URL parser)", "a\\b"],
  ["a space", "a b"],
  ["a non-ASCII letter", "é"],
  ["a newline", "vm\n1"],
  ["a trailing tab", "vm-1\t"],
  ["a NUL", "vm\u00001"],
  ["a fullwidth solidus", "a\uFF0Fb"],
  ["a number instead of a string", 42],
  ["undefined", undefined],
];

describe.each(BAD_IDS)("an ID with %s", (_, id) => {
  it("BEC reinstall: BceValidationError naming vmId, nothing sent", async () => {
    const recorder = recording();
    const bec = becFor(recorder);
    const error = await bec.reinstallVmInstance(id as string, BEC_BODY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: "vmId" });
    expect((error as Error).message).toMatch(/^vmId: /);
    expect(recorder.sent).toHaveLength(0);
  });

  it("BCC rebuild: BceValidationError naming instanceId, nothing sent", async () => {
    const recorder = recording();
    const bcc = bccFor(recorder);
    const error = await bcc.rebuildInstance(id as string, { imageId: "m-1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: "instanceId" });
    expect((error as Error).message).toMatch(/^instanceId: /);
    expect(recorder.sent).toHaveLength(0);
  });
});

describe("a blank imageId is refused before sending, as a blank path ID is", () => {
  it.each([" ", "\t \n"])("%j", async (imageId) => {
    const recorder = recording();
    const errors = [
      await becFor(recorder)
        .reinstallVmInstance("vm-1", { ...BEC_BODY, imageId })
        .catch((e: unknown) => e),
      await bccFor(recorder)
        .rebuildInstance("i-1", { imageId })
        .catch((e: unknown) => e),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(BceValidationError);
      expect(error).toMatchObject({
        field: "body.imageId",
        rule: "pattern",
        message: "body.imageId: must not be blank",
      });
    }
    expect(recorder.sent).toHaveLength(0);
  });
});

describe("IDs the spec allows reach exactly their own path", () => {
  it.each(["vm-6ahy6dli", "a..b", "A_1.x-2"])("BEC %s", async (id) => {
    const recorder = recording();
    const bec = becFor(recorder, { retry: { maxAttempts: 1 } });
    await bec.reinstallVmInstance(id, BEC_BODY).catch(() => undefined);
    expect(recorder.sent).toHaveLength(1);
    expect(new URL(recorder.sent[0]!.url).pathname).toBe(`/v1/vm/instance/${id}/system/reinstall`);
  });

  it.each(["i-YufwpQAe", "a..b"])("BCC %s", async (id) => {
    const recorder = recording();
    const bcc = bccFor(recorder, { retry: { maxAttempts: 1 } });
    await bcc.rebuildInstance(id, { imageId: "m-1" }).catch(() => undefined);
    expect(recorder.sent).toHaveLength(1);
    expect(new URL(recorder.sent[0]!.url).pathname).toBe(`/v2/instance/${id}`);
  });
});

describe("bad call options are refused before sending", () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("timeoutMs %s", async (timeoutMs) => {
    const recorder = recording();
    const bcc = bccFor(recorder);
    const error = await bcc.rebuildInstance("i-1", { imageId: "m-1" }, { timeoutMs }).catch((e: unknown) => e);
    expect(error).toMatchObject({ field: "timeoutMs" });
    expect(error).toBeInstanceOf(BceValidationError);
    expect(recorder.sent).toHaveLength(0);
  });

  it.each(["", "x".repeat(65), "has space", "ü"])("BEC clientToken %j", async (clientToken) => {
    const recorder = recording();
    const bec = becFor(recorder);
    const error = await bec.reinstallVmInstance("vm-1", BEC_BODY, { clientToken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect((error as BceValidationError).field).toMatch(/^clientToken/);
    expect(recorder.sent).toHaveLength(0);
  });
});

describe("a refusal names the value that breaks a rule first, then every other issue", () => {
  it("a wrong keyConfig.type is named before the member another type would call for", async () => {
    const recorder = recording();
    const body = { keyConfig: { type: "pwd", adminPass: "root@!123456" }, imageId: "im-1" } as never;
    const error = await becFor(recorder)
      .reinstallVmInstance("vm-1", body)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ field: "body.keyConfig.type", rule: "enum" });
    expect((error as Error).message).toBe(
      "body.keyConfig.type: must be one of: password, bccKeyPair (also: body.keyConfig.adminPass: is not allowed unless type is password; body.keyConfig.bccKeyPairIdList: is required unless type is password)",
    );
    expect(recorder.sent).toHaveLength(0);
  });

  it("a second issue of the same field gives its rule without repeating the field", async () => {
    const recorder = recording();
    const error = await becFor(recorder)
      .reinstallVmInstance("vm-1", BEC_BODY, { clientToken: "x".repeat(65) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ field: "clientToken", rule: "maxLength" });
    expect((error as Error).message).toMatch(/^clientToken: must have at most 64 characters \(also: must match /);
    expect(recorder.sent).toHaveLength(0);
  });
});

describe("bodies are checked as they will be sent", () => {
  it("a body whose toJSON (its own or inherited) changes it is checked as JSON.stringify makes it: refused, nothing sent", async () => {
    const recorder = recording();
    const bcc = bccFor(recorder);
    const body = Object.assign(Object.create({ toJSON: () => ({ evil: 1 }) }), { imageId: "m-1" });
    const error = await bcc.rebuildInstance("i-1", body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect((error as Error).message).toMatch(/imageId/);
    expect(recorder.sent).toHaveLength(0);
  });

  it("what is sent is the text that was checked", async () => {
    const recorder = recording();
    const bcc = bccFor(recorder, { retry: { maxAttempts: 1 } });
    // An undefined property is not sent, as JSON.stringify leaves it out.
    await bcc.rebuildInstance("i-1", { imageId: "m-1", keypairId: undefined }).catch(() => undefined);
    expect(await recorder.sent[0]!.text()).toBe('{"imageId":"m-1"}');
  });

  it.each([
    ["a BigInt", () => ({ imageId: "m-1", extra: 1n })],
    ["a cycle", () => Object.assign(Object.create(null), { imageId: "m-1" }, { self: null as unknown })],
  ])("a body JSON cannot carry (%s) is refused with a BceValidationError naming the body", async (_, make) => {
    const body = make() as Record<string, unknown>;
    if ("self" in body) body.self = body;
    const recorder = recording();
    const bcc = bccFor(recorder);
    const error = await bcc.rebuildInstance("i-1", body as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({
      field: "body",
      message:
        "body: must be JSON data: no BigInt, no cycles, no nesting too deep to serialize, nothing that throws when read (see cause)",
    });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(recorder.sent).toHaveLength(0);
  });

  it("BEC userData with a lone surrogate is refused, naming it, before a credentials provider is asked", async () => {
    const recorder = recording();
    let asked = 0;
    const bec = becFor(recorder, {
      credentials: () => {
        asked++;
        return CREDENTIALS;
      },
    });
    const error = await bec.reinstallVmInstance("vm-1", { ...BEC_BODY, userData: "a\uD800b" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: "body.userData", rule: "format" });
    expect(asked).toBe(0);
    expect(recorder.sent).toHaveLength(0);
  });
  // btoa over a string past V8's longest ended the whole process.
  it("BEC userData too long to encode is refused, naming it, and nothing is sent", async () => {
    const recorder = recording();
    const error = await becFor(recorder)
      .reinstallVmInstance("vm-1", { ...BEC_BODY, userData: "中".repeat(60_000_000) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: "body.userData", rule: "maxLength" });
    expect((error as Error).message).toMatch(
      /^body\.userData: is too long: encoded, it would be more than \d+ characters$/,
    );
    expect(recorder.sent).toHaveLength(0);
  });
});

describe("the headers option is read as fetch reads it", () => {
  it.each([
    ["a record", { "X-Team": "edge" }],
    ["a Headers", new Headers({ "x-team": "edge" })],
    ["[name, value] pairs", [["x-team", "edge"]]],
  ])("%s: every request carries it, under its own name", async (_, headers) => {
    const recorder = recording();
    await bccFor(recorder, { headers, retry: { maxAttempts: 1 } })
      .rebuildInstance("i-1", { imageId: "m-1" })
      .catch(() => {});
    expect(recorder.sent).toHaveLength(1);
    const sent = recorder.sent[0]!.headers;
    expect(sent.get("x-team")).toBe("edge");
    expect(sent.has("0")).toBe(false);
  });
});

describe("client options are refused with a BceValidationError naming them", () => {
  it.each([
    ["region", { region: 1n }, /^region: must be one of .*; got a value of type bigint$/],
    ["region", { region: {} }, /^region: must be one of .*; got a value of type object$/],
    // A config file's null is not "the default": that would send the call to a region not chosen.
    ["region", { region: null }, /^region: must be one of .*; got null$/],
    ["endpoint", { endpoint: null }, /^endpoint: must be a string or a URL$/],
    // Not read as its text: an array, or an object whose toString throws (once named "options").
    ["endpoint", { endpoint: ["http://127.0.0.1:4010"] }, /^endpoint: must be a string or a URL$/],
    // Without "//", the host would be taken for a scheme ("localhost:"), and user info quoted.
    ["endpoint", { endpoint: "localhost:4010" }, /^endpoint: must be an absolute http\(s\) URL, its scheme included/],
    [
      "endpoint",
      { endpoint: "user:pw@127.0.0.1" },
      /^endpoint: must be an absolute http\(s\) URL, its scheme included/,
    ],
    ["endpoint", { endpoint: "ftp://127.0.0.1" }, /^endpoint: must use http or https, not ftp:$/],
    ['headers["bad name"]', { headers: { "bad name": "x" } }, /^headers\["bad name"\]: is not a header name$/],
    [
      "headers.x-token",
      { headers: { "x-token": "secret-value\r\nX-Evil: 1" } },
      /^headers\.x-token: holds a control character/,
    ],
    ["headers", { headers: 5 }, /^headers: /],
    // fetch's Headers takes these control characters; node:http refuses to send them.
    ["headers.x-token", { headers: { "x-token": "secret-value\u0001" } }, /^headers\.x-token: /],
    ["headers.x-token", { headers: { "x-token": "secret-value\u007f" } }, /^headers\.x-token: /],
  ])("%s: %o", (field, options, message) => {
    const make = () => createBccClient({ credentials: CREDENTIALS, ...(options as object) });
    expect(make).toThrow(BceValidationError);
    expect(make).toThrow(expect.objectContaining({ field }));
    expect(make).toThrow(message);
    expect(make).not.toThrow(/secret-value/);
  });
});

describe("a misspelt client option is refused, naming it and the option it misspells", () => {
  const clients = {
    bec: (options: object) => createBecClient({ credentials: CREDENTIALS, ...options } as never),
    bcc: (options: object) => createBccClient({ credentials: CREDENTIALS, ...options } as never),
  };
  // Ignored, each would send the call elsewhere than meant (endpiont: to production, not the mock).
  it.each([
    ["bec", "endpiont", "endpoint"],
    ["bcc", "Endpoint", "endpoint"],
    ["bec", "endpoints", "endpoint"],
    ["bcc", "timeoutMS", "timeoutMs"],
    ["bec", "header", "headers"],
    ["bcc", "credential", "credentials"],
    ["bec", "maxResponseByte", "maxResponseBytes"],
    ["bcc", "validateResponse", "validateResponses"],
    ["bcc", "regoin", "region"],
    ["bcc", "Region", "region"],
    ["bec", "userAgentAppID", "userAgentAppId"],
    // Other SDKs' names: ignored, `baseUrl` pointing at the mock would send the call to production.
    ["bec", "baseUrl", "endpoint"],
    ["bcc", "BaseURL", "endpoint"],
    ["bcc", "endpointUrl", "endpoint"],
    ["bec", "maxAttempts", "retry.maxAttempts"],
    ["bcc", "connectionTimeoutInMillis", "timeoutMs"],
  ] as const)("%s: %s", (client, key, meant) => {
    const make = () => clients[client]({ endpoint: "http://127.0.0.1:9", [key]: "x" });
    expect(make).toThrow(BceValidationError);
    expect(make).toThrow(expect.objectContaining({ field: key, rule: "unknown" }));
    expect(make).toThrow(`${key}: is not an option; did you mean ${meant}?`);
  });

  it("other keys pass: one configuration object can serve both clients and hold other settings", () => {
    const shared = { endpoint: "http://127.0.0.1:9", region: "gz", profile: "test", ledger: 1, name: "ci" };
    expect(clients.bec(shared)).toHaveProperty("reinstallVmInstance");
    expect(clients.bcc(shared)).toHaveProperty("rebuildInstance");
  });
});

describe("a key of credentials given beside the client options is refused, naming where it belongs", () => {
  // Ignored, the call would be signed with the environment's keys, not these.
  it.each([
    ["bec", "accessKeyId", "credentials.accessKeyId"],
    ["bcc", "secretAccessKey", "credentials.secretAccessKey"],
    ["bec", "SessionToken", "credentials.sessionToken"],
    ["bcc", "accessKey", "credentials.accessKeyId"],
    // The official BCE SDKs' names, too far from ours to be typos.
    ["bec", "ak", "credentials.accessKeyId"],
    ["bcc", "sk", "credentials.secretAccessKey"],
    ["bec", "securityToken", "credentials.sessionToken"],
  ] as const)("%s: %s", (client, key, meant) => {
    const create = client === "bec" ? createBecClient : createBccClient;
    const make = () => create({ endpoint: "http://127.0.0.1:9", [key]: "secret-value" } as never);
    expect(make).toThrow(BceValidationError);
    expect(make).toThrow(expect.objectContaining({ field: key, rule: "unknown" }));
    expect(make).toThrow(`${key}: is not an option; did you mean ${meant}?`);
    expect(make).not.toThrow(/secret-value/);
  });
});

describe("a misspelt call option, or a client option given to a call, is refused before sending", () => {
  /** A call of either client with these options, through a recorder. */
  const callWith = (client: "bec" | "bcc", recorder: ReturnType<typeof recording>, options: object) =>
    client === "bec"
      ? becFor(recorder).reinstallVmInstance("vm-1", BEC_BODY, options as never)
      : bccFor(recorder).rebuildInstance("i-1", { imageId: "m-1" }, options as never);
  const misspelt = (meant: string) => `is not an option; did you mean ${meant}?`;
  const clientOption = "is an option of the client, not of a call: give it when the client is made";

  it.each([
    // Ignored, each would leave the call unbounded, or send it with a new idempotency token.
    ["bec", "clientTokn", misspelt("clientToken")],
    ["bec", "ClientToken", misspelt("clientToken")],
    ["bec", "timeoutMS", misspelt("timeoutMs")],
    ["bcc", "timeout_ms", misspelt("timeoutMs")],
    ["bcc", "Signal", misspelt("signal")],
    ["bcc", "retyr", misspelt("retry")],
    // Ignored, each would send the call where, or as whom, the client sends (to production, say).
    ["bec", "endpoint", clientOption],
    ["bcc", "credentials", clientOption],
    ["bec", "headers", clientOption],
    ["bcc", "validateResponses", clientOption],
    // A client option of BCC's own (a server variable): the call would still go to the client's region.
    ["bcc", "region", clientOption],
  ] as const)("%s: %s", async (client, key, message) => {
    const recorder = recording();
    const error = await callWith(client, recorder, { [key]: "http://127.0.0.1:9" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: key, rule: "unknown" });
    expect((error as Error).message).toBe(`${key}: ${message}`);
    expect(recorder.sent).toHaveLength(0);
  });

  it.each([
    // A BCC rebuild has no idempotency token: ignored, the key would promise what the call cannot keep.
    ["bcc", "clientToken", "signal, timeoutMs, retry"],
    ["bec", "trace", "signal, timeoutMs, retry, clientToken"],
    ["bcc", "trace", "signal, timeoutMs, retry"],
  ] as const)("%s: any other key (%s) is refused too, naming the call's options", async (client, key, names) => {
    const recorder = recording();
    const error = await callWith(client, recorder, { [key]: "x", timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BceValidationError);
    expect(error).toMatchObject({ field: key, rule: "unknown" });
    expect((error as Error).message).toBe(`${key}: is not an option of this call; its options are ${names}`);
    expect(recorder.sent).toHaveLength(0);
  });

  it("the call's own options pass, and the call is sent", async () => {
    const recorder = recording();
    const options = { timeoutMs: 5000, retry: { maxAttempts: 1 }, signal: new AbortController().signal };
    await callWith("bec", recorder, { ...options, clientToken: "token-1" }).catch(() => undefined);
    await callWith("bcc", recorder, options).catch(() => undefined);
    expect(recorder.sent).toHaveLength(2);
  });
});

describe("client options that cannot be read are refused with the BceValidationError for options", () => {
  const throwing = (what: string) => () => {
    throw new Error(`${what} cannot be read`);
  };
  const getter = (target: object, name: string) =>
    Object.defineProperty(target, name, { get: throwing(name), enumerable: true });
  const clients = {
    bec: (options: object) => createBecClient(options as never),
    bcc: (options: object) => createBccClient(options as never),
  };
  // Made per test: the test's name is not to read them.
  const unreadable: [string, (keyof typeof clients)[], () => object][] = [
    [
      "a Proxy whose keys and properties throw",
      ["bec", "bcc"],
      () => new Proxy({}, { get: throwing("a property"), ownKeys: throwing("the keys") }),
    ],
    ["a getter of endpoint that throws", ["bec", "bcc"], () => getter({ credentials: CREDENTIALS }, "endpoint")],
    ["a getter of region that throws", ["bcc"], () => getter({ credentials: CREDENTIALS }, "region")],
    [
      "a getter of hooks.beforeAttempt that throws",
      ["bec", "bcc"],
      () => ({ credentials: CREDENTIALS, hooks: getter({}, "beforeAttempt") }),
    ],
  ];
  it.each(unreadable)("%s (%o)", (_, names, options) => {
    for (const name of names) {
      let error: unknown;
      try {
        clients[name](options());
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BceValidationError);
      expect(error).toMatchObject({ field: "options", rule: "type" });
      expect((error as Error).message).toBe("options: could not be read: a getter or a Proxy threw (see cause)");
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });
});
