// The clients as a web page runs them: bundled for the browser, in a real Chromium, calling the
// mock on another loopback origin. What only a page meets is checked here: Web Crypto signing,
// fetch, the `x-bce-user-agent` header, the mock's CORS answers (preflights, exposed headers), and
// the errors a page's code gets.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CHROMIUM_ARGS, findChromium } from "@bce-openapi/docs/chromium";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "@bce-openapi/mock";
import { build, type Metafile } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examples } from "./helpers.js";

let mock: MockServer;
let site: Server;
let browser: Browser;
let page: Page;
let metafile: Metafile;

beforeAll(async () => {
  const bundled = await build({
    stdin: {
      contents: [
        'import { createBecClient } from "@bce-openapi/bec";',
        'import { createBccClient } from "@bce-openapi/bcc";',
        "globalThis.clients = { createBecClient, createBccClient };",
      ].join("\n"),
      resolveDir: import.meta.dirname,
      loader: "js",
    },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  metafile = bundled.metafile;
  const script = bundled.outputFiles[0]!.text;
  site = createServer((req, res) => {
    if (req.url === "/app.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end('<!doctype html><meta charset="utf-8"><title>app</title><script type="module" src="/app.js"></script>');
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  mock = await startMock({ port: 0 });
  browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
  // No request routing: Playwright would answer the CORS preflights itself, and the mock's would go
  // untested. The page loads from one loopback server and calls the other, nothing else.
  const context = await browser.newContext();
  page = await context.newPage();
  await page.goto(`http://127.0.0.1:${siteAddress().port}/`);
  await page.waitForFunction(() => "clients" in globalThis);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await mock?.close();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
});

const siteAddress = () => site.address() as AddressInfo;

type Outcome =
  | { ok: true; value: { requestId?: string; $metadata: { requestId?: string; attempts: number } } }
  | { ok: false; error: { name: string; code?: string; status?: number; message: string } };

/** Runs one client method in the page, as a page's code would, and brings back what it came to. */
function inPage(service: "bec" | "bcc", args: unknown[], clientOptions: object = {}): Promise<Outcome> {
  return page.evaluate(
    async ({ service, args, options }) => {
      const { createBecClient, createBccClient } = (
        globalThis as unknown as {
          clients: {
            createBecClient: (o: object) => { reinstallVmInstance: (...a: unknown[]) => Promise<never> };
            createBccClient: (o: object) => { rebuildInstance: (...a: unknown[]) => Promise<never> };
          };
        }
      ).clients;
      try {
        const value =
          service === "bec"
            ? await createBecClient(options).reinstallVmInstance(...args)
            : await createBccClient(options).rebuildInstance(...args);
        return { ok: true, value } as Outcome;
      } catch (e) {
        const { name, code, status, message } = e as { name: string; code?: string; status?: number; message: string };
        return { ok: false, error: { name, code, status, message } } as Outcome;
      }
    },
    {
      service,
      args,
      options: {
        endpoint: mock.url,
        credentials: DEFAULT_CREDENTIALS,
        retry: { baseDelayMs: 1, maxDelayMs: 1 },
        ...clientOptions,
      },
    },
  );
}

describe("the clients in Chromium, against the mock on another origin", () => {
  it("bundle for the browser without Node's modules: Web Crypto signs and fetch sends", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((input) => /(^|:)node:|\bnode_modules\/(undici|ws)\b/.test(input))).toEqual([]);
    expect(inputs.some((input) => input.endsWith("core/dist/signing/hmac-web.js"))).toBe(true);
    expect(inputs.some((input) => input.endsWith("core/dist/platform/browser.js"))).toBe(true);
    expect(inputs.some((input) => /hmac-node|platform\/server/.test(input))).toBe(false);
  });

  it("a BEC reinstall and a BCC rebuild are signed, sent cross-origin, verified and answered", async () => {
    mock.reset();
    const bec = await inPage("bec", ["vm-6ahy6dli", examples.becRequest]);
    expect(bec).toMatchObject({ ok: true, value: { $metadata: { attempts: 1 } } });
    const bcc = await inPage("bcc", ["i-YufwpQAe", { imageId: "m-mRjO3cjs", adminPass: "1qaz@WSX" }]);
    expect(bcc).toMatchObject({ ok: true, value: { $metadata: { attempts: 1 } } });
    const entries = mock.journal.entries();
    const calls = entries.filter((entry) => entry.method === "PUT");
    expect(calls.map((entry) => [entry.operationId, entry.signature, entry.answer?.status])).toEqual([
      ["reinstallVmInstance", "verified", 200],
      ["rebuildInstance", "verified", 200],
    ]);
    // The page's own User-Agent stays; the client's goes as x-bce-user-agent, and is signed.
    for (const entry of calls) {
      expect(entry.headers["x-bce-user-agent"]).toMatch(/^bce-openapi-js\/\S+ api\/(bec|bcc) browser$/);
      expect(entry.headers["user-agent"]).toMatch(/Chrome\//);
      expect(entry.headers.authorization).toMatch(/x-bce-user-agent/);
    }
    // BCC's password left the page encrypted (AES-128-ECB under the secret key, in hex).
    expect(JSON.parse(calls[1]!.body).adminPass).toMatch(/^[0-9a-f]{32}$/);
    // Every cross-origin PUT was preceded by a preflight the mock answered.
    expect(entries.filter((entry) => entry.method === "OPTIONS").map((entry) => entry.answer?.status)).toEqual([
      204, 204,
    ]);
  });

  it("an error a BEC gateway gives in headers reaches the page's BceServiceError (the mock exposes them)", async () => {
    mock.reset();
    mock.faults.enqueue("reinstallVmInstance", {
      status: 403,
      code: "AccountArrears",
      message: "The account is in arrears.",
      form: "bec-gateway",
    });
    const outcome = await inPage("bec", ["vm-6ahy6dli", examples.becRequest]);
    expect(outcome).toMatchObject({
      ok: false,
      error: { name: "BceServiceError", status: 403, code: "AccountArrears" },
    });
    expect(!outcome.ok && outcome.error.message).toMatch(/^AccountArrears: The account is in arrears\. /);
  });

  it("a 503 is retried with the same token, and the request id read from the answer", async () => {
    mock.reset();
    mock.faults.enqueue("reinstallVmInstance", [{ status: 503 }, {}]);
    const outcome = await inPage("bec", ["vm-6ahy6dli", examples.becRequest]);
    expect(outcome).toMatchObject({ ok: true, value: { $metadata: { attempts: 2 } } });
    expect(outcome.ok && outcome.value.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const tokens = mock.journal
      .entries()
      .filter((entry) => entry.method === "PUT")
      .map((entry) => new URLSearchParams(entry.query).get("clientToken"));
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBeTruthy();
    expect(tokens[1]).toBe(tokens[0]);
    expect(mock.actions()).toEqual({ reinstallVmInstance: 1 });
  });
});
