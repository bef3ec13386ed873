// The mock from a browser: a page served from one loopback port calls the mock on another with
// the browser build of each client (bundled as in runtime.test.mjs) in Debian's Chromium. With
// the default CORS setting the preflight is answered without a signature and both calls succeed;
// the page can read a scripted error's code and request id, and correct its clock from the Date
// of RequestTimeTooSkewed. A mock that does not allow the page's origin refuses it: Chromium
// blocks the call and the mock acts on nothing.
import { once } from "node:events";
import { createServer } from "node:http";
import { builtinModules } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { connectChromium } from "./global-setup.mjs";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { DEFAULT_CREDENTIALS, startMock } from "@bce-openapi/mock";
import { serveStatic } from "../scripts/static-server.mjs";
import { docsDir, loadSpec } from "./helpers.mjs";

const examples = loadSpec("en").components.examples;
const nodeBuiltin = new RegExp(`^(node:|(${builtinModules.join("|")})(/|$))`);

// The page's side: one call of either client, its outcome as plain data.
const ENTRY = `
import { createBecClient } from "@bce-openapi/bec";
import { createBccClient } from "@bce-openapi/bcc";
window.callMock = async ({ endpoint, credentials, which, prefer, becBody, trace, retry = { maxAttempts: 1 } }) => {
  // Prefer is added after signing by the caller's fetch (it is not a signed header).
  const fetch = prefer ? (r) => { const headers = new Headers(r.headers); headers.set("prefer", prefer); return globalThis.fetch(new Request(r, { headers })); } : undefined;
  const options = { endpoint, credentials, retry, ...(fetch ? { fetch } : {}) };
  const client = which === "bec" ? createBecClient(options) : createBccClient(options);
  // The getting-started guide's middleware: a header of the caller's own, sent unsigned.
  if (trace) client.raw.use({ onRequest({ request }) { request.headers.set("x-my-trace-id", trace); } });
  try {
    const value = which === "bec"
      ? await client.reinstallVmInstance("vm-6ahy6dli", becBody)
      : await client.rebuildInstance("i-YufwpQAe", { imageId: "m-mRjO3cjs", adminPass: "1qaz@WSX" });
    return { value };
  } catch (error) {
    return { error: error.name, status: error.status, code: error.code, requestId: error.requestId };
  }
};`;

let dir, page$, server, browser, page, open, closed, behind, redirector;
const problems = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bce-openapi-mock-cors-"));
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: docsDir, sourcefile: "mock-cors-entry.mjs" },
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
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
  writeFileSync(join(dir, "bundle.js"), bundle.outputFiles[0].text);
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="bundle.js"></script>`,
  );
  server = await serveStatic(dir, { port: 0 });
  open = await startMock(); // CORS default: loopback origins
  closed = await startMock({ cors: ["http://app.example"] });
  behind = await startMock({ now: () => Date.now() - 3600_000 }); // the mock's clock an hour behind the page's
  redirector = await redirectingServer(() => open.url);
  browser = await connectChromium(inject);
  // No context.route() here: with request interception on, Chromium leaves CORS preflights to the
  // interceptor, and the preflights are what this file tests. Requests are watched instead.
  const context = await browser.newContext();
  page = await context.newPage();
  const local = () => [server.url, open.url, closed.url, behind.url, redirector.url];
  page.on("request", (request) => {
    const url = request.url();
    if (!local().some((u) => url.startsWith(u)) && !url.startsWith("data:"))
      problems.push(`request leaving the machine: ${url}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.goto(new URL("index.html", server.url).toString(), { waitUntil: "load" });
  await page.waitForFunction(() => typeof window.callMock === "function", null, { timeout: 30_000 });
  page$ = (args) =>
    page.evaluate((a) => window.callMock(a), {
      credentials: DEFAULT_CREDENTIALS,
      becBody: examples.BecReinstallRequestExample.value,
      ...args,
    });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.close(), open?.close(), closed?.close(), behind?.close(), redirector?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * A loopback server that lets the page's origin call it (CORS preflight answered) and answers
 * every PUT with a 307 to the same path on `target()`, recording the methods it was sent.
 */
async function redirectingServer(target) {
  const received = [];
  const http = createServer((request, response) => {
    received.push(request.method);
    const cors = {
      "access-control-allow-origin": request.headers.origin ?? "*",
      "access-control-allow-methods": "PUT",
      "access-control-allow-headers": request.headers["access-control-request-headers"] ?? "",
    };
    if (request.method === "OPTIONS") return response.writeHead(204, cors).end();
    request.resume();
    response.writeHead(307, { ...cors, location: target() + request.url }).end();
  });
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    received,
    close: () => new Promise((resolve) => http.close(resolve)),
  };
}

test("the page and the mock are on different loopback ports (a cross-origin call)", () => {
  expect(new URL(server.url).port).not.toBe(new URL(open.url).port);
  expect(new URL(server.url).hostname).toBe("127.0.0.1");
});

test("both clients succeed from the page: preflight answered unsigned, the call signed and verified", async () => {
  open.reset();
  // Neither call shows in the browser's network log as failed: BCC's empty success body is not
  // cancelled (which Chromium logs as net::ERR_ABORTED). Each PUT's last event says how it ended.
  const ended = (path) =>
    new Promise((resolve) => {
      const mine = (request) => request.method() === "PUT" && new URL(request.url()).pathname === path;
      const finished = (request) => mine(request) && done("finished");
      const failed = (request) => mine(request) && done(`failed: ${request.failure()?.errorText}`);
      const done = (how) => {
        page.off("requestfinished", finished).off("requestfailed", failed);
        resolve(how);
      };
      page.on("requestfinished", finished).on("requestfailed", failed);
    });
  const becEnded = ended("/v1/vm/instance/vm-6ahy6dli/system/reinstall");
  const bccEnded = ended("/v2/instance/i-YufwpQAe");
  const becResult = await page$({ endpoint: open.url, which: "bec" });
  // The body as the spec's example gives it, beside the call's $metadata.
  expect(becResult.value).toEqual({
    ...examples.BecReinstallResponseExample.value,
    $metadata: expect.objectContaining({ httpStatusCode: 200 }),
  });
  const bccResult = await page$({ endpoint: open.url, which: "bcc" });
  expect(bccResult.value.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(await Promise.all([becEnded, bccEnded])).toEqual(["finished", "finished"]);

  const entries = open.journal.entries();
  const origin = new URL(server.url).origin;
  for (const operationId of ["reinstallVmInstance", "rebuildInstance"]) {
    const mine = entries.filter((e) => e.operationId === operationId);
    expect(mine.map((e) => [e.method, e.answer.status, e.signature])).toEqual([
      ["OPTIONS", 204, "not-checked"],
      ["PUT", 200, "verified"],
    ]);
    expect(mine.every((e) => e.headers.origin === origin)).toBe(true);
  }
  expect(open.actions()).toEqual({ reinstallVmInstance: 1, rebuildInstance: 1 });
  expect(problems).toEqual([]);
});

test("a header of the page's own (the guide's tracing middleware) is let through the preflight and sent", async () => {
  open.reset();
  const result = await page$({ endpoint: open.url, which: "bec", trace: "trace-1" });
  expect(result.value?.$metadata.httpStatusCode).toBe(200);
  const [preflight, put] = open.journal.entries();
  expect(preflight.headers["access-control-request-headers"]).toContain("x-my-trace-id");
  expect([put.method, put.signature, put.headers["x-my-trace-id"]]).toEqual(["PUT", "verified", "trace-1"]);
});

test("the page reads a chosen error's code and request id (Prefer allowed, x-bce-request-id exposed)", async () => {
  open.reset();
  const result = await page$({ endpoint: open.url, which: "bcc", prefer: "code=503" });
  expect(result).toMatchObject({ error: "BceServiceError", status: 503, code: "ServiceUnavailable" });
  expect(result.requestId).toBe(open.journal.entries().at(-1).requestId);
});

test("a scripted fault reaches the page like the real thing", async () => {
  open.reset();
  open.faults.enqueue("reinstallVmInstance", { status: 500 });
  const result = await page$({ endpoint: open.url, which: "bec" });
  expect(result).toMatchObject({ error: "BceServiceError", status: 500, code: "InternalError" });
});

test("the page waits a scripted Retry-After out before it retries (Retry-After exposed)", async () => {
  open.reset();
  open.faults.enqueue("rebuildInstance", { status: 429, retryAfter: 1 });
  // No backoff of its own: only the Retry-After the page can read makes it wait.
  const result = await page$({
    endpoint: open.url,
    which: "bcc",
    retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 5000 },
  });
  expect(result.value.$metadata).toMatchObject({ attempts: 2, totalRetryDelay: 1000 });
});

test("the page corrects its clock from the Date of RequestTimeTooSkewed (Date exposed)", async () => {
  const result = await page$({ endpoint: behind.url, which: "bec" });
  expect(result.value).toEqual({
    ...examples.BecReinstallResponseExample.value,
    $metadata: expect.objectContaining({ httpStatusCode: 200 }),
  });
  const puts = behind.journal.entries().filter((e) => e.method === "PUT");
  expect(puts.map((e) => e.answer.code ?? e.answer.status)).toEqual(["RequestTimeTooSkewed", 200]);
});

test("a mock that does not allow the page's origin is refused by the browser, and acts on nothing", async () => {
  for (const which of ["bec", "bcc"]) {
    const result = await page$({ endpoint: closed.url, which });
    expect(result.error).toBe("BceNetworkError");
  }
  const entries = closed.journal.entries();
  expect(entries.length).toBeGreaterThan(0);
  expect(
    entries.every((e) => e.method === "OPTIONS" && e.answer.status === 403 && e.answer.code === "AccessDenied"),
  ).toBe(true);
  expect(closed.actions()).toEqual({});
  expect(problems).toEqual([]);
});

test("a redirect is not followed from the page: the signed call reaches no other server", async () => {
  for (const which of ["bec", "bcc"]) {
    open.reset();
    redirector.received.length = 0;
    const result = await page$({ endpoint: redirector.url, which });
    // The browser shows the redirect only as an opaque answer, which the client refuses.
    expect(result.error).toBe("BceResponseError");
    expect(redirector.received).toEqual(["OPTIONS", "PUT"]);
    expect(open.journal.entries()).toEqual([]);
  }
  expect(problems).toEqual([]);
});
