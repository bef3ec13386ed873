// The client packages run in a browser, as they promise: @bce-openapi/core, bec and bcc are bundled
// with esbuild for the browser with no Node polyfills (an import of a Node built-in fails the
// build), served on loopback by the docs' static server, and exercised in Debian's Chromium.
// The signer, the adminPass encryption, the userData encoding and both clients (with a recording
// fetch: nothing leaves the page) must give what they give in Node.
import { builtinModules } from "node:module";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import fc from "fast-check";
import { connectChromium, INSECURE_HOST } from "./global-setup.mjs";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { buildAuthorization, encodeUserData, encryptAdminPass, verifyRequest } from "@bce-openapi/core";
import { signingHeaders } from "@bce-openapi/core/internal";
import { serveStatic } from "../scripts/static-server.mjs";
import { docsDir, loadSpec, watchPage } from "./helpers.mjs";

const vectors = JSON.parse(
  readFileSync(join(docsDir, "../packages/core/test/fixtures/bce-auth-published-vectors.json"), "utf8"),
).signing;
const examples = loadSpec("en").components.examples;
const credentials = { accessKeyId: "mock-ak", secretAccessKey: "mock-secret-access-key-0123456789" };
const text = "#!/bin/sh\necho 你好，世界 👋🌏";
const nodeBuiltin = new RegExp(`^(node:|(${builtinModules.join("|")})(/|$))`);

// The page's side: everything runs in Chromium and what it gives comes back as plain data.
const ENTRY = `
import { BceError, buildAuthorization, createSigningKeyCache, decodeUserData, encodeUserData, encryptAdminPass, signFetchRequest, signRequest, verifyRequest } from "@bce-openapi/core";
import { signingHeaders } from "@bce-openapi/core/internal";
import { createBecClient } from "@bce-openapi/bec";
import { createBccClient } from "@bce-openapi/bcc";
function recorder(respond) {
  const sent = [];
  const fetch = async (r) => (sent.push({ url: r.url, headers: Object.fromEntries(r.headers), body: await r.text() }), respond());
  return { sent, fetch };
}
// Random requests signed in the page (Web Crypto), with and without a signing-key cache; and by
// signingHeaders (the checked form of knownSigningHeaders, which the clients' transport signs every
// attempt with; the same headers for checked keys), with its own cache.
const keys = createSigningKeyCache(4);
const transportKeys = createSigningKeyCache();
window.signAll = (inputs) => Promise.all(inputs.map(async (input) => [(await buildAuthorization(input)).authorization, await signRequest(input.request, input, { timestamp: input.timestamp, signingKeys: keys }),
  await signingHeaders(input.request, input, { clock: () => input.timestamp }, 0, transportKeys)]));
// The published vectors that carry Host and x-bce-date, signed as the transport signs.
window.signVectors = (vectors) => Promise.all(vectors.map(({ request, credentials, clock, expirationInSeconds, headersToSign }) =>
  signingHeaders(request, credentials, { clock: () => clock, expirationInSeconds, headersToSign }, 0, transportKeys)));
// The same calls on a page that is not a secure context (http: from a host other than localhost),
// where a browser gives no crypto.subtle and no crypto.randomUUID.
window.insecureChecks = async ({ credentials, becRequest, bccRequest }) => {
  const rec = recorder(() => new Response("{}"));
  const failure = (call) => call.then(() => "resolved", (error) => ({ bce: error instanceof BceError, name: error.name, message: error.message }));
  const options = { endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch };
  return {
    secureContext: window.isSecureContext,
    bec: await failure(createBecClient(options).reinstallVmInstance("vm-6ahy6dli", becRequest)),
    bcc: await failure(createBccClient(options).rebuildInstance("i-YufwpQAe", { ...bccRequest, adminPass: "1qaz@WSX" })),
    raw: await failure(createBccClient(options).raw.PUT("/v{version}/instance/{instanceId}", { params: { path: { version: "2", instanceId: "i-YufwpQAe" }, query: { rebuild: "" } }, body: bccRequest })),
    signRequest: await failure(signRequest({ method: "GET", url: "https://bec.baidubce.com/" }, credentials)),
    sent: rec.sent.length,
  };
};
const outcome = (call, rec) => call.then((value) => ({ value, sent: rec.sent }), (error) => ({ error: error.name, sent: rec.sent }));
window.runChecks = async ({ vectors, credentials, text, becExample, becRequest, bccRequest }) => {
  const signing = await Promise.all(vectors.map(async ({ id, inputs: i }) => ({ id, ...(await buildAuthorization({ ...i,
    headersToSign: Array.isArray(i.headersToSign) ? i.headersToSign : undefined, timestamp: i.timestampEpochSeconds * 1000 })) })));
  const path = "/v1/vm/instance/vm-1/system/reinstall?clientToken=t-1";
  const signed = await signRequest({ method: "PUT", url: "https://bec.baidubce.com" + path, headers: { "content-type": "application/json" } }, credentials);
  const verify = (p) => verifyRequest({ method: "PUT", path: p, headers: { host: "bec.baidubce.com", "content-type": "application/json", ...signed } },
    { getSecretAccessKey: (ak) => (ak === credentials.accessKeyId ? credentials.secretAccessKey : undefined) });
  const rid = "d8752367-38e8-45e4-b4c7-e53be3137ce5";
  const becAnswer = () => new Response(JSON.stringify(becExample), { headers: { "content-type": "application/json", "x-bce-request-id": rid } });
  const bec = (body) => { const rec = recorder(becAnswer); return outcome(createBecClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch }).reinstallVmInstance("vm-6ahy6dli", body), rec); };
  const bcc = (body) => { const rec = recorder(() => new Response(null, { headers: { "x-bce-request-id": rid } }));
    return outcome(createBccClient({ endpoint: "http://127.0.0.1:9", credentials, fetch: rec.fetch }).rebuildInstance("i-YufwpQAe", body), rec); };
  return {
    signing, verified: await verify(path), tampered: await verify(path.replace("vm-1", "vm-2")),
    adminPass: await encryptAdminPass("1qaz@WSX", "mock-secret-access-key-0123456789"),
    chineseAdminPass: await encryptAdminPass("密码Pass@2024", credentials.secretAccessKey),
    encoded: encodeUserData(text), roundTrip: decodeUserData(encodeUserData(text)),
    // A Request signed in the page keeps its options, body and referrer (a URL of the page's origin).
    signedRequest: await signFetchRequest(new Request(location.origin + "/x", { method: "PUT", body: "{}", cache: "no-store", credentials: "include", keepalive: true, mode: "same-origin", referrer: location.origin + "/page", referrerPolicy: "no-referrer" }), credentials)
      .then(async (r) => ({ method: r.method, cache: r.cache, credentials: r.credentials, keepalive: r.keepalive, mode: r.mode, referrer: r.referrer, referrerPolicy: r.referrerPolicy, redirect: r.redirect, body: await r.text(), signed: r.headers.has("authorization") })),
    bec: await bec({ ...becRequest, userData: text }), becInvalid: await bec({ ...becRequest, imageType: "windows" }),
    bcc: await bcc({ ...bccRequest, adminPass: "1qaz@WSX" }), bccInvalid: await bcc({ ...bccRequest, adminPass: "1qaz@WSX", imageType: "windows" }),
    // No credentials: a page has no environment to read them from, and the error says so.
    noCredentials: await createBecClient({ endpoint: "http://127.0.0.1:9", fetch: recorder(becAnswer).fetch }).reinstallVmInstance("vm-6ahy6dli", becRequest)
      .then(() => "resolved", (error) => ({ name: error.name, message: error.message })),
    // A fetch that fails as a browser's does (a TypeError naming no system error): the request may have left.
    networkFailure: await createBccClient({ endpoint: "http://127.0.0.1:9", credentials, retry: { maxAttempts: 1 }, fetch: async () => { throw new TypeError("Failed to fetch"); } })
      .rebuildInstance("i-YufwpQAe", { ...bccRequest, adminPass: "1qaz@WSX" })
      .then(() => "resolved", (error) => ({ name: error.name, errorCode: error.errorCode, requestSent: error.requestSent })),
  };
};`;

const bundle = (contents) =>
  build({
    stdin: { contents, resolveDir: docsDir, sourcefile: "runtime-entry.mjs" },
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
    metafile: true,
    // No Node polyfills, and no browser-field stand-ins either: any Node built-in fails the build.
    plugins: [
      {
        name: "no-node-builtins",
        setup: (b) =>
          b.onResolve({ filter: nodeBuiltin }, (a) => ({
            errors: [{ text: `Node built-in "${a.path}" imported by ${a.importer}` }],
          })),
      },
    ],
  });

let dir, server, browser, page, bundled;
const problems = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bce-openapi-runtime-"));
  bundled = await bundle(ENTRY);
  writeFileSync(join(dir, "bundle.js"), bundled.outputFiles[0].text);
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="bundle.js"></script>`,
  );
  server = await serveStatic(dir, { port: 0 });
  // The shared Chromium resolves INSECURE_HOST to loopback (global-setup.mjs).
  browser = await connectChromium(inject);
  const context = await browser.newContext();
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url) || url.startsWith("data:")) return route.continue();
    problems.push(`request leaving the machine: ${url}`);
    return route.abort();
  });
  page = await context.newPage();
  watchPage(page, problems);
  await page.goto(new URL("index.html", server.url).toString(), { waitUntil: "load" });
  await page.waitForFunction(() => typeof window.runChecks === "function", null, { timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the browser build fails on any Node built-in, so the packages' build proves they import none", async () => {
  for (const spec of ["node:crypto", "buffer", "fs/promises"])
    await expect(bundle(`import ${JSON.stringify(spec)};`)).rejects.toThrow(/Node built-in/);
});

test("the browser bundle takes the Web Crypto branch of #hmac, never the node:crypto one", () => {
  const inputs = Object.keys(bundled.metafile.inputs);
  expect(
    inputs.filter((file) => /signing\/hmac-(web|node)\.js$/.test(file)).map((file) => file.split("/").at(-1)),
  ).toEqual(["hmac-web.js"]);
});

test("the browser bundle takes the browser branch of #platform: no runtime probing, environment or system error codes", () => {
  const inputs = Object.keys(bundled.metafile.inputs);
  expect(
    inputs.filter((file) => /platform\/(browser|server)\.js$/.test(file)).map((file) => file.split("/").at(-1)),
  ).toEqual(["browser.js"]);
});

test("signing property: on random requests the page (Web Crypto) signs as Node (node:crypto) does, cached or not", async () => {
  const text = fc.string({ unit: "grapheme", maxLength: 10 });
  const request = fc.record({
    method: fc.constantFrom("GET", "PUT", "POST", "DELETE"),
    path: fc.array(text, { maxLength: 3 }).map((segments) => `/${segments.map(encodeURIComponent).join("/")}`),
    query: fc.dictionary(text, fc.oneof(text, fc.constant(null)), { maxKeys: 3 }),
    meta: text,
    accessKeyId: fc.string({ unit: fc.constantFrom(..."abcdef0123"), minLength: 1, maxLength: 12 }),
    secretAccessKey: fc.string({ unit: "grapheme", minLength: 1, maxLength: 70 }),
    // A few timestamps, so the page's cache both hits and misses.
    timestamp: fc.integer({ min: 0, max: 5 }).map((s) => Date.UTC(2026, 0, 1) + s * 1000),
  });
  const inputs = fc.sample(request, { numRuns: 150, seed: 20261201 }).map((r) => {
    const url = new URL(`https://bec.baidubce.com${r.path}`);
    for (const [k, v] of Object.entries(r.query)) url.searchParams.append(k, v ?? "");
    const headers = { host: url.host, "content-type": "application/json", "x-bce-meta": r.meta };
    return {
      ...r,
      path: url.pathname,
      query: url.search,
      headers,
      request: { method: r.method, url: url.href, headers },
    };
  });
  const got = await page.evaluate((all) => window.signAll(all), inputs);
  for (const [i, input] of inputs.entries()) {
    const node = await buildAuthorization(input);
    expect(got[i][0], JSON.stringify(input)).toBe(node.authorization);
    // The transport's signer in the page gives what it gives in Node, and what signRequest gives.
    const transport = await signingHeaders(input.request, input, { clock: () => input.timestamp });
    expect(got[i][2], JSON.stringify(input)).toEqual(transport);
    expect(got[i][2], JSON.stringify(input)).toEqual(got[i][1]);
    // signRequest adds and signs x-bce-date: the verifier judges the request with the headers it added.
    const { ok } = await verifyRequest(
      { method: input.method, path: input.path, query: input.query, headers: { ...input.headers, ...got[i][1] } },
      { getSecretAccessKey: () => input.secretAccessKey, now: input.timestamp },
    );
    expect(ok, JSON.stringify(input)).toBe(true);
  }
  expect(problems).toEqual([]);
});

test("the transport's signer (signingHeaders) reproduces the published vectors in Chromium", async () => {
  // The vectors whose request carries Host and the x-bce-date signingHeaders adds.
  const cases = vectors.flatMap(({ id, inputs: i, expectedPublished: want }) => {
    const date = new Date(i.timestampEpochSeconds * 1000).toISOString().replace(".000Z", "Z");
    if (typeof i.headers.Host !== "string" || i.headers["x-bce-date"] !== date) return [];
    const query = Object.entries(i.query)
      .map(([k, v]) => (v === null ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
      .join("&");
    const request = {
      method: i.method,
      url: `https://${i.headers.Host}${i.path}${query ? `?${query}` : ""}`,
      headers: Object.fromEntries(Object.entries(i.headers).map(([name, value]) => [name, String(value)])),
    };
    return [
      {
        id,
        date,
        want,
        request,
        credentials: i,
        clock: i.timestampEpochSeconds * 1000,
        expirationInSeconds: i.expirationInSeconds,
        headersToSign: Array.isArray(i.headersToSign) ? i.headersToSign : undefined,
      },
    ];
  });
  expect(cases.length).toBeGreaterThanOrEqual(3);
  const got = await page.evaluate(
    (all) => window.signVectors(all),
    cases.map(({ id, date, want, ...input }) => input),
  );
  for (const [i, { id, date, want }] of cases.entries()) {
    expect(got[i]["x-bce-date"], id).toBe(date);
    const signature = got[i].authorization.split("/").at(-1);
    if (want.signature) expect(signature, id).toBe(want.signature);
    for (const listed of [want.authorization, want.authorization_listedSignedHeaders].filter(Boolean))
      expect(got[i].authorization, id).toBe(listed);
    if (want.authorization_emptySignedHeaders)
      expect(signature, id).toBe(want.authorization_emptySignedHeaders.split("/").at(-1));
  }
  expect(problems).toEqual([]);
});

test("signer, adminPass encryption, userData encoding and both clients work in Chromium as in Node", async () => {
  const becRequest = examples.BecReinstallRequestExample.value;
  const bccRequest = { imageId: examples.BccRebuildRequestExample.value.imageId };
  const got = await page.evaluate((input) => window.runChecks(input), {
    vectors,
    credentials,
    text,
    becExample: examples.BecReinstallResponseExample.value,
    becRequest,
    bccRequest,
  });

  // Every published vector: the signature, and the Authorization in the form the vector publishes.
  for (const [i, { id, expectedPublished: want }] of vectors.entries()) {
    const { authorization, signature } = got.signing[i];
    if (want.signature) expect(signature, id).toBe(want.signature);
    for (const listed of [want.authorization, want.authorization_listedSignedHeaders].filter(Boolean))
      expect(authorization, id).toBe(listed);
    if (want.authorization_emptySignedHeaders)
      expect(signature, id).toBe(want.authorization_emptySignedHeaders.split("/").at(-1));
  }
  expect(got.verified).toMatchObject({ ok: true, accessKeyId: credentials.accessKeyId });
  expect(got.tampered).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });

  expect(got.adminPass).toBe("d0dd8cc65746ea6ceaa478763eba9949");
  expect(got.chineseAdminPass).toBe(await encryptAdminPass("密码Pass@2024", credentials.secretAccessKey));
  expect(got.roundTrip).toBe(text);
  expect(got.signedRequest).toEqual({
    method: "PUT",
    cache: "no-store",
    credentials: "include",
    keepalive: true,
    mode: "same-origin",
    referrer: expect.stringMatching(/^http:\/\/[^/]+\/page$/),
    referrerPolicy: "no-referrer",
    redirect: "manual",
    body: "{}",
    signed: true,
  });
  expect(got.encoded).toBe(encodeUserData(text));

  // BEC: resolves with the example; the request went to the recording fetch, signed as Node verifies.
  const rid = "d8752367-38e8-45e4-b4c7-e53be3137ce5";
  const $metadata = { httpStatusCode: 200, requestId: rid, attempts: 1, totalRetryDelay: 0 };
  expect(got.bec.sent).toHaveLength(1);
  const [sent] = got.bec.sent;
  const url = new URL(sent.url);
  // With the idempotency token the call carried.
  const clientToken = url.searchParams.get("clientToken");
  expect(clientToken).toMatch(/^[0-9a-f-]{36}$/);
  expect(got.bec.value).toEqual({
    ...examples.BecReinstallResponseExample.value,
    $metadata: { ...$metadata, clientToken },
  });
  expect(sent.headers.authorization).toMatch(/^bce-auth-v1\//);
  // A page cannot set User-Agent: the clients' user agent goes as x-bce-user-agent, and is signed.
  expect(sent.headers["x-bce-user-agent"]).toMatch(/^bce-openapi-js\/\S+ api\/bec browser$/);
  expect(sent.headers.authorization).toMatch(/;x-bce-user-agent\//);
  expect(JSON.parse(sent.body)).toEqual({ ...becRequest, userData: encodeUserData(text) });
  // As a server receives it: fetch adds host and content-length, which a Request's headers do not show.
  const headers = { ...sent.headers, host: url.host, "content-length": String(Buffer.byteLength(sent.body)) };
  const received = { method: "PUT", path: url.pathname, query: url.search, headers };
  expect(await verifyRequest(received, { getSecretAccessKey: () => credentials.secretAccessKey })).toMatchObject({
    ok: true,
  });

  // BCC: the plaintext adminPass goes out encrypted in the page, as Node encrypts it.
  expect(got.bcc.value).toEqual({ requestId: rid, $metadata });
  expect(got.bcc.sent).toHaveLength(1);
  expect(got.bcc.sent[0].headers.authorization).toMatch(/^bce-auth-v1\//);
  expect(JSON.parse(got.bcc.sent[0].body)).toEqual({
    ...bccRequest,
    adminPass: await encryptAdminPass("1qaz@WSX", credentials.secretAccessKey),
  });

  // The browser branch of #platform at work.
  expect(got.noCredentials).toEqual({
    name: "CredentialsError",
    message: "no credentials: pass { credentials } to the client (a browser has no environment variables)",
  });
  expect(got.networkFailure).toEqual({ name: "BceNetworkError", errorCode: "", requestSent: true });

  // A body the spec forbids is refused in the page before anything is sent.
  for (const invalid of [got.becInvalid, got.bccInvalid])
    expect(invalid).toEqual({ error: "BceValidationError", sent: [] });
  expect(problems).toEqual([]);
});

test("on a page that is not a secure context (no Web Crypto), every call fails with a BceError that says why, and nothing is sent", async () => {
  const context = await browser.newContext();
  const origin = `http://${INSECURE_HOST}:${new URL(server.url).port}`;
  const seen = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:")) return route.continue();
    seen.push(`request leaving the machine: ${url}`);
    return route.abort();
  });
  try {
    const insecure = await context.newPage();
    watchPage(insecure, seen);
    await insecure.goto(`${origin}/index.html`, { waitUntil: "load" });
    await insecure.waitForFunction(() => typeof window.insecureChecks === "function", null, { timeout: 30_000 });
    const got = await insecure.evaluate((input) => window.insecureChecks(input), {
      credentials,
      becRequest: examples.BecReinstallRequestExample.value,
      bccRequest: { imageId: examples.BccRebuildRequestExample.value.imageId },
    });
    expect(got.secureContext).toBe(false);
    // Each names what it lacked: BEC's idempotency token needs randomUUID first, the rest subtle.
    const clear = (need) => ({
      bce: true,
      name: "BceError",
      message: `Web Crypto (globalThis.crypto.${need}) is not available here: browsers give it only to secure pages (https:, or http: from localhost)`,
    });
    const subtle = clear("subtle");
    expect(got).toEqual({
      secureContext: false,
      bec: clear("randomUUID"),
      bcc: subtle,
      raw: subtle,
      signRequest: subtle,
      sent: 0,
    });
    expect(seen).toEqual([]);
  } finally {
    await context.close();
  }
});
