// BCC's adminPass is decrypted with the signer's secret key, as the service must: a client that
// encrypts with another key, mode or padding, or a password BCC's policy refuses, fails here as it
// would against BCE. Ciphertexts are made with node:crypto, apart from the clients' encryption.
import { createCipheriv } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "../src/index.js";
import { undecryptable } from "../src/encrypted.js";
import { expectBceError, REBUILD_PATH, signedPut } from "./helpers.js";

/** `password` encrypted as BCE decrypts it: AES-128-ECB, PKCS#7, the key's first 16 characters, lowercase hex. */
function encrypt(password: string, secretAccessKey = DEFAULT_CREDENTIALS.secretAccessKey): string {
  const cipher = createCipheriv("aes-128-ecb", Buffer.from(secretAccessKey.slice(0, 16), "utf8"), null);
  return Buffer.concat([cipher.update(password, "utf8"), cipher.final()]).toString("hex");
}

const DOES_NOT_DECRYPT =
  "body.adminPass does not decrypt with the request's secret access key: encrypt the password with AES-128 in ECB mode with PKCS#5 padding, keyed with the first 16 characters of the secret access key, and send it as lowercase hex";

describe("a signed BCC rebuild's adminPass", () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ port: 0 });
  });
  afterAll(() => mock.close());

  const rebuild = (adminPass: string) => signedPut(mock.url, REBUILD_PATH, { imageId: "m-1", adminPass });

  it("is taken when it decrypts with the signer's key to a password BCC's policy takes, or to none (the Go SDK's key-pair rebuild)", async () => {
    const before = mock.actions().rebuildInstance ?? 0;
    for (const password of ["1qaz@WSX", ""]) {
      const res = await rebuild(encrypt(password));
      expect(res.status).toBe(200);
    }
    expect(mock.actions().rebuildInstance).toBe(before + 2);
  });

  it.each([
    ["another key's ciphertext", encrypt("1qaz@WSX", "another-secret-key-0123456789")],
    ["a block of zeros", "0".repeat(32)],
    ["two blocks of one byte", "11".repeat(32)],
  ])("is 400 InappropriateJSON when it does not decrypt: %s", async (_, adminPass) => {
    const before = mock.actions();
    const body = await expectBceError(await rebuild(adminPass), 400, "InappropriateJSON");
    expect(body.message).toBe(DOES_NOT_DECRYPT);
    expect(mock.actions()).toEqual(before);
    expect(mock.journal.entries().at(-1)).toMatchObject({ signature: "verified", answer: { status: 400 } });
  });

  it("is 400 InappropriateJSON when the password it decrypts to breaks BCC's policy, which it names and never quotes", async () => {
    const before = mock.actions();
    for (const [password, rule] of [
      ["Zq9", "must be 8 to 32 characters long"],
      ["zzzzzzzzzzzz", "must contain at least 3 of"],
    ] as const) {
      const body = await expectBceError(await rebuild(encrypt(password)), 400, "InappropriateJSON");
      expect(body.message).toMatch(new RegExp(`^body\\.adminPass, decrypted: ${rule}`));
      expect(body.message).not.toContain(password);
    }
    expect(mock.actions()).toEqual(before);
  });
});

describe("with signature checks off", () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ port: 0, auth: false });
  });
  afterAll(() => mock.close());

  it("only the ciphertext's form is checked: no key is known to decrypt it with", async () => {
    const res = await fetch(`${mock.url}${REBUILD_PATH}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ imageId: "m-1", adminPass: "0".repeat(32) }),
    });
    expect(res.status).toBe(200);
  });
});

describe("undecryptable", () => {
  it("checks nothing with a key that encrypts nothing: shorter than 16 characters, or whose first 16 are not 16 bytes", () => {
    const body = { adminPass: "0".repeat(32) };
    expect(undecryptable(body, [["adminPass"]], DEFAULT_CREDENTIALS.secretAccessKey)).toBe(DOES_NOT_DECRYPT);
    expect(undecryptable(body, [["adminPass"]], "short-key")).toBeUndefined();
    expect(undecryptable(body, [["adminPass"]], "ключ-секрет-0123456789abcdef")).toBeUndefined();
  });
});
