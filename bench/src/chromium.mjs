// Debian's Chromium, driven by playwright-core (Playwright's own browser downloads do not work
// on these machines); installed with apt-get when missing and running as root, as the docs tests do.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const PATHS = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);

export function chromiumPath() {
  let found = PATHS.find((path) => existsSync(path));
  if (!found && process.getuid?.() === 0 && !process.env.CHROMIUM_PATH) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
      execFileSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
    }
    found = PATHS.find((path) => existsSync(path));
  }
  if (!found)
    throw new Error(
      `Chromium not found (looked for ${PATHS.join(", ")}): apt-get install -y chromium, or set CHROMIUM_PATH`,
    );
  return found;
}

// Served by the route below, never by a server: a loopback origin is a secure context, which Web
// Crypto needs (about:blank is not).
const PAGE_URL = "http://127.0.0.1/bench.html";

/** A headless page on an empty document of a secure origin; every other request is refused. */
export async function openPage() {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
  const context = await browser.newContext();
  await context.route("**/*", (route) =>
    route.request().url() === PAGE_URL
      ? route.fulfill({ contentType: "text/html", body: '<!doctype html><meta charset="utf-8"><title>bench</title>' })
      : route.abort(),
  );
  const page = await context.newPage();
  await page.goto(PAGE_URL);
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return {
    page,
    errors,
    version: browser.version(),
    close: () => browser.close(),
  };
}
