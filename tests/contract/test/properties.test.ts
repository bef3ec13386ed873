// Property-based contract tests: request bodies generated from the spec's own schemas, as a client
// sends them (the schema narrowed by its x-client-rules), are all accepted end to end (client →
// signed request → mock with signature checks → success), and each one mutated into a body a
// client must not send is refused by the client itself, before sending (nothing reaches the wire).
// The mock is also sent every mutated body directly (raw client: signed, no client-side checks):
// it refuses what the service side of the spec refuses, and accepts what only the clients'
// stricter rules refuse. So the client's refusal and the mock's are each shown on their own.
import { createCipheriv } from "node:crypto";
import { createRequire } from "node:module";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc, { type GeneratorValue } from "fast-check";
import { BceServiceError, BceValidationError, decodeUserData } from "@bce-openapi/core";
import { unwrap } from "@bce-openapi/core/internal";
import { validateSchema } from "@bce-openapi/core/internal/validation";
import { createBccClient, type RebuildInstanceInput, type RebuildInstanceRequest } from "@bce-openapi/bcc";
import { createBecClient, type ReinstallVmInstanceInput, type VmInstanceReinstallRequest } from "@bce-openapi/bec";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "@bce-openapi/mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyMutation,
  type Json,
  patternArbitrary,
  SchemaTools,
  type Mutation,
  type Schema,
} from "./schema-arbitrary.js";

const require = createRequire(import.meta.url);
interface SpecDocument {
  components: { schemas: Record<string, { pattern?: string }>; parameters: Record<string, { schema: Schema }> };
}
const becSpec = require("@bce-openapi/spec/bec.json") as SpecDocument;
const bccSpec = require("@bce-openapi/spec/bcc.json") as SpecDocument;

/** 1000 runs each in CI (CI=true), 100 locally; FAST_CHECK_RUNS overrides both. */
const RUNS = process.env.FAST_CHECK_RUNS ? Number(process.env.FAST_CHECK_RUNS) : process.env.CI ? 1000 : 100;
const TIMEOUT = Math.max(60_000, RUNS * 100);
// Fewer runs cannot be held to try every kind of mutation: those checks are left out, and said so.
if (RUNS < 100)
  console.warn(`FAST_CHECK_RUNS=${RUNS}: under 100, the checks that every kind of mutation was tried are left out`);
/** A failure (shrinking included) is reported before the test's own timeout would hide it. */
const FC_OPTIONS = { numRuns: RUNS, interruptAfterTimeLimit: TIMEOUT - 15_000, markInterruptAsFailure: true };

const bec = new SchemaTools(becSpec);
const bcc = new SchemaTools(bccSpec);
const BEC_REF = { $ref: "#/components/schemas/VmInstanceReinstallRequest" };
const BCC_REF = { $ref: "#/components/schemas/RebuildInstanceRequest" };
/** What a client sends: generators and mutations work on this view. */
const BEC_BODY: Schema = bec.clientView(BEC_REF);
const BCC_BODY: Schema = bcc.clientView(BCC_REF);
/** Issues a client's checks find (the spec's schema and its x-client-rules, by @bce-openapi/core). */
const clientIssues = (root: unknown, ref: { $ref: string }, body: unknown) =>
  validateSchema(body, ref, { root, path: "body", clientRules: true });
const vmIds = bec.arbitrary(becSpec.components.parameters.VmID!.schema) as fc.Arbitrary<string>;
const instanceIds = bcc.arbitrary(bccSpec.components.parameters.InstanceId!.schema) as fc.Arbitrary<string>;
/** Plain-text passwords the BCC client encrypts itself (the x-bce-plaintext of BCC's adminPass). */
const bccAdminPass = (bccSpec.components.schemas as Record<string, { properties: Record<string, Schema> }>)
  .RebuildInstanceRequest!.properties.adminPass as { "x-bce-plaintext": { pattern: string } };
const plainPasswords = patternArbitrary(bccAdminPass["x-bce-plaintext"].pattern);
/**
 * A generated BCC body whose ciphertext is a real one: a password of the x-bce-plaintext's,
 * encrypted as BCE decrypts it (AES-128-ECB, PKCS#7 padding, the first 16 characters of the
 * signer's secret key, lowercase hex), which the mock checks. The schema alone takes any hex.
 */
const bccBodies = fc.tuple(bcc.arbitrary(BCC_BODY), plainPasswords).map(([body, password]) => {
  const { adminPass } = body as Record<string, unknown>;
  if (typeof adminPass !== "string" || adminPass === "") return body;
  const key = Buffer.from(DEFAULT_CREDENTIALS.secretAccessKey.slice(0, 16), "utf8");
  const cipher = createCipheriv("aes-128-ecb", key, null);
  const ciphertext = Buffer.concat([cipher.update(password, "utf8"), cipher.final()]).toString("hex");
  return { ...(body as Record<string, Json>), adminPass: ciphertext } as Json;
});

// An independent validator (ajv) grades the generators: valid bodies must be valid, mutants invalid.
const ajv = new Ajv2020.default({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: "bec", components: becSpec.components });
ajv.addSchema({ $id: "bcc", components: bccSpec.components });
const becValid = ajv.getSchema("bec#/components/schemas/VmInstanceReinstallRequest")!;
const becResultValid = ajv.getSchema("bec#/components/schemas/VmInstanceReinstallResult")!;
const bccValid = ajv.getSchema("bcc#/components/schemas/RebuildInstanceRequest")!;

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock?.close());

/** A fetch that counts requests and keeps the last body sent. */
function recordingFetch() {
  const state = { count: 0, lastBody: "" };
  return {
    state,
    fetch: async (request: Request) => {
      state.count++;
      state.lastBody = await request.clone().text();
      return fetch(request);
    },
  };
}

const NO_RETRY = { maxAttempts: 1 };
const becClient = (fetchFn: (r: Request) => Promise<Response>) =>
  createBecClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS, fetch: fetchFn, retry: NO_RETRY });
const bccClient = (fetchFn: (r: Request) => Promise<Response>) =>
  createBccClient({ endpoint: mock.url, credentials: DEFAULT_CREDENTIALS, fetch: fetchFn, retry: NO_RETRY });

/** The wire body as the BCC client takes it: the ciphertext as `{ encrypted }`, anything else as is. */
function bccInput(body: Record<string, unknown>): RebuildInstanceInput {
  const { adminPass } = body;
  return (
    typeof adminPass === "string" ? { ...body, adminPass: { encrypted: adminPass } } : body
  ) as RebuildInstanceInput;
}

/**
 * Pick a mutation: first a kind (uniformly, so rare kinds are tried), then a place. With `only`,
 * a place of that kind (the body must offer one).
 */
function pick(mutations: Mutation[], g: GeneratorValue, only?: string): Mutation {
  const kinds = [...new Set(mutations.map((m) => m.kind.replace(/ \(.*\)$/, "")))].sort();
  const kind = only ?? kinds[g(fc.nat, { max: kinds.length - 1 })]!;
  const ofKind = mutations.filter((m) => m.kind.startsWith(kind));
  return ofKind[g(fc.nat, { max: ofKind.length - 1 })]!;
}

/**
 * Run a mutation property, then top up every expected kind it did not happen to try: a kind
 * offered by only some bodies can miss all of a run's draws by chance (about one run in a hundred
 * at 100 runs), and the check that every kind is refused must not depend on luck. The top-up runs
 * the same property with bodies that offer the kind and mutations of that kind only.
 */
async function assertEveryKind<T>(
  property: (only?: string) => fc.IAsyncProperty<T>,
  tally: Tally,
  kinds: readonly string[],
): Promise<void> {
  await fc.assert(property(), FC_OPTIONS);
  if (RUNS < 100) return;
  for (const kind of kinds.filter((k) => !tally.byKind.has(k)))
    await fc.assert(property(kind), { ...FC_OPTIONS, numRuns: 10 });
}

/** Bodies that offer a mutation of `kind` (all bodies without one). */
const offering = <T>(arbitrary: fc.Arbitrary<T>, mutations: (body: T) => Mutation[], kind?: string) =>
  kind === undefined ? arbitrary : arbitrary.filter((body) => mutations(body).some((m) => m.kind.startsWith(kind)));

/** Tally of who refused which kind of mutation. */
class Tally {
  readonly byKind = new Map<string, Record<"client" | "refused raw" | "accepted raw", number>>();
  add(kind: string, by: "client" | "refused raw" | "accepted raw") {
    const key = kind.replace(/ \(.*\)$/, "");
    const entry = this.byKind.get(key) ?? { client: 0, "refused raw": 0, "accepted raw": 0 };
    entry[by]++;
    this.byKind.set(key, entry);
  }
  report(name: string, ms: number) {
    console.log(`${name}: ${RUNS} runs in ${ms} ms`, Object.fromEntries(this.byKind));
  }
}

/** The refusal a mutated body must get from the client itself: before sending, naming the field. */
function expectRefusedByClient(
  error: unknown,
  sentBefore: number,
  sentAfter: number,
  mutation: Mutation,
  tally: Tally,
) {
  expect(error, `${mutation.kind} at ${mutation.field} was not refused by the client`).toBeInstanceOf(
    BceValidationError,
  );
  expect(sentAfter, `${mutation.kind} at ${mutation.field}: a request left the client`).toBe(sentBefore);
  // The client's naming: `body.keyConfig.bccKeyPairIdList[0]`. It names the first broken field and
  // lists the others' paths in its message: a mutation can break more than its own field (a
  // wrong-typed discriminator selects the other branch).
  const node = `body${mutation.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`;
  const { field, message } = error as BceValidationError;
  expect(field.startsWith(node) || message.includes(node), `${message} should name ${node} (${mutation.kind})`).toBe(
    true,
  );
  tally.add(mutation.kind, "client");
}

/**
 * A raw response: a 2xx where the service side of the spec accepts the body (a client-only rule
 * broke it), else a 4xx BceServiceError whose message names the mutated field.
 */
function expectMockAnswer(
  result: { response: Response; error?: unknown; data?: unknown },
  mutation: Mutation,
  serviceValid: boolean,
  tally: Tally,
) {
  if (serviceValid) {
    expect(result.response.status, `${mutation.kind} at ${mutation.field}: the service would accept it`).toBeLessThan(
      300,
    );
    tally.add(mutation.kind, "accepted raw");
    return;
  }
  tally.add(mutation.kind, "refused raw");
  expect(result.response.status, `${mutation.kind} at ${mutation.field}`).toBeGreaterThanOrEqual(400);
  expect(result.response.status).toBeLessThan(500);
  let error: unknown;
  try {
    unwrap(result);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BceServiceError);
  // Every mutation is of the body: well-formed JSON the operation does not take.
  expect((error as BceServiceError).code).toBe("InappropriateJSON");
}

describe("Property 1: every body generated from the spec is accepted end to end", () => {
  it(
    "BEC reinstall",
    async () => {
      const recorder = recordingFetch();
      const client = becClient(recorder.fetch);
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(vmIds, bec.arbitrary(BEC_BODY), async (vmId, body) => {
          expect(becValid(body), JSON.stringify(becValid.errors)).toBe(true);
          expect(clientIssues(becSpec, BEC_REF, body)).toEqual([]);
          const input = body as unknown as ReinstallVmInstanceInput;
          const answer = await client.reinstallVmInstance(vmId, input);
          expect(becResultValid(answer)).toBe(true);
          // What went on the wire is the body, with userData encoded as BEC wants it.
          const sent = JSON.parse(recorder.state.lastBody) as VmInstanceReinstallRequest;
          if (input.userData !== undefined) expect(decodeUserData(sent.userData!)).toBe(input.userData);
          expect({ ...sent, userData: input.userData }).toEqual({ ...input, userData: input.userData });
        }),
        FC_OPTIONS,
      );
      console.log(`BEC property 1: ${RUNS} runs in ${Date.now() - started} ms`);
      expect(recorder.state.count).toBe(RUNS);
    },
    TIMEOUT,
  );

  it(
    "BCC rebuild (adminPass as the generated ciphertext, or as a plain-text password the client encrypts)",
    async () => {
      const recorder = recordingFetch();
      const client = bccClient(recorder.fetch);
      const started = Date.now();
      let encrypted = 0;
      await fc.assert(
        fc.asyncProperty(instanceIds, bccBodies, fc.option(plainPasswords), async (id, generated, plain) => {
          expect(bccValid(generated), JSON.stringify(bccValid.errors)).toBe(true);
          expect(clientIssues(bccSpec, BCC_REF, generated)).toEqual([]);
          const body = generated as unknown as RebuildInstanceRequest;
          const usePlain = plain !== null && body.adminPass !== undefined;
          const input = usePlain
            ? ({ ...body, adminPass: plain } as RebuildInstanceInput)
            : bccInput(generated as Record<string, unknown>);
          const { requestId } = await client.rebuildInstance(id, input);
          expect(requestId).not.toBe("");
          const sent = JSON.parse(recorder.state.lastBody) as RebuildInstanceRequest;
          if (usePlain) {
            encrypted++;
            expect(bccValid(sent)).toBe(true);
            expect(sent.adminPass).not.toBe(plain);
            expect({ ...sent, adminPass: "" }).toEqual({ ...body, adminPass: "" });
          } else {
            expect(sent).toEqual(body);
          }
        }),
        FC_OPTIONS,
      );
      console.log(
        `BCC property 1: ${RUNS} runs (${encrypted} with a password the client encrypted) in ${Date.now() - started} ms`,
      );
      expect(recorder.state.count).toBe(RUNS);
    },
    TIMEOUT,
  );
});

describe("Property 2: every body mutated into an invalid one is refused", () => {
  it(
    "BEC reinstall: by the client before sending; sent raw, the mock answers as the service side of the spec says",
    () =>
      checkMutations({
        name: "BEC",
        ids: vmIds,
        tools: bec,
        body: BEC_BODY,
        spec: becSpec,
        ref: BEC_REF,
        serviceValid: (body) => becValid(body) as boolean,
        client: (fetchFn) => {
          const client = becClient(fetchFn);
          return {
            method: (vmId, bad) => client.reinstallVmInstance(vmId, bad as unknown as ReinstallVmInstanceInput),
            raw: (vmId, bad) =>
              client.raw.PUT("/v1/vm/instance/{vmID}/system/reinstall", {
                params: { path: { vmID: vmId } },
                body: bad as unknown as VmInstanceReinstallRequest,
              }),
          };
        },
        kinds: [
          "required field dropped",
          "value outside the enum",
          "wrong type",
          "unknown property",
          "string too long",
          "password without a digit",
          "password without a symbol",
          "password with a forbidden character",
        ],
      }),
    TIMEOUT,
  );

  it(
    "BCC rebuild: by the client before sending; sent raw, the mock answers as the service side of the spec says",
    () =>
      checkMutations({
        name: "BCC",
        ids: instanceIds,
        tools: bcc,
        body: BCC_BODY,
        bodies: bccBodies,
        spec: bccSpec,
        ref: BCC_REF,
        serviceValid: (body) => bccValid(body) as boolean,
        client: (fetchFn) => {
          const client = bccClient(fetchFn);
          return {
            method: (id, bad) => client.rebuildInstance(id, bccInput(bad as Record<string, unknown>)),
            raw: (id, bad) =>
              client.raw.PUT("/v{version}/instance/{instanceId}", {
                params: { path: { version: "2", instanceId: id }, query: { rebuild: "" } },
                body: bad as unknown as RebuildInstanceRequest,
              }),
          };
        },
        // The BCC body has no enumeration, so no "outside the enum" here.
        kinds: [
          "required field dropped",
          "wrong type",
          "unknown property",
          "string too short",
          "ciphertext not a whole block",
          "ciphertext in upper case",
        ],
      }),
    TIMEOUT,
  );
});

/** One service's half of property 2: its bodies and ids, and its client's two ways to send a body. */
interface MutationTarget {
  name: string;
  ids: fc.Arbitrary<string>;
  tools: SchemaTools;
  /** The request body's schema as a client sends it. */
  body: Schema;
  /** The valid bodies mutated, when not those `tools` generates from `body`. */
  bodies?: fc.Arbitrary<Json>;
  spec: SpecDocument;
  ref: { $ref: string };
  /** Whether the service side of the spec accepts the body. */
  serviceValid: (body: Json) => boolean;
  /** The operation's client method (which must refuse) and its raw call (signed, unchecked). */
  client: (fetchFn: (r: Request) => Promise<Response>) => {
    method: (id: string, bad: Json) => Promise<unknown>;
    raw: (id: string, bad: Json) => Promise<{ response: Response; error?: unknown; data?: unknown }>;
  };
  /** The kinds of mutation every run must have tried. */
  kinds: string[];
}

/**
 * Mutate generated bodies into invalid ones: the client method refuses each before sending,
 * naming the field; the same body sent raw gets the mock's answer (see expectMockAnswer).
 */
async function checkMutations(target: MutationTarget): Promise<void> {
  const recorder = recordingFetch();
  const client = target.client(recorder.fetch);
  const tally = new Tally();
  const started = Date.now();
  const mutations = (body: Json) => target.tools.mutations(target.body, body);
  const property = (only?: string) =>
    fc.asyncProperty(
      target.ids,
      offering(target.bodies ?? target.tools.arbitrary(target.body), mutations, only),
      fc.gen(),
      async (id, body, g) => {
        const mutation = pick(mutations(body), g, only);
        const bad = applyMutation(body, mutation, g);
        expect(
          clientIssues(target.spec, target.ref, bad),
          `${mutation.kind} at ${mutation.field} left the body valid`,
        ).not.toEqual([]);
        const serviceValid = target.serviceValid(bad);

        const before = recorder.state.count;
        const error = await client.method(id, bad).then(
          () => undefined,
          (e: unknown) => e,
        );
        expectRefusedByClient(error, before, recorder.state.count, mutation, tally);
        expectMockAnswer(await client.raw(id, bad), mutation, serviceValid, tally);
      },
    );
  await assertEveryKind(property, tally, target.kinds);
  tally.report(`${target.name} property 2`, Date.now() - started);
  expectKinds(tally, target.kinds);
}

/** With enough runs, each named kind of mutation was tried, and both sides of the split were seen. */
function expectKinds(tally: Tally, kinds: string[]) {
  if (RUNS < 100) return;
  const totals = [...tally.byKind.values()].reduce(
    (t, e) => ({ refused: t.refused + e["refused raw"], accepted: t.accepted + e["accepted raw"] }),
    { refused: 0, accepted: 0 },
  );
  expect(totals.refused, "no mutant the mock refused").toBeGreaterThan(0);
  expect(totals.accepted, "no mutant only the client refused").toBeGreaterThan(0);
  for (const kind of kinds) expect(tally.byKind.has(kind), `no "${kind}" mutation in ${RUNS} runs`).toBe(true);
}
