// What the seed errata say the spec does is checked against the spec: each entry's `checks`
// (docs/errata/errata.yaml) must hold on the English bundle, spec/dist/openapi.json, so that a spec
// change that makes an entry stale fails here. An entry whose spec text claims nothing a pointer
// can reach says why (`unchecked`); the loader refuses an entry with neither or both.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  checkFailure,
  checkFailures,
  errataEntries,
  errataMentions,
  errataSource,
  loadErrata,
  pointerToken,
  renderErrata,
} from "../scripts/errata.mjs";
import { locales } from "../scripts/site.mjs";
import { loadSpec } from "./helpers.mjs";

const codes = locales.map((l) => l.code);
const errata = loadErrata(codes);
const entries = errataEntries(errata);
const spec = loadSpec("en");

describe("every errata entry's spec text holds on spec/dist/openapi.json", () => {
  it.each(entries.map(({ id, entry }) => [id, entry]))("%s", (id, entry) => {
    if (entry.unchecked !== undefined) {
      // A reason a reader of the source can follow: English, one short sentence or two.
      expect(entry.unchecked, id).toMatch(/^[\x20-\x7E]{10,200}$/);
      return;
    }
    const failures = checkFailures(spec, entry);
    expect(failures, `errata entry ${id} no longer matches the spec:\n- ${failures.join("\n- ")}`).toEqual([]);
  });

  it("most entries are checked", () => {
    const unchecked = entries.filter(({ entry }) => entry.unchecked !== undefined);
    expect(unchecked.length, unchecked.map((e) => e.id).join(", ")).toBeLessThanOrEqual(entries.length / 10);
  });
});

describe.each(locales.map((l) => [l.code, l]))("the %s bundle's mentions of the seed errata", (code, locale) => {
  const bundle = loadSpec(code);
  const mention = new RegExp(locale.errataMention, "i");
  /** The JSON pointer of every node whose own description mentions the errata. */
  const mentioning = [];
  const visit = (node, pointer) => {
    if (!node || typeof node !== "object") return;
    if (typeof node.description === "string" && mention.test(node.description)) mentioning.push(pointer);
    for (const [key, value] of Object.entries(node)) visit(value, `${pointer}/${pointerToken(key)}`);
  };
  visit(bundle, "");

  it("each names its entry (mentionedAt), so that the docs link the entry, not the page's top", () => {
    // The introduction speaks of the errata as a whole.
    expect(mentioning.filter((at) => at !== "/info").sort()).toEqual([...errataMentions(errata).keys()].sort());
  });
});

describe("the checks", () => {
  const doc = {
    paths: { "/a/{b}": { get: { parameters: [{ $ref: "#/components/parameters/B" }] } } },
    components: {
      parameters: { B: { name: "b", in: "path", schema: { $ref: "#/components/schemas/Id" } } },
      schemas: { Id: { type: ["string", "null"], pattern: "^x$", description: "An ID." } },
    },
  };
  const holds = (check) => checkFailure(doc, check) === undefined;

  it("follow the $refs met on the way, and not the one pointed at", () => {
    expect(holds({ at: "/paths/~1a~1{b}/get/parameters/0/schema/pattern", is: "^x$" })).toBe(true);
    expect(holds({ at: "/paths/~1a~1{b}/get/parameters/0/schema/$ref", is: "#/components/schemas/Id" })).toBe(true);
    expect(holds({ at: "/components/parameters/B/schema", is: doc.components.schemas.Id })).toBe(false);
  });

  it("compare deeply, test arrays by item and strings by substring", () => {
    expect(holds({ at: "/components/schemas/Id/type", is: ["string", "null"] })).toBe(true);
    expect(holds({ at: "/components/schemas/Id/type", is: ["null", "string"] })).toBe(false);
    expect(holds({ at: "/components/schemas/Id/type", includes: "null" })).toBe(true);
    expect(holds({ at: "/components/schemas/Id/type", excludes: "null" })).toBe(false);
    expect(holds({ at: "/components/schemas/Id/description", includes: "ID" })).toBe(true);
    expect(holds({ at: "/components/schemas/Id/description", excludes: "id" })).toBe(true);
    expect(holds({ at: "/components/parameters/B/in", includes: "p" })).toBe(true);
    expect(holds({ at: "/components/schemas/Id", includes: "type" })).toBe(false);
  });

  it("want a parent for absent, and a value for the others: a mistyped pointer fails", () => {
    expect(holds({ at: "/components/schemas/Id/format", absent: true })).toBe(true);
    expect(holds({ at: "/components/schemas/Id/pattern", absent: true })).toBe(false);
    expect(holds({ at: "/components/schemas/Ib/format", absent: true })).toBe(false);
    expect(holds({ at: "/components/schemas/Ib/format", excludes: "x" })).toBe(false);
  });

  it("name the pointer, what was expected and what was found", () => {
    expect(checkFailure(doc, { at: "/components/schemas/Id/pattern", is: "^y$" })).toBe(
      '/components/schemas/Id/pattern: expected "^y$", actual "^x$"',
    );
    expect(checkFailure(doc, { at: "/components/schemas/Id/pattern", absent: true })).toBe(
      '/components/schemas/Id/pattern: expected absent, actual "^x$"',
    );
  });
});

describe("the loader", () => {
  const dir = mkdtempSync(join(tmpdir(), "errata-checks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const source = parse(readFileSync(errataSource, "utf8"));
  /** loadErrata on a copy of the source with the first entry changed by `change`. */
  const loadChanged = (change) => {
    const copy = structuredClone(source);
    change(copy.sections[0].entries[0]);
    const file = join(dir, "errata.yaml");
    writeFileSync(file, stringify(copy));
    return () => loadErrata(codes, file);
  };
  const first = source.sections[0].entries[0];

  it("loads an unchanged copy", () => {
    expect(loadChanged(() => {})().sections[0].entries[0].id).toBe(first.id);
  });

  it("refuses an entry with neither checks nor unchecked, naming it", () => {
    expect(
      loadChanged((entry) => {
        delete entry.checks;
        delete entry.unchecked;
      }),
    ).toThrow(`errata: ${first.id} needs exactly one of \`checks\` and \`unchecked\` (it has neither)`);
  });

  it.each([
    [
      "both checks and unchecked",
      (entry) => Object.assign(entry, { checks: [{ at: "/x", absent: true }], unchecked: "A reason." }),
      /has both/,
    ],
    [
      "an empty list of checks",
      (entry) => Object.assign(entry, { checks: [], unchecked: undefined }),
      /checks is not a non-empty list/,
    ],
    [
      "an empty reason",
      (entry) => Object.assign(entry, { checks: undefined, unchecked: " " }),
      /unchecked is not a reason/,
    ],
    [
      "a check of two kinds",
      (entry) => Object.assign(entry, { checks: [{ at: "/x", is: 1, absent: true }] }),
      /check 1 needs exactly one of/,
    ],
    ["a check of no kind", (entry) => Object.assign(entry, { checks: [{ at: "/x" }] }), /check 1 needs exactly one of/],
    [
      "a check without a pointer",
      (entry) => Object.assign(entry, { checks: [{ at: "x", is: 1 }] }),
      /check 1 has no JSON pointer/,
    ],
    [
      "a check with an unknown key",
      (entry) => Object.assign(entry, { checks: [{ at: "/x", equals: 1 }] }),
      /check 1 has unknown keys equals/,
    ],
    [
      "absent: false",
      (entry) => Object.assign(entry, { checks: [{ at: "/x", absent: false }] }),
      /check 1 has `absent` other than true/,
    ],
  ])("refuses %s, naming the entry", (_, change, message) => {
    const load = loadChanged((entry) => {
      change(entry);
      for (const key of ["checks", "unchecked"]) if (entry[key] === undefined) delete entry[key];
    });
    expect(load).toThrow(message);
    expect(load).toThrow(`errata: ${first.id} `);
  });
});

it("the pages carry neither checks nor the reasons for none", () => {
  for (const code of codes) {
    const markdown = renderErrata(errata, code, "Errata");
    for (const { id, entry } of entries) {
      if (entry.unchecked) expect(markdown, id).not.toContain(entry.unchecked);
      for (const check of entry.checks ?? []) expect(markdown, id).not.toContain(check.at);
    }
    expect(markdown).not.toMatch(/\bunchecked\b|\bchecks:/);
  }
});
