// The seed errata, one source (errata/errata.yaml) for both languages: each entry's title, what
// the source says, what the spec does and why, and the client rule where the clients stay
// stricter than the service. Rendered to Markdown per language; build.mjs turns it into pages.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const errataSource = join(import.meta.dirname, "..", "errata", "errata.yaml");

/** The parsed errata, checked: every text in every language of `codes`, every id unique. */
export function loadErrata(codes) {
  const errata = parse(readFileSync(errataSource, "utf8"));
  const ids = new Set();
  const need = (text, where) => {
    for (const code of codes)
      if (typeof text?.[code] !== "string" || !text[code].trim())
        throw new Error(`errata: ${where} has no ${code} text`);
  };
  need(errata.intro, "intro");
  for (const key of ["seed", "spec", "why", "client"]) need(errata.labels?.[key], `label ${key}`);
  for (const code of codes)
    if (typeof errata.labels?.colon?.[code] !== "string") throw new Error(`errata: label colon has no ${code} text`);
  for (const section of errata.sections) {
    need(section.title, `section ${section.id}`);
    for (const entry of section.entries) {
      if (!/^[a-z0-9-]+$/.test(entry.id ?? "") || ids.has(entry.id))
        throw new Error(`errata: missing, malformed or duplicate id ${entry.id}`);
      ids.add(entry.id);
      for (const key of ["title", "seed", "spec", "why"]) need(entry[key], `${entry.id} ${key}`);
      if (entry.client) need(entry.client, `${entry.id} client`);
    }
  }
  return errata;
}

/** Every entry, in page order: [{ id, section, number }]. */
export function errataEntries(errata) {
  let number = 0;
  return errata.sections.flatMap((section) =>
    section.entries.map((entry) => ({ id: entry.id, section: section.id, number: ++number, entry })),
  );
}

/** The errata page in one language, as Markdown; each entry is anchored by its id. */
export function renderErrata(errata, code, heading) {
  const label = (key) => `**${errata.labels[key][code]}**${errata.labels.colon[code]}`;
  const out = [`# ${heading}`, "", errata.intro[code].trim(), ""];
  let number = 0;
  for (const section of errata.sections) {
    out.push(`## ${section.title[code]}`, "");
    for (const entry of section.entries) {
      number += 1;
      out.push(`<a id="${entry.id}"></a>`, "", `### ${number}. ${entry.title[code]}`, "");
      out.push(`- ${label("seed")}${entry.seed[code].trim()}`);
      out.push(`- ${label("spec")}${entry.spec[code].trim()}`);
      out.push(`- ${label("why")}${entry.why[code].trim()}`);
      if (entry.client) out.push(`- ${label("client")}${entry.client[code].trim()}`);
      out.push("");
    }
  }
  return out.join("\n");
}
