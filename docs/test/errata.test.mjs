// The seed errata exists in both languages, from one source: both built pages carry every entry
// of docs/errata/errata.yaml, in the same order, in their own language.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { errataEntries, loadErrata } from "../scripts/errata.mjs";
import { errataPath, locales } from "../scripts/site.mjs";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const errata = loadErrata(locales.map((l) => l.code));
const entries = errataEntries(errata);
const CJK = /[\u4e00-\u9fff]/;

test("the source has entries for both services and for the splits between client and service", () => {
  expect(entries.length).toBeGreaterThan(30);
  expect(new Set(entries.map((e) => e.section))).toEqual(new Set(["bec", "bcc", "both"]));
  expect(entries.filter((e) => e.entry.client).length).toBeGreaterThanOrEqual(6);
});

describe.each(locales.map((l) => [l.code, l]))("%s pages", (code, locale) => {
  const html = readFileSync(join(dist, errataPath(code)), "utf8");
  const markdown = readFileSync(join(dist, errataPath(code).replace(/\.html$/, ".md")), "utf8");

  test("carry every entry once, in the source's order, with its title in this language", () => {
    const anchors = [...markdown.matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]);
    expect(anchors).toEqual(entries.map((e) => e.id));
    for (const { id, number, entry } of entries) {
      expect(html, id).toContain(`id="${id}"`);
      expect(markdown, id).toContain(`### ${number}. ${entry.title[code]}`);
      for (const key of ["seed", "spec", "why", "client"])
        if (entry[key]) expect(markdown, `${id} ${key}`).toContain(entry[key][code].trim());
    }
  });

  test("are in their language and link the other language's page", () => {
    expect(html).toContain(`<html lang="${code}"`);
    expect(html).toContain(`<h1>${locale.errataTitle}</h1>`);
    for (const { entry } of entries) expect(CJK.test(entry.why[code]), entry.why[code]).toBe(code === "zh-CN");
    for (const other of locales.filter((l) => l !== locale)) expect(html).toContain(`hreflang="${other.code}"`);
  });
});

test("no errata page is left from before the one source", () => {
  expect(existsSync(fileURLToPath(new URL("../seed-errata.md", import.meta.url)))).toBe(false);
});
