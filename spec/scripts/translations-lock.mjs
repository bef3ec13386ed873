// Records, for each translation in overlays/<locale>.yaml, a hash of the English text it replaces
// (overlays/<locale>.sources.json). spec/test/translations.test.mjs compares them with the English
// of the bundle: an English text changed since its translation was made fails the test, naming it.
// Run after translating anew: `pnpm --filter @bce-openapi/spec translations:lock` (which bundles first).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { replacedTexts } from "./overlay.mjs";

const specDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const overlaysDir = join(specDir, "overlays");

/** A short hash of an English text, as the lock records it. */
export const textHash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** The lock a locale's overlay has against the English bundle now: { where: hash }. */
export function currentSources(locale) {
  const english = JSON.parse(readFileSync(join(specDir, "dist/openapi.json"), "utf8"));
  const overlay = parse(readFileSync(join(overlaysDir, `${locale}.yaml`), "utf8"));
  return Object.fromEntries(replacedTexts(english, overlay).map(([where, text]) => [where, textHash(text)]));
}

export const locales = () =>
  readdirSync(overlaysDir)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => name.slice(0, -".yaml".length));

if (process.argv[1] === fileURLToPath(import.meta.url))
  for (const locale of locales()) {
    const file = join(overlaysDir, `${locale}.sources.json`);
    writeFileSync(file, `${JSON.stringify(currentSources(locale), null, 2)}\n`);
    console.log(
      `translations: overlays/${locale}.sources.json records the English of ${Object.keys(currentSources(locale)).length} texts`,
    );
  }
