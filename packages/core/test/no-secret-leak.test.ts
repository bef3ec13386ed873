// Every error path of signing/ and crypto/ is provoked with secrets in play; none may surface
// in anything a caller could log: message, stack, String(), JSON, own property names or values.
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkAdminPassPolicy, decodeUserData, encodeUserData, encryptAdminPass } from "../src/crypto/index.js";
import {
  buildAuthorization,
  computeSignature,
  deriveSigningKey,
  formatBceDate,
  signRequest,
  verifyRequest,
} from "../src/signing/index.js";
import type { Credentials } from "../src/credentials.js";
import { hideSecrets, secretForms } from "../src/service-error.js";
import { HMAC_BRANCH } from "#hmac";

const SK = "SECRETsk-Zx81Qa0Pw2Lm7Nb3Vc4Xd5";
const TOKEN = "SECRETtoken-Yy55Kk66Jj77";
const PASSWORD = "SECRETpw9!Ab";
// Every secret below contains the marker, so any fragment of one that leaks is caught too
// (a 15-character SK prefix, a policy password); the letter-free password cannot, so it is listed.
const SECRETS = ["SECRET", SK, TOKEN, PASSWORD, "12345678!"];
const creds: Credentials = { accessKeyId: "ak", secretAccessKey: SK, sessionToken: TOKEN };
const request = { method: "GET", url: "https://bcc.bj.baidubce.com/v2/instance?rebuild" };

function everythingLoggable(value: unknown): string[] {
  if (!(value instanceof Error)) return [String(value), JSON.stringify(value)];
  const record = value as unknown as Record<string, unknown>;
  return [
    String(value),
    value.message,
    value.stack ?? "",
    JSON.stringify(value),
    JSON.stringify(Object.keys(value)),
    ...Object.getOwnPropertyNames(value).map((name) => `${name}=${String(record[name])}`),
    String(value.cause ?? ""),
  ];
}

async function thrown(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

function expectNoSecrets(value: unknown, secrets: readonly string[] = SECRETS): void {
  for (const text of everythingLoggable(value)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("no secret in any error", () => {
  it.each<[string, () => unknown]>([
    ["signRequest: no credentials", () => signRequest(request, undefined as unknown as Credentials)],
    [
      "signRequest: empty SK",
      () => signRequest(request, { accessKeyId: "ak", secretAccessKey: "", sessionToken: TOKEN }),
    ],
    ["signRequest: AK with a slash", () => signRequest(request, { ...creds, accessKeyId: "a/k" })],
    // A token fetch could not send: refused by name, where fetch's Headers quoted it.
    [
      "signRequest: a session token with a line break",
      () => signRequest(request, { ...creds, sessionToken: `${TOKEN}\r\nx-evil: 1` }),
    ],
    [
      "signRequest: a session token that is not a string",
      () => signRequest(request, { ...creds, sessionToken: { TOKEN } as unknown as string }),
    ],
    ["signRequest: relative URL", () => signRequest({ method: "GET", url: "/v2/instance" }, creds)],
    ["signRequest: invalid timestamp", () => signRequest(request, creds, { timestamp: Number.NaN })],
    ["signRequest: invalid expiration", () => signRequest(request, creds, { expirationInSeconds: 0 })],
    ["signRequest: fractional expiration", () => signRequest(request, creds, { expirationInSeconds: 1.5 })],
    [
      "buildAuthorization: empty AK",
      () => buildAuthorization({ method: "GET", path: "/", accessKeyId: "", secretAccessKey: SK, timestamp: 0 }),
    ],
    ["deriveSigningKey: empty key", () => deriveSigningKey("", `bce-auth-v1/ak/${TOKEN}/1800`)],
    ["computeSignature: empty key", () => computeSignature("", SK)],
    ["formatBceDate: invalid date", () => formatBceDate(new Date(Number.NaN))],
    [
      "verifyRequest: invalid now",
      () =>
        verifyRequest(
          {
            method: "GET",
            path: "/",
            headers: {
              authorization: `bce-auth-v1/ak/2026-01-01T00:00:00Z/1800//${"a".repeat(64)}`,
              "x-bce-security-token": TOKEN,
            },
          },
          { getSecretAccessKey: () => SK, now: Number.NaN },
        ),
    ],
    ["encryptAdminPass: SK too short", () => encryptAdminPass(PASSWORD, SK.slice(0, 15))],
    ["encryptAdminPass: SK not ASCII", () => encryptAdminPass(PASSWORD, `${SK}密钥`)],
    ["encryptAdminPass: empty password", () => encryptAdminPass("", SK)],
    ["encryptAdminPass: password not a string", () => encryptAdminPass(undefined as unknown as string, SK)],
    ["policy: length", () => checkAdminPassPolicy("SECRETpw9!Ab".repeat(3))],
    ["policy: allowed characters", () => checkAdminPassPolicy("SECRETpw9!Ab-")],
    ["policy: letter", () => checkAdminPassPolicy("12345678!")],
    ["policy: digit", () => checkAdminPassPolicy("SECRETpw!Ab")],
    ["policy: symbol", () => checkAdminPassPolicy("SECRETpw9Ab")],
    ["policy: unknown service", () => checkAdminPassPolicy(PASSWORD, "adminPass", "BCC" as "bcc")],
    ["encodeUserData: lone surrogate", () => encodeUserData(`${PASSWORD}\uD800`)],
    ["encodeUserData: not a string", () => encodeUserData(42 as unknown as string)],
    ["decodeUserData: not base64", () => decodeUserData(`${PASSWORD}!`)],
    ["decodeUserData: no prefix", () => decodeUserData(btoa(PASSWORD))],
    ["decodeUserData: payload not base64", () => decodeUserData(btoa(`user_injected_data: ${PASSWORD}`))],
    ["decodeUserData: payload not UTF-8", () => decodeUserData(btoa(`user_injected_data: ${btoa("\xff")}`))],
  ])("%s", async (_, action) => {
    const error = await thrown(action);
    expect(error).toBeInstanceOf(Error);
    expectNoSecrets(error);
  });

  it("without Web Crypto, encryption (and signing on the Web Crypto branch) fail clearly", async () => {
    vi.stubGlobal("crypto", {});
    const actions: Array<() => Promise<unknown>> = [() => encryptAdminPass(PASSWORD, SK)];
    const sign = () => signRequest(request, creds, { timestamp: Date.UTC(1999, 0, 1) });
    if (HMAC_BRANCH === "web-crypto") actions.push(sign);
    else expect((await sign()).authorization).toMatch(/^bce-auth-v1\/ak\//); // node:crypto needs no Web Crypto
    for (const action of actions) {
      const error = await thrown(action);
      expect(String(error)).toMatch(/Web Crypto/);
      expectNoSecrets(error);
    }
  });

  it("verifyRequest failures carry no secret", async () => {
    const signed = await signRequest(request, creds, { timestamp: Date.UTC(2026, 0, 1) });
    const headers = { host: "bcc.bj.baidubce.com", ...signed };
    const base = { method: "GET", path: "/v2/instance", query: "rebuild" };
    const results = await Promise.all([
      verifyRequest({ ...base, headers }, { getSecretAccessKey: () => `${SK}x`, now: Date.UTC(2026, 0, 1) }),
      verifyRequest({ ...base, headers }, { getSecretAccessKey: () => undefined, now: Date.UTC(2026, 0, 1) }),
      verifyRequest({ ...base, headers }, { getSecretAccessKey: () => SK, now: Date.UTC(2027, 0, 1) }),
      verifyRequest(
        { ...base, headers: { ...headers, authorization: `${headers.authorization}/${TOKEN}` } },
        { getSecretAccessKey: () => SK },
      ),
      verifyRequest(
        { ...base, headers: { ...headers, "x-bce-security-token": `${TOKEN}x` } },
        { getSecretAccessKey: () => SK, now: Date.UTC(2026, 0, 1) },
      ),
    ]);
    expect(results.map((r) => (r.ok ? "ok" : r.code))).toEqual([
      "SignatureDoesNotMatch",
      "InvalidAccessKeyId",
      "RequestExpired",
      "InvalidHTTPAuthHeader",
      "SignatureDoesNotMatch",
    ]);
    for (const result of results) expectNoSecrets(result, [...SECRETS, signed.authorization.split("/").at(-1) ?? ""]);
  });

  it.each([
    ["the secret key", { accessKeyId: SK, secretAccessKey: "ak-given-as-the-secret" }],
    ["the session token", { accessKeyId: TOKEN, secretAccessKey: SK }],
  ])("verifyRequest does not quote an unknown access key id: %s given in its place", async (_, swapped) => {
    // The caller swapped their keys: the id the service does not know is a secret.
    const signed = await signRequest(request, swapped, { timestamp: Date.UTC(2026, 0, 1) });
    const result = await verifyRequest(
      { method: "GET", path: "/v2/instance", query: "rebuild", headers: { host: "bcc.bj.baidubce.com", ...signed } },
      { getSecretAccessKey: (id) => (id === "ak" ? SK : undefined), now: Date.UTC(2026, 0, 1) },
    );
    expect(result).toMatchObject({ ok: false, code: "InvalidAccessKeyId" });
    expectNoSecrets(result);
  });
});

describe("portability", () => {
  it("signing/ and crypto/ use no Node-only API, except the node:crypto branch of #hmac", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    for (const dir of ["signing", "crypto"]) {
      const url = new URL(`../src/${dir}/`, import.meta.url);
      for (const file of readdirSync(url)) {
        const source = readFileSync(new URL(file, url), "utf8");
        // The node:crypto branch is reached only through package.json `imports` (`#hmac`, node condition).
        if (`${dir}/${file}` === "signing/hmac-node.ts") continue;
        expect(source, `${dir}/${file}`).not.toMatch(/from ['"][^'"]*hmac-node/);
        expect(source, `${dir}/${file}`).not.toMatch(/from ['"]node:|require\(|\bBuffer\b|\bprocess\./);
      }
    }
  });
});

// Spread into String.fromCharCode, a secret's bytes overflowed the call stack past about 120,000:
// a mock given such a key pair could not start, and an error answer's secrets were not hidden.
describe("the forms of a secret to hide", () => {
  it("are made for a secret of any length, base64 among them", () => {
    const secret = "s".repeat(200_000);
    const forms = secretForms([secret]);
    expect(forms).toContain(btoa(secret));
    expect(hideSecrets(`echoed ${btoa(secret)}`, forms)).toBe("echoed <redacted>");
  });

  // A signature or an encrypted password is lowercase hex; a gateway may quote it in capitals.
  it("hide a hex secret quoted in capitals", () => {
    const ciphertext = "d0dd8cc65746ea6ceaa478763eba9949";
    expect(hideSecrets(`got ${ciphertext.toUpperCase()}`, secretForms([ciphertext]))).toBe("got <redacted>");
  });

  // An answer (a gateway's page) may fold the case of what it quotes: a password's letters are then
  // all that is missing.
  it("hide a password quoted in capitals or in lowercase", () => {
    const forms = secretForms([PASSWORD]);
    expect(PASSWORD).toMatch(/[a-z]/);
    expect(PASSWORD).toMatch(/[A-Z]/);
    for (const echoed of [PASSWORD.toUpperCase(), PASSWORD.toLowerCase()])
      expect(hideSecrets(`got ${echoed}.`, forms)).toBe("got <redacted>.");
  });

  // BCC's shortest admin password has 8 characters.
  it("hide a secret of 8 characters, not one of 7", () => {
    expect(hideSecrets("pw 1234567a", secretForms(["1234567a"]))).toBe("pw <redacted>");
    expect(secretForms(["123456a"])).toEqual([]);
  });

  // As a form encodes it (URLSearchParams, Java's URLEncoder): `*` kept where `!`, `(` and `)` are
  // escaped, a space as `+`, a form neither encodeURIComponent nor RFC 3986 writes.
  it("hide one echoed form-encoded, with upper- or lowercase escapes", () => {
    const secret = "Ab1+(x)*Zq9! y";
    const echoed = new URLSearchParams({ a: secret }).toString().slice(2);
    expect(echoed).toBe("Ab1%2B%28x%29*Zq9%21+y");
    for (const form of [echoed, echoed.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())])
      expect(hideSecrets(`adminPass ${form} is invalid`, secretForms([secret]))).toBe(
        "adminPass <redacted> is invalid",
      );
  });

  // Every byte escaped, as some encoders write a value whole, with upper- or lowercase escapes.
  it("hide one echoed with every byte percent-escaped", () => {
    const escaped = [...Buffer.from(SK)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
    for (const echoed of [escaped, escaped.toUpperCase()])
      expect(hideSecrets(`token=${echoed}&x`, secretForms([SK]))).toBe("token=<redacted>&x");
  });

  // Every character JSON-escaped, a character beyond the BMP as its two surrogates, as JSON writes it.
  it("hide one echoed with every character JSON-escaped", () => {
    const secret = `${SK}😀`;
    const escaped = [...Array(secret.length).keys()]
      .map((i) => `\\u${secret.charCodeAt(i).toString(16).padStart(4, "0")}`)
      .join("");
    expect(JSON.parse(`"${escaped}"`)).toBe(secret);
    for (const echoed of [escaped, escaped.replace(/[a-f]/g, (c) => c.toUpperCase())])
      expect(hideSecrets(`{"note":"${echoed}"}`, secretForms([secret]))).toBe('{"note":"<redacted>"}');
  });

  // URL-safe base64 unpadded: the last character, which the secret's bytes alone decide, too.
  it("hide one echoed in URL-safe base64", () => {
    const secret = `${PASSWORD}>>?!`;
    const echoed = Buffer.from(secret).toString("base64url");
    expect(hideSecrets(`got ${echoed}.`, secretForms([secret]))).toBe("got <redacted>.");
  });

  // A shorter secret inside a longer one (the secret key's 16-character prefix, BCC's AES key) must
  // not be hidden first, leaving the rest of the longer one shown.
  it("hide the longest form first", () => {
    expect(hideSecrets(`sk=${SK}`, secretForms([SK.slice(0, 16), SK]))).toBe("sk=<redacted>");
  });

  // An answer may quote the whole request body in base64: the password's bytes then fall at any
  // offset of the encoding, not only where its own base64 starts.
  it.each([0, 1, 2, 3, 4, 5])("hide one inside the base64 of a longer text, %i bytes in", (offset) => {
    const forms = secretForms([PASSWORD]);
    const echoed = btoa(`${"x".repeat(offset)}{"adminPass":"${PASSWORD}","imageId":"im-1"}`);
    expect(atob(echoed)).toContain(PASSWORD);
    const hidden = hideSecrets(`body=${echoed}`, forms);
    expect(hidden).toContain("<redacted>");
    // What is left around it decodes to no more than a character or two of the password.
    const [before, after] = hidden.slice("body=".length).split("<redacted>") as [string, string];
    expect(atob(before.slice(0, before.length - (before.length % 4)))).not.toContain(PASSWORD.slice(0, 3));
    expect(after.length).toBeLessThan(echoed.length - before.length);
  });
});
