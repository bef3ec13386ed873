// Each translation was made from the English it replaces, as overlays/<locale>.sources.json
// records it (scripts/translations-lock.mjs): English changed since then leaves a stale
// translation, which the docs would show beside the new English.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { currentSources, locales, overlaysDir } from "../scripts/translations-lock.mjs";

it.each(locales())("%s: every translation is of the English the bundle has now", (locale) => {
  const recorded = JSON.parse(readFileSync(join(overlaysDir, `${locale}.sources.json`), "utf8"));
  const current = currentSources(locale);
  const stale = Object.keys(current).filter((where) => recorded[where] !== current[where]);
  const gone = Object.keys(recorded).filter((where) => !(where in current));
  expect(Object.keys(current).length).toBeGreaterThan(100);
  expect(
    [...stale, ...gone],
    `English changed since its translation in overlays/${locale}.yaml was made: translate it anew, then run \`pnpm --filter @bce-openapi/spec translations:lock\``,
  ).toEqual([]);
});
