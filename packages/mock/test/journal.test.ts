// The request journal: what arrived (signature redacted), whether the signature verified, what was answered; bounded.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { encryptAdminPass } from "@bce-openapi/core";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "../src/index.js";
import { redactLogLine } from "../src/journal.js";
import { REBUILD_PATH, REINSTALL_BODY, REINSTALL_PATH, signedPut } from "./helpers.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ journalLimit: 3 });
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

it("records method, path, query, headers, body, the signature check and the answer", async () => {
  const res = await signedPut(mock.url, `${REINSTALL_PATH}?clientToken=tok-1`, REINSTALL_BODY, {
    headers: { "x-bce-meta": "one" },
  });
  const [entry] = await mock.journal.waitFor(1);
  expect(entry).toMatchObject({
    requestId: res.headers.get("x-bce-request-id"),
    method: "PUT",
    path: REINSTALL_PATH,
    query: "clientToken=tok-1",
    operationId: "reinstallVmInstance",
    signature: "verified",
    idempotency: "first",
    answer: { status: 200 },
  });
  // BEC's keyConfig.adminPass is a plaintext password: the journal keeps it out.
  expect(JSON.parse(entry!.body)).toEqual({
    ...REINSTALL_BODY,
    keyConfig: { ...REINSTALL_BODY.keyConfig, adminPass: "<redacted>" },
  });
  expect(entry!.body).not.toContain(REINSTALL_BODY.keyConfig.adminPass);
  expect(entry!.bodyBytes).toBe(Buffer.byteLength(JSON.stringify(REINSTALL_BODY)));
  expect(entry!.headers["x-bce-meta"]).toBe("one");
  expect(Date.parse(entry!.receivedAt)).not.toBeNaN();
});

it("redacts the signature, keeping the rest of the Authorization readable", async () => {
  await signedPut(
    mock.url,
    REBUILD_PATH,
    { imageId: "m-1" },
    { headers: { "x-bce-security-token": "session-token-secret" } },
  );
  const [entry] = await mock.journal.waitFor(1);
  const auth = entry!.headers.authorization!;
  expect(auth).toMatch(
    new RegExp(
      `^bce-auth-v1/${DEFAULT_CREDENTIALS.accessKeyId}/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ/1800/[a-z;-]*/<redacted>$`,
    ),
  );
  expect(entry!.headers["x-bce-security-token"]).toBe("<redacted>");
  expect(JSON.stringify(mock.journal.entries())).not.toMatch(/session-token-secret|[0-9a-f]{64}/);
});

it("records a failed signature with its code", async () => {
  await signedPut(
    mock.url,
    REBUILD_PATH,
    { imageId: "m-1" },
    { credentials: { ...DEFAULT_CREDENTIALS, secretAccessKey: "wrong" } },
  );
  const [entry] = await mock.journal.waitFor(1);
  expect(entry).toMatchObject({
    signature: "failed",
    signatureError: "SignatureDoesNotMatch",
    answer: { status: 400, code: "SignatureDoesNotMatch" },
  });
});

it("keeps only the last journalLimit requests, and entries are copies", async () => {
  for (const id of ["i-1", "i-2", "i-3", "i-4"])
    await signedPut(mock.url, `/v2/instance/${id}?rebuild`, { imageId: "m-1" });
  const entries = await mock.journal.waitFor(4);
  expect(entries.map((e) => e.path)).toEqual(["/v2/instance/i-2", "/v2/instance/i-3", "/v2/instance/i-4"]);
  entries[0]!.path = "changed";
  expect(mock.journal.entries()[0]!.path).toBe("/v2/instance/i-2");
});

it("records validation errors with the BCE code answered", async () => {
  await signedPut(mock.url, REINSTALL_PATH, { ...REINSTALL_BODY, imageId: "" });
  const [entry] = await mock.journal.waitFor(1);
  expect(entry!.answer).toEqual({ status: 400, code: "InappropriateJSON" });
});

it("journalLimit: 0 keeps nothing; waitFor still counts answers", async () => {
  const quiet = await startMock({ journalLimit: 0 });
  try {
    await signedPut(quiet.url, REBUILD_PATH, { imageId: "m-1" });
    expect(await quiet.journal.waitFor(1)).toEqual([]);
  } finally {
    await quiet.close();
  }
  await expect(mock.journal.waitFor(0)).rejects.toThrow(RangeError);
});

it.each([
  [0, "got 0"],
  [1.5, "got 1.5"],
  ["2", 'got "2" (a string)'],
  [undefined, "got undefined"],
])("waitFor(%j) rejects (it does not throw) with a message that names what it got", async (count, got) => {
  let waiting: Promise<unknown> | undefined;
  expect(() => {
    waiting = mock.journal.waitFor(count as number);
  }).not.toThrow();
  await expect(waiting).rejects.toThrow(`waitFor: count must be a positive integer, ${got}`);
});

it("keeps an encrypted adminPass (lowercase hex, as BCC sends it) where told to, and bodies that are not JSON", async () => {
  const { redactBody } = await import("../src/journal.js");
  const cipher = "d0dd8cc65746ea6ceaa478763eba9949";
  expect(redactBody(JSON.stringify({ imageId: "m-1", adminPass: cipher }), true)).toBe(
    JSON.stringify({ imageId: "m-1", adminPass: cipher }),
  );
  // Elsewhere (a BEC body, whose passwords are plaintext), hex is a password like any other.
  expect(redactBody(JSON.stringify({ imageId: "m-1", adminPass: cipher }))).toBe(
    JSON.stringify({ imageId: "m-1", adminPass: "<redacted>" }),
  );
  expect(
    JSON.parse(
      redactBody(JSON.stringify({ a: { password: "x", Pass: "y", passport: "z", passwd: "p", rootPwd: "q" } })),
    ),
  ).toEqual({
    a: { password: "<redacted>", Pass: "<redacted>", passport: "z", passwd: "<redacted>", rootPwd: "<redacted>" },
  });
  expect(redactBody("plain text")).toBe("plain text");
});

// Which password is encrypted is the spec's to say (`x-bce-transform: encryptAdminPass`, BCC's
// adminPass alone): a BEC password of 32 lowercase hex digits is plaintext, and was kept.
it("keeps the ciphertext of BCC's encrypted adminPass, and redacts a BEC password that looks like one", async () => {
  const hex = "0123456789abcdef0123456789abcdef";
  const cipher = await encryptAdminPass("1qaz@WSX", DEFAULT_CREDENTIALS.secretAccessKey);
  await signedPut(mock.url, REINSTALL_PATH, { ...REINSTALL_BODY, keyConfig: { type: "password", adminPass: hex } });
  await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1", adminPass: cipher });
  const [bec, bcc] = await mock.journal.waitFor(2);
  expect(JSON.parse(bec!.body).keyConfig.adminPass).toBe("<redacted>");
  expect(JSON.parse(bcc!.body).adminPass).toBe(cipher);
  const route = await (await fetch(`${mock.url}/__mock/journal`)).text();
  expect(route).not.toContain(hex);
});

it("redacts a name ending in pwd when nothing else in the text names a secret", async () => {
  const { redactBody, redactQuery } = await import("../src/journal.js");
  expect(redactBody('{"adminPwd":"hunter3"}')).toBe('{"adminPwd":"<redacted>"}');
  expect(redactBody("user=a&pwd=hunter4")).toBe("user=a&pwd=<redacted>");
  expect(redactQuery("rebuild&pwd=hunter2")).toBe("rebuild&pwd=%3Credacted%3E");
  expect(redactQuery("rebuild&PWD=hunter2")).toBe("rebuild&PWD=%3Credacted%3E");
});

it("redacts a credential an SDK may put in a body (the Java SDK's requestCredentials), however it looks", async () => {
  const { redactBody, redactQuery, redactHeaders } = await import("../src/journal.js");
  const hexSecret = "0123456789abcdef0123456789abcdef"; // BCE secret keys are hex: no ciphertext exception
  const body = {
    imageId: "m-1",
    requestCredentials: { accessKeyId: "AKID", secretKey: hexSecret, sessionToken: "tok-1" },
    secret_access_key: "s",
    SecurityToken: "t",
    "secret-key": "k",
  };
  expect(JSON.parse(redactBody(JSON.stringify(body)))).toEqual({
    imageId: "m-1",
    requestCredentials: { accessKeyId: "AKID", secretKey: "<redacted>", sessionToken: "<redacted>" },
    secret_access_key: "<redacted>",
    SecurityToken: "<redacted>",
    "secret-key": "<redacted>",
  });
  // Cut off inside the value, so not JSON.
  expect(redactBody(`{"requestCredentials":{"secretKey":"${hexSecret}","x":`)).toBe(
    '{"requestCredentials":{"secretKey":"<redacted>","x":',
  );
  // The idempotency token is no secret: a contract test reads it.
  expect(redactQuery("clientToken=abc&sessionToken=tok-1")).toBe("clientToken=abc&sessionToken=%3Credacted%3E");
  // A pair that does not decode (a stray %) is hidden by its raw text.
  expect(redactQuery("securityToken=S3%&session_token=S7%&clientToken=c%")).toBe(
    "securityToken=<redacted>&session_token=<redacted>&clientToken=c%",
  );
  expect(redactHeaders({ "x-api-key": "k", "x-auth-token": "t", "x-bce-request-id": "r", "x-secret": "s" })).toEqual({
    "x-api-key": "<redacted>",
    "x-auth-token": "<redacted>",
    "x-bce-request-id": "r",
    "x-secret": "<redacted>",
  });
  // Every spelling of an api key, and any header whose name says authorization.
  expect(
    redactHeaders({ api_key: "k", apikey: "k", "x-authorization": "a", "proxy-authorization": "p", "x-bce-date": "d" }),
  ).toEqual({
    api_key: "<redacted>",
    apikey: "<redacted>",
    "x-authorization": "<redacted>",
    "proxy-authorization": "<redacted>",
    "x-bce-date": "d",
  });
  // Any header whose name says password, not only one whose name ends in it.
  expect(redactHeaders({ "x-password-b64": "cGFzcw==", "x-password-hint": "h", "x-passenger": "p" })).toEqual({
    "x-password-b64": "<redacted>",
    "x-password-hint": "<redacted>",
    "x-passenger": "p",
  });
});

it("redacts passwords in text that is not JSON: malformed, or cut off inside the value", async () => {
  const { redactBody } = await import("../src/journal.js");
  const cipher = "d0dd8cc65746ea6ceaa478763eba9949";
  expect(redactBody('{"adminPass": "abc"')).toBe('{"adminPass": "<redacted>"');
  expect(redactBody('{"keyConfig":{"adminPass":"a\\"b"},"x":')).toBe('{"keyConfig":{"adminPass":"<redacted>"},"x":');
  expect(redactBody('{"AdminPassword" : "Pl41n!Pa')).toBe('{"AdminPassword" : "<redacted>"');
  expect(redactBody(`{"adminPass":"${cipher}","x":`, true)).toBe(`{"adminPass":"${cipher}","x":`);
  expect(redactBody(`{"adminPass":"${cipher}","x":`)).toBe('{"adminPass":"<redacted>","x":');
  // A ciphertext cut short is no proof of being one: redacted.
  expect(redactBody(`{"adminPass":"${cipher.slice(0, 20)}`, true)).toBe('{"adminPass":"<redacted>"');
});

it.each([
  ["a key spelled with an escape", '{"admin\\u0050ass":"Pl41n!Secret"}', '{"adminPass":"<redacted>"}'],
  ["an array value", '{"adminPass":["Pl41n!Secret"],"imageId":"im-1"}', '{"adminPass":"<redacted>","imageId":"im-1"}'],
  ["an object value", '{"adminPass":{"v":"Pl41n!Secret"}}', '{"adminPass":"<redacted>"}'],
  ["a number value", '{"adminPass":424242}', '{"adminPass":"<redacted>"}'],
  ["a null value (nothing to hide)", '{"adminPass":null}', '{"adminPass":null}'],
  [
    "a long key in text cut short",
    `{"${"k".repeat(200)}Pass":"Pl41n!Secret","x":`,
    `{"${"k".repeat(200)}Pass":"<redacted>","x":`,
  ],
  ["an array value in text cut short", '{"adminPass":["Pl41n!Secret"],"x":"cut', '{"adminPass":"<redacted>"'],
  ["a form body", "imageId=im-1&adminPass=Pl41n%21Secret&x=1", "imageId=im-1&adminPass=<redacted>&x=1"],
  [
    "a multipart form field",
    '--b\r\nContent-Disposition: form-data; name="imageId"\r\n\r\nim-1\r\n--b\r\nContent-Disposition: form-data; name="adminPass"\r\nContent-Type: text/plain\r\n\r\nPl41n!Secret\r\n--b--\r\n',
    '--b\r\nContent-Disposition: form-data; name="imageId"\r\n\r\nim-1\r\n--b\r\nContent-Disposition: form-data; name="adminPass"\r\nContent-Type: text/plain\r\n\r\n<redacted>\r\n--b--\r\n',
  ],
  [
    "a multipart form field in a body cut short",
    "--b\r\nContent-Disposition: form-data; name=password\r\n\r\nPl41n!Se",
    "--b\r\nContent-Disposition: form-data; name=password\r\n\r\n<redacted>",
  ],
  [
    "a multipart field that is not a password (passport)",
    '--b\r\nContent-Disposition: form-data; name="passport"\r\n\r\nP-1\r\n--b--',
    '--b\r\nContent-Disposition: form-data; name="passport"\r\n\r\nP-1\r\n--b--',
  ],
  ["JSON after a prefix that is not JSON", ')]}\'\n{"adminPass":"Pl41n!Secret"}', ')]}\'\n{"adminPass":"<redacted>"}'],
])("redacts %s", async (_, text, redacted) => {
  const { redactBody } = await import("../src/journal.js");
  expect(redactBody(text)).toBe(redacted);
});

it("finds a multipart boundary in time linear in the body: a 4 MiB line of blanks after `--`", async () => {
  const { redactBody } = await import("../src/journal.js");
  // Before, the boundary regex backtracked over the blanks, in time quadratic in them: about 6 s on
  // a 64 KiB line, at every read of the journal, and hours on this one, which the test's timeout
  // (the only clock here) cuts short. Linear, it takes milliseconds.
  const text = `--a${" ".repeat(4 * 1024 * 1024)}x adminPass`;
  expect(redactBody(text)).toBe(text);
  // The boundary still loses its trailing blanks, and keeps those inside it.
  const form = '--b c \t\r\nContent-Disposition: form-data; name="adminPass"\r\n\r\nPl41n!Secret\r\n--b c--\r\n';
  expect(redactBody(form)).toBe(form.replace("Pl41n!Secret", "<redacted>"));
}, 60_000);

it("a password sent as a multipart form field (as fetch sends a FormData) is journaled redacted", async () => {
  const form = new FormData();
  form.append("imageId", "im-1");
  form.append("adminPass", "Pl41n!Secret");
  await fetch(`${mock.url}${REINSTALL_PATH}`, { method: "PUT", body: form });
  const [entry] = await mock.journal.waitFor(1);
  expect(entry!.body).toContain('name="imageId"');
  expect(entry!.body).toContain("<redacted>");
  expect(entry!.body).not.toContain("Pl41n!Secret");
});

it("a body nested too deeply to serialize again is journaled, redacted, and the journal stays readable", async () => {
  const deep = `{"keyConfig":{"type":"password","adminPass":"root@!123456"},"imageId":"im-1","z":${"[".repeat(30_000)}${"]".repeat(30_000)}}`;
  await signedPut(mock.url, REINSTALL_PATH, deep);
  const [entry] = await mock.journal.waitFor(1);
  expect(entry!.body).toContain('"adminPass":"<redacted>"');
  expect(entry!.body).not.toContain("root@!123456");
  expect((await fetch(`${mock.url}/__mock/journal`)).status).toBe(200);
  // The next request is answered and journaled as usual.
  await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1" });
  expect(await mock.journal.waitFor(2)).toHaveLength(2);
});

it("redacts a presigned request's signature and token in the query, and Proxy-Authorization", async () => {
  const signature = "ab".repeat(32);
  const ak = DEFAULT_CREDENTIALS.accessKeyId; // an id the mock knows stays readable
  const authorization = encodeURIComponent(`bce-auth-v1/${ak}/2026-01-01T00:00:00Z/1800/host/${signature}`);
  await signedPut(
    mock.url,
    `${REBUILD_PATH}&authorization=${authorization}&x-bce-security-token=tok-secret`,
    { imageId: "m-1" },
    {
      headers: { "proxy-authorization": "Basic cHJveHk6c2VjcmV0" },
    },
  );
  const [entry] = await mock.journal.waitFor(1);
  expect(entry!.query).toBe(
    `rebuild&authorization=bce-auth-v1/${ak}/2026-01-01T00%3A00%3A00Z/1800/host/%3Credacted%3E&x-bce-security-token=%3Credacted%3E`,
  );
  expect(entry!.headers["proxy-authorization"]).toBe("<redacted>");
  expect(JSON.stringify(entry)).not.toMatch(new RegExp(`${signature}|tok-secret|cHJveHk6c2VjcmV0`));
});

// As in the Authorization header: an id the mock does not know is often a secret given in its place.
it("redacts an access key id the mock does not know in a presigned request's query (keys swapped)", async () => {
  const unknownSecret = "d1e2a3d4b5e6e7f8a9b0c1d2e3f4a5b6"; // a production key the mock does not know
  const presigned = (id: string) =>
    `authorization=${encodeURIComponent(`bce-auth-v1/${id}/2026-01-01T00:00:00Z/1800/host/${"ab".repeat(32)}`)}`;
  const redacted = "authorization=bce-auth-v1/%3Credacted%3E/2026-01-01T00%3A00%3A00Z/1800/host/%3Credacted%3E";
  // Presigned alone (the mock checks only the header: refused), and beside a valid header signature.
  await fetch(`${mock.url}${REBUILD_PATH}&${presigned(unknownSecret)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ imageId: "m-1" }),
  });
  await signedPut(mock.url, `${REBUILD_PATH}&${presigned(unknownSecret)}`, { imageId: "m-1" });
  const entries = await mock.journal.waitFor(2);
  expect(entries.map((entry) => entry.query)).toEqual([`rebuild&${redacted}`, `rebuild&${redacted}`]);
  expect(entries[0]!.signature).toBe("failed");
  expect(entries[1]!.signature).toBe("verified");
  const route = await (await fetch(`${mock.url}/__mock/journal`)).text();
  for (const text of [JSON.stringify(entries), route]) expect(text).not.toContain(unknownSecret);
});

// Teams run the mock without authentication holding their real keys: the header's id is hidden
// whether the signature was checked or not, as the query's is.
it("redacts an access key id the mock does not know in the header when authentication is off (keys swapped)", async () => {
  const unknownSecret = "d1e2a3d4b5e6e7f8a9b0c1d2e3f4a5b6"; // a production key the mock does not know
  const open = await startMock({ auth: false });
  try {
    for (const id of [unknownSecret, DEFAULT_CREDENTIALS.accessKeyId]) {
      const res = await fetch(`${open.url}${REBUILD_PATH}`, {
        method: "PUT",
        headers: {
          "content-type": "application/json",
          authorization: `bce-auth-v1/${id}/2026-01-01T00:00:00Z/1800/host/${"ab".repeat(32)}`,
        },
        body: JSON.stringify({ imageId: "m-1" }),
      });
      expect(res.status).toBe(200);
    }
    const entries = await open.journal.waitFor(2);
    expect(entries.map((entry) => entry.headers.authorization)).toEqual([
      "bce-auth-v1/<redacted>/2026-01-01T00:00:00Z/1800/host/<redacted>",
      `bce-auth-v1/${DEFAULT_CREDENTIALS.accessKeyId}/2026-01-01T00:00:00Z/1800/host/<redacted>`,
    ]);
    const route = await (await fetch(`${open.url}/__mock/journal`)).text();
    for (const text of [JSON.stringify(entries), route]) expect(text).not.toContain(unknownSecret);
  } finally {
    await open.close();
  }
});

it("a Prism log line's Authorization hides an access key id the mock does not know", () => {
  const ids = new Set(["known-ak"]);
  const line = (id: string) => `< \tauthorization: bce-auth-v1/${id}/2026-01-01T00:00:00Z/1800/host/abcdef`;
  expect(redactLogLine(line("prod-secret"), ids)).toBe(
    "< \tauthorization: bce-auth-v1/<redacted>/2026-01-01T00:00:00Z/1800/host/<redacted>",
  );
  expect(redactLogLine(line("known-ak"), ids)).toBe(
    "< \tauthorization: bce-auth-v1/known-ak/2026-01-01T00:00:00Z/1800/host/<redacted>",
  );
});

it("hides the mock's secret key in a header value that spells it with percent escapes", async () => {
  const secret = DEFAULT_CREDENTIALS.secretAccessKey;
  const escaped = [...secret].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join("");
  const res = await signedPut(
    mock.url,
    REBUILD_PATH,
    { imageId: "m-1" },
    {
      headers: {
        "x-note": escaped,
        "x-trace": secret.replace("-", "%2D"),
        // Beside escapes that are no UTF-8, which a reader cannot decode as one run with the secret's.
        "x-before": `%FF${escaped.toLowerCase()}`,
        "x-after": `${escaped}%E4`,
      },
    },
  );
  expect(res.status).toBe(200);
  const [entry] = await mock.journal.waitFor(1);
  expect(entry!.headers["x-note"]).toBe("<redacted>");
  expect(entry!.headers["x-trace"]).toBe("<redacted>");
  expect(entry!.headers["x-before"]).toBe("%FF<redacted>");
  expect(entry!.headers["x-after"]).toBe("<redacted>%E4");
  const text = JSON.stringify(entry);
  expect(text).not.toContain(escaped);
  expect(text.toLowerCase()).not.toContain(escaped.toLowerCase());
  // Read as a reader reads escapes: each ASCII one alone.
  expect(text.replace(/%[0-7][0-9a-fA-F]/g, (e) => String.fromCharCode(Number.parseInt(e.slice(1), 16)))).not.toContain(
    secret,
  );
});

it("hides a secret a JSON body's string spells with percent escapes, keeping the rest of the body", async () => {
  const secret = DEFAULT_CREDENTIALS.secretAccessKey;
  const escaped = [...secret].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("");
  // A member the operation does not know passes Prism (the BCC schema is open).
  const res = await signedPut(mock.url, REBUILD_PATH, { imageId: "m-1", note: `key ${escaped}`, [escaped]: 1 });
  expect(res.status).toBe(200);
  const [entry] = await mock.journal.waitFor(1);
  expect(JSON.parse(entry!.body)).toEqual({ imageId: "m-1", note: "key <redacted>", "<redacted>": 1 });
  expect(entry!.body.toLowerCase()).not.toContain(escaped);
});

it("redacts a query parameter named like a password, as in a body, a ciphertext too (no query parameter is encrypted)", async () => {
  const cipher = "d0dd8cc65746ea6ceaa478763eba9949";
  await signedPut(
    mock.url,
    `${REBUILD_PATH}&adminPass=QSECRET1&Password=Q%20SECRET2&admin%50ass=QSECRET3&rootPass=${cipher}&passwords=kept`,
    { imageId: "m-1" },
  );
  const [entry] = await mock.journal.waitFor(1);
  expect(entry!.query).toBe(
    "rebuild&adminPass=%3Credacted%3E&Password=%3Credacted%3E&admin%50ass=%3Credacted%3E&rootPass=%3Credacted%3E&passwords=kept",
  );
  expect(JSON.stringify(entry)).not.toMatch(/QSECRET|Q%20SECRET/);
});

it("a body over 64 KiB is kept cut, and its password still redacted, in entries() and on /__mock/journal", async () => {
  const body = { ...REINSTALL_BODY, userData: "x".repeat(70_000) };
  await signedPut(mock.url, REINSTALL_PATH, body);
  const [entry] = await mock.journal.waitFor(1);
  expect(entry!.bodyBytes).toBe(Buffer.byteLength(JSON.stringify(body)));
  // Cut inside userData at 64 KiB (less the few characters the redaction saved).
  expect(entry!.body).toMatch(/"userData":"x{60000,}$/);
  expect(entry!.body.length).toBeLessThanOrEqual(64 * 1024);
  expect(entry!.body).toContain('"adminPass":"<redacted>"');
  expect(entry!.body).not.toContain(REINSTALL_BODY.keyConfig.adminPass);
  const route = await (await fetch(`${mock.url}/__mock/journal`)).text();
  expect(route).toContain("<redacted>");
  expect(route).not.toContain(REINSTALL_BODY.keyConfig.adminPass);
});

it.each([
  [
    "< \tauthorization: bce-auth-v1/ak/2026-01-01T00:00:00Z/1800/host/abcdef",
    "< \tauthorization: bce-auth-v1/ak/2026-01-01T00:00:00Z/1800/host/<redacted>",
  ],
  ["< \tX-Bce-Security-Token: tok", "< \tX-Bce-Security-Token: <redacted>"],
  ["< \tcontent-type: application/json", "< \tcontent-type: application/json"],
  ['< Body: {"adminPass":"p\tw","imageId":"m-1"}', '< Body: {"adminPass":"<redacted>","imageId":"m-1"}'],
  [
    '< \u001b[90mBody:\u001b[39m {"keyConfig":{"adminPass":"pw"}}',
    '< \u001b[90mBody:\u001b[39m {"keyConfig":{"adminPass":"<redacted>"}}',
  ],
  [
    "GET /v2/instance/i-1?rebuild&authorization=bce-auth-v1%2Fak&x-bce-security-token=tok",
    "GET /v2/instance/i-1?rebuild&authorization=<redacted>&x-bce-security-token=<redacted>",
  ],
  [
    "GET /v2/instance/i-1?rebuild&adminPass=QSECRET&password=Q2#x",
    "GET /v2/instance/i-1?rebuild&adminPass=<redacted>&password=<redacted>#x",
  ],
  ["Responding with the requested status code 200", "Responding with the requested status code 200"],
  ["< \tauthorization: Body: x/SECRET", "< \tauthorization: <redacted>"],
  ["< \tcookie: Body: SECRET", "< \tcookie: <redacted>"],
  ["\u001b[90m< \u001b[39m\tx-bce-security-token: tok", "\u001b[90m< \u001b[39m\tx-bce-security-token: <redacted>"],
  [
    '\u001b[90m< \u001b[39m\u001b[90mBody:\u001b[39m {"adminPass":"pw"}',
    '\u001b[90m< \u001b[39m\u001b[90mBody:\u001b[39m {"adminPass":"<redacted>"}',
  ],
])("a Prism log line %j is logged as %j", (line, logged) => {
  expect(redactLogLine(line)).toBe(logged);
});

// Form names in bracket notation (`creds[secretKey]`, as qs and PHP write nested fields), percent-
// encoded, or in a multipart part, name the same secrets as a property of that name in JSON does.
it.each([
  ["a bracketed form field", "imageId=m-1&creds[secretKey]=S3cr3t-1", "imageId=m-1&creds[secretKey]=<redacted>"],
  ["a session token in brackets", "credentials[sessionToken]=S3cr3t-1&x=1", "credentials[sessionToken]=<redacted>&x=1"],
  ["an array field", "secretKey[]=S3cr3t-1", "secretKey[]=<redacted>"],
  ["an indexed password", "creds[password][0]=S3cr3t-1", "creds[password][0]=<redacted>"],
  ["encoded brackets", "x=1&creds%5BsecretKey%5D=S3cr3t-1", "x=1&creds%5BsecretKey%5D=<redacted>"],
  ["an encoded letter", "admin%50ass=S3cr3t-1&secret%4Bey=S3cr3t-2", "admin%50ass=<redacted>&secret%4Bey=<redacted>"],
  ["a name with a trailing space", "secretKey+=S3cr3t-1", "secretKey+=<redacted>"],
  ["a dotted name", "a.secretAccessKey=S3cr3t-1", "a.secretAccessKey=<redacted>"],
  [
    "a field that is no secret",
    "creds[secretKeyId]=kept&passport[no]=kept",
    "creds[secretKeyId]=kept&passport[no]=kept",
  ],
  [
    "a multipart field in brackets",
    '--b\r\nContent-Disposition: form-data; name="creds[password]"\r\n\r\nS3cr3t-1\r\n--b--\r\n',
    '--b\r\nContent-Disposition: form-data; name="creds[password]"\r\n\r\n<redacted>\r\n--b--\r\n',
  ],
  [
    "an unquoted multipart name in brackets",
    "--b\r\nContent-Disposition: form-data; name=creds[secretKey]\r\n\r\nS3cr3t-1\r\n--b--",
    "--b\r\nContent-Disposition: form-data; name=creds[secretKey]\r\n\r\n<redacted>\r\n--b--",
  ],
  [
    "an extended multipart name (name*=)",
    "--b\r\nContent-Disposition: form-data; name*=UTF-8''session%5FToken\r\n\r\nS3cr3t-1\r\n--b--",
    "--b\r\nContent-Disposition: form-data; name*=UTF-8''session%5FToken\r\n\r\n<redacted>\r\n--b--",
  ],
  ["a JSON key in brackets", '{"creds[secretKey]":"S3cr3t-1","x":1}', '{"creds[secretKey]":"<redacted>","x":1}'],
  ["a JSON key in brackets, cut short", '{"creds[sessionToken]":"S3cr3t-1', '{"creds[sessionToken]":"<redacted>"'],
  ["a dotted JSON key", '{"a.secretAccessKey":"S3cr3t-1"}', '{"a.secretAccessKey":"<redacted>"}'],
])("redacts a secret form name: %s", async (_, text, redacted) => {
  const { redactBody } = await import("../src/journal.js");
  expect(redactBody(text)).toBe(redacted);
});

// Text of no format the mock reads: what Python's str() of a dict, YAML, XML or a log-style line
// sends. The value after a secret's name is hidden; an encrypted password (lowercase hex) is kept.
it.each([
  [
    "a Python dict",
    "{'imageId': 'm-1', 'keyConfig': {'type': 'password', 'adminPass': 'S3cr3t-1'}}",
    "{'imageId': 'm-1', 'keyConfig': {'type': 'password', 'adminPass': '<redacted>'}}",
  ],
  ["a Python dict, a quote escaped", "{'adminPass': 'it\\'s-S3cr3t'}", "{'adminPass': '<redacted>'}"],
  ["unquoted keys", '{imageId: "m-1", adminPass: "S3cr3t-1"}', '{imageId: "m-1", adminPass: "<redacted>"}'],
  [
    "YAML",
    "imageId: m-1\nkeyConfig:\n  adminPass: S3cr3t 1\n  type: password\n",
    "imageId: m-1\nkeyConfig:\n  adminPass: <redacted>\n  type: password\n",
  ],
  [
    "XML",
    "<req><adminPass>S3cr3t-1</adminPass><imageId>m-1</imageId></req>",
    "<req><adminPass><redacted></adminPass><imageId>m-1</imageId></req>",
  ],
  ["a log-style line", "sessionToken: S3cr3t-1; imageId: m-1", "sessionToken: <redacted>; imageId: m-1"],
  ["a form value already hidden", "adminPass=S3cr3t-1&x=1", "adminPass=<redacted>&x=1"],
  [
    "an encrypted password kept, where told to",
    "{'adminPass': '0123456789abcdef0123456789abcdef'}",
    "{'adminPass': '0123456789abcdef0123456789abcdef'}",
    true,
  ],
  [
    "lowercase hex redacted elsewhere",
    "{'adminPass': '0123456789abcdef0123456789abcdef'}",
    "{'adminPass': '<redacted>'}",
  ],
  [
    "an encrypted secret key is still a secret key",
    "{'secretKey': '0123456789abcdef0123456789abcdef'}",
    "{'secretKey': '<redacted>'}",
  ],
  [
    "no secret's name",
    "{'passport': 'kept', 'password_hint': 'kept'}",
    "{'passport': 'kept', 'password_hint': 'kept'}",
  ],
])("redacts a secret in a body of no known format: %s", async (_, text, redacted, keepCiphertext?: boolean) => {
  const { redactBody } = await import("../src/journal.js");
  expect(redactBody(text, keepCiphertext)).toBe(redacted);
});

it.each([
  ["creds[secretKey]=S3cr3t-1&x=1", "creds[secretKey]=%3Credacted%3E&x=1"],
  ["creds%5BsecretKey%5D=S3cr3t-1", "creds%5BsecretKey%5D=%3Credacted%3E"],
  ["credentials[sessionToken]=S3cr3t-1", "credentials[sessionToken]=%3Credacted%3E"],
  ["admin%50ass=S3cr3t-1", "admin%50ass=%3Credacted%3E"],
  ["a.secretAccessKey=S3cr3t-1", "a.secretAccessKey=%3Credacted%3E"],
  ["creds[clientToken]=kept", "creds[clientToken]=kept"],
])("redacts the query %j as %j", async (query, redacted) => {
  const { redactQuery } = await import("../src/journal.js");
  expect(redactQuery(query)).toBe(redacted);
});

it.each([
  ["GET /v1/x?creds[secretKey]=S3cr3t-1&y=2 200", "GET /v1/x?creds[secretKey]=<redacted>&y=2 200"],
  ["GET /v1/x?creds%5BsecretKey%5D=S3cr3t-1", "GET /v1/x?creds%5BsecretKey%5D=<redacted>"],
  ["< Body: creds[secretKey]=S3cr3t-1", "< Body: creds[secretKey]=<redacted>"],
  ['< Body: {"creds[password]":"S3cr3t-1"}', '< Body: {"creds[password]":"<redacted>"}'],
])("a Prism log line with a bracketed name %j is logged as %j", (line, logged) => {
  expect(redactLogLine(line)).toBe(logged);
});

it("journals a bracketed secret in the query and a form body redacted", async () => {
  const form = "creds[secretKey]=BSECRET1&credentials%5BsessionToken%5D=BSECRET2&a.secretAccessKey=BSECRET3";
  const res = await fetch(`${mock.url}${REINSTALL_PATH}?creds[secretKey]=QSECRET1&creds%5Bpassword%5D=QSECRET2`, {
    method: "PUT",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
  await res.arrayBuffer();
  const [entry] = await mock.journal.waitFor(1);
  expect(entry!.bodyBytes).toBe(form.length);
  const route = await (await fetch(`${mock.url}/__mock/journal`)).text();
  for (const text of [JSON.stringify(entry), route]) expect(text).not.toMatch(/[QB]SECRET/);
});
