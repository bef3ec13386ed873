// Runs once before the docs tests: the site must be built, and the browser tests need Chromium.
// One Chromium serves every test file (each connects and opens contexts of its own, see
// connectChromium): a launch costs seconds of CPU on a busy two-core machine.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { chromiumArgs, findChromium } from "./chromium.mjs";
import { distDir } from "./helpers.mjs";

/** A host name the browser resolves to 127.0.0.1: a page on it is not a secure context (runtime.test.mjs). */
export const INSECURE_HOST = "insecure.test";

export default async function setup({ provide }) {
  if (!existsSync(join(distDir, "index.html"))) {
    throw new Error(`docs/dist is missing: build it first (pnpm run docs at the root, or pnpm test, which builds it)`);
  }
  const server = await chromium.launchServer({
    executablePath: findChromium(),
    headless: true,
    args: chromiumArgs(INSECURE_HOST),
  });
  provide("chromiumEndpoint", server.wsEndpoint());
  return () => server.close();
}

/** The shared Chromium, for one test file: close() at the end closes what the file opened in it. */
export function connectChromium(inject) {
  const endpoint = inject("chromiumEndpoint");
  // Without docs/vitest.config.mjs (vitest run from another folder) this set-up never ran.
  if (!endpoint)
    throw new Error("no shared Chromium: run the docs tests from docs/ (its vitest.config.mjs starts one)");
  return chromium.connect(endpoint);
}
