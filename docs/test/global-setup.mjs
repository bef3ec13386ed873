// Runs once before the docs tests: the site must be built, and the browser tests need Chromium.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ensureChromium } from "./chromium.mjs";
import { distDir } from "./helpers.mjs";

export default function setup({ provide }) {
  if (!existsSync(join(distDir, "index.html"))) {
    throw new Error(`docs/dist is missing: build it first (pnpm run docs at the root, or pnpm test, which builds it)`);
  }
  provide("chromiumPath", ensureChromium());
}
