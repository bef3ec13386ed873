// Debian's Chromium, driven by playwright-core, found (or installed) as the docs tests find it.
import { CHROMIUM_ARGS, findChromium } from "@bce-openapi/docs/chromium";
import { chromium } from "playwright-core";

// Served by the route below, never by a server: a loopback origin is a secure context, which Web
// Crypto needs (about:blank is not).
const PAGE_URL = "http://127.0.0.1/bench.html";

/**
 * A headless page on an empty document of a secure origin; every other request is refused. With
 * `url`, the page is that one (a loopback server's, which it may then call): nothing is routed.
 */
export async function openPage({ url } = {}) {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext();
  if (!url)
    await context.route("**/*", (route) =>
      route.request().url() === PAGE_URL
        ? route.fulfill({ contentType: "text/html", body: '<!doctype html><meta charset="utf-8"><title>bench</title>' })
        : route.abort(),
    );
  const page = await context.newPage();
  await page.goto(url ?? PAGE_URL);
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return {
    page,
    errors,
    version: browser.version(),
    close: () => browser.close(),
  };
}
