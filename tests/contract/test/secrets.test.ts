// Secrets (secret key, session token, plaintext password) never appear in what the clients
// throw, return or log: every error path is provoked and everything it produced is searched.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { BceError, CredentialsError } from "@bce-openapi/core";
import { createBccClient } from "@bce-openapi/bcc";
import { createBecClient, type ReinstallVmInstanceInput } from "@bce-openapi/bec";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "@bce-openapi/mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const SECRET_KEY = "s3cr3t-KEY-value-that-must-not-leak-0001";
const SESSION_TOKEN = "sts-TOKEN-that-must-not-leak-0002";
const PASSWORD = "Pw0rd!that(must)not*leak";
const SECRETS = [SECRET_KEY, SESSION_TOKEN, PASSWORD, DEFAULT_CREDENTIALS.secretAccessKey];

let mock: MockServer;
let silent: Server; // accepts connections and never answers
let silentUrl: string;
// Port 1: nothing listens there. (A port listened on and closed again could be taken by another
// test's server before the test that uses it runs.)
const refusedUrl = "http://127.0.0.1:1";
const logged: string[] = [];

beforeAll(async () => {
  mock = await startMock({ port: 0 });
  silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(inspect(args, { depth: 8 })));
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  silent.closeAllConnections();
  await new Promise((r) => silent.close(r));
  await mock.close();
});

/** Everything an error exposes: message, stack, own properties, JSON, and its cause chain. */
function exposed(value: unknown): string {
  const parts = [inspect(value, { depth: 8, showHidden: true }), JSON.stringify(value) ?? ""];
  if (value instanceof Error) parts.push(value.message, value.stack ?? "", String(value));
  if (value && typeof value === "object") parts.push(JSON.stringify(Object.fromEntries(Object.entries(value))));
  return parts.join("\n");
}

function expectNoSecret(value: unknown): void {
  const text = exposed(value);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  // A 16-character prefix of the key is what encrypts passwords: it must not leak either.
  expect(text).not.toContain(SECRET_KEY.slice(0, 16));
}

const sts = { accessKeyId: "unknown-ak", secretAccessKey: SECRET_KEY, sessionToken: SESSION_TOKEN };
const becBody = (adminPass: string): ReinstallVmInstanceInput => ({
  keyConfig: { type: "password", adminPass },
  imageId: "im-1",
});

const paths: Array<[string, () => Promise<unknown>]> = [
  [
    "unknown access key (403 from the mock)",
    () => createBecClient({ endpoint: mock.url, credentials: sts }).reinstallVmInstance("vm-1", becBody(PASSWORD)),
  ],
  [
    "wrong secret key (SignatureDoesNotMatch)",
    () =>
      createBccClient({
        endpoint: mock.url,
        credentials: { ...DEFAULT_CREDENTIALS, secretAccessKey: SECRET_KEY },
      }).rebuildInstance("i-1", { imageId: "m-1", adminPass: PASSWORD }),
  ],
  [
    "password breaking the policy (BEC)",
    () =>
      createBecClient({ endpoint: mock.url, credentials: sts }).reinstallVmInstance("vm-1", becBody(`${PASSWORD}&`)),
  ],
  [
    "password breaking the policy (BCC)",
    () =>
      createBccClient({ endpoint: mock.url, credentials: sts }).rebuildInstance("i-1", {
        imageId: "m-1",
        adminPass: `${PASSWORD}&`,
      }),
  ],
  [
    "secret key too short to encrypt the password",
    () =>
      createBccClient({
        endpoint: mock.url,
        credentials: { accessKeyId: "ak", secretAccessKey: "short-SK" },
      }).rebuildInstance("i-1", { imageId: "m-1", adminPass: PASSWORD }),
  ],
  [
    "credentials provider that fails",
    () =>
      createBecClient({
        endpoint: mock.url,
        credentials: async () => ({ accessKeyId: "", secretAccessKey: SECRET_KEY }),
      }).reinstallVmInstance("vm-1", becBody(PASSWORD)),
  ],
  [
    "credentials provider that throws",
    () =>
      createBccClient({
        endpoint: mock.url,
        credentials: async () => {
          throw new Error("the STS endpoint is down");
        },
      }).rebuildInstance("i-1", { imageId: "m-1", adminPass: PASSWORD }),
  ],
  [
    "connection refused, with a logger and hooks",
    () =>
      createBccClient({
        endpoint: refusedUrl,
        credentials: sts,
        retry: { maxAttempts: 2, baseDelayMs: 1 },
        logger: console,
        hooks: {
          beforeAttempt: (info) => console.debug("before", info),
          afterAttempt: (outcome) => console.debug("after", outcome),
        },
      }).rebuildInstance("i-1", { imageId: "m-1", adminPass: PASSWORD }),
  ],
  [
    "connection refused",
    () =>
      createBccClient({ endpoint: "http://127.0.0.1:1", credentials: sts, retry: { maxAttempts: 1 } }).rebuildInstance(
        "i-1",
        { imageId: "m-1", adminPass: PASSWORD },
      ),
  ],
  [
    "timeout",
    () =>
      createBecClient({
        endpoint: silentUrl,
        credentials: sts,
        timeoutMs: 50,
        retry: { maxAttempts: 1 },
      }).reinstallVmInstance("vm-1", becBody(PASSWORD)),
  ],
  [
    "abort",
    () =>
      createBecClient({ endpoint: silentUrl, credentials: sts }).reinstallVmInstance("vm-1", becBody(PASSWORD), {
        signal: AbortSignal.timeout(30),
      }),
  ],
  [
    "invalid body field",
    () =>
      createBecClient({ endpoint: mock.url, credentials: sts }).reinstallVmInstance("vm-1", {
        ...becBody(PASSWORD),
        imageType: "nope" as "bec",
      }),
  ],
];

describe("no secret in what an error path produces", () => {
  it.each(paths)("%s", async (_, provoke) => {
    const error = await provoke().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BceError);
    expectNoSecret(error);
  });

  it("a provider that throws rejects with CredentialsError carrying its error", async () => {
    const cause = new Error("the STS endpoint is down");
    const error = await createBecClient({
      endpoint: mock.url,
      credentials: () => {
        throw cause;
      },
    })
      .reinstallVmInstance("vm-1", becBody(PASSWORD))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).cause).toBe(cause);
  });

  it("only the client given a logger logged, and nothing it logged (or its hooks saw) holds a secret", () => {
    // Two retry decisions (info, debug) and two attempts' hooks (before, after).
    expect(logged).toHaveLength(6);
    for (const line of logged) for (const secret of SECRETS) expect(line).not.toContain(secret);
    expect(logged.join("\n")).not.toMatch(/bce-auth-v1|x-bce-security-token/);
  });

  it("a client object does not expose its keys", () => {
    const client = createBccClient({ endpoint: mock.url, credentials: sts });
    expectNoSecret(client);
  });
});
