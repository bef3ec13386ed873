// Both languages describe everything: every operation, parameter, response, header, example,
// schema and property has its text in English (the spec) and in Chinese (the zh-CN overlay).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { applyOverlay } from "../../spec/scripts/overlay.mjs";
import { pointerToken } from "../scripts/errata.mjs";
import { distDir, loadSpec, operations, SAMPLE_COMMENTS, splitComments } from "./helpers.mjs";

const en = loadSpec("en");
const zh = loadSpec("zh-CN");
const CJK = /[\u4e00-\u9fff]/;
const TEXT_KEYS = new Set(["title", "summary", "description", "x-enumDescriptions"]);

const at = (doc, pointer) =>
  pointer
    .split("/")
    .slice(1)
    .reduce((node, key) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
const resolve = (doc, node) => (node?.$ref ? at(doc, node.$ref.slice(1)) : node);

/** [where, pointer of the object holding the text, text key] for everything a reader must see described. */
function describedElements(doc) {
  const out = [];
  const need = (where, pointer, key = "description") => out.push([where, pointer, key]);

  need("API", "/info", "title");
  need("API", "/info");
  doc.tags.forEach((tag, i) => {
    need(`tag ${tag.name}`, `/tags/${i}`);
  });
  for (const [path, method, op, item] of operations(doc)) {
    const base = `/paths/${pointerToken(path)}`;
    const name = op.operationId;
    need(name, `${base}/${method}`, "summary");
    need(name, `${base}/${method}`);
    (item.servers ?? []).forEach((server, i) => {
      need(`${name} server`, `${base}/servers/${i}`);
      for (const variable of Object.keys(server.variables ?? {}))
        need(`${name} server variable ${variable}`, `${base}/servers/${i}/variables/${variable}`);
    });
    (op.parameters ?? []).forEach((p, i) => {
      if (!p.$ref) need(`${name} parameter ${p.name}`, `${base}/${method}/parameters/${i}`);
    });
    if (op.requestBody && !op.requestBody.$ref) need(`${name} request body`, `${base}/${method}/requestBody`);
    for (const [status, response] of Object.entries(op.responses))
      if (!response.$ref) need(`${name} response ${status}`, `${base}/${method}/responses/${status}`);
  }
  for (const kind of ["parameters", "headers", "responses", "securitySchemes"]) {
    for (const key of Object.keys(doc.components[kind] ?? {})) need(`${kind} ${key}`, `/components/${kind}/${key}`);
  }
  for (const key of Object.keys(doc.components.examples ?? {}))
    need(`example ${key}`, `/components/examples/${key}`, "summary");
  for (const [key, schema] of Object.entries(doc.components.schemas))
    schemaElements(doc, `schema ${key}`, `/components/schemas/${key}`, schema, need, true);
  return out;
}

function schemaElements(doc, where, pointer, schema, need, named = false) {
  // A property that only points at a named schema is described by that schema.
  if (schema.$ref && !named && Object.keys(schema).length === 1) {
    expect(resolve(doc, schema)?.description, `${where} -> ${schema.$ref}`).toBeTruthy();
    return;
  }
  need(where, pointer);
  if (schema["x-enumDescriptions"]) {
    // An open enumeration (x-bce-open-enum) lists its known values in an anyOf branch.
    const target = schema.enum ? schema : resolve(doc, schema);
    const values = target?.enum ?? target?.anyOf?.find((branch) => Array.isArray(branch.enum))?.enum ?? [];
    expect(Object.keys(schema["x-enumDescriptions"]).sort(), `${where} x-enumDescriptions`).toEqual([...values].sort());
    need(where, pointer, "x-enumDescriptions");
  }
  for (const [name, property] of Object.entries(schema.properties ?? {}))
    schemaElements(doc, `${where}.${name}`, `${pointer}/properties/${name}`, property, need);
  if (schema.items && !schema.items.$ref && schema.items.type === "object")
    schemaElements(doc, `${where}[]`, `${pointer}/items`, schema.items, need);
}

const texts = (value) => (typeof value === "string" ? [value] : Object.values(value ?? {}));
const elements = describedElements(en);

describe("English (the spec)", () => {
  test.each(elements)("%s: %s %s", (where, pointer, key) => {
    const value = at(en, pointer)?.[key];
    expect(value, `${where} has no ${key}`).toBeTruthy();
    for (const text of texts(value)) {
      expect(text.trim().length, `${where} ${key} is blank`).toBeGreaterThan(0);
      if (key !== "title") expect(text, `${where} ${key} should be English`).not.toMatch(CJK);
    }
  });
});

describe("Chinese (the zh-CN overlay)", () => {
  test.each(elements)("%s: %s %s", (where, pointer, key) => {
    const value = at(zh, pointer)?.[key];
    expect(value, `${where} has no ${key} in zh-CN`).toBeTruthy();
    const english = texts(at(en, pointer)[key]);
    texts(value).forEach((text, i) => {
      expect(text, `${where} ${key} is not translated`).toMatch(CJK);
      expect(text, `${where} ${key} is the English text`).not.toBe(english[i]);
      // Machine-garbling guard: no replacement characters, no doubled-up Chinese punctuation
      // outside code spans (a list of symbols, such as BCC's password rule's, is quoted as it is).
      expect(text.replace(/(`+)[^`][\s\S]*?\1/g, "")).not.toMatch(/\ufffd|[,。;:]{2,}/);
    });
  });

  test("covers more than a token set of elements", () => {
    expect(elements.length).toBeGreaterThan(120);
  });

  test("changes texts only: with the texts removed, both languages are the same document", () => {
    // A code sample's comments are text too (code-samples/<locale>/): its code must be the same.
    const strip = (doc) =>
      JSON.parse(
        JSON.stringify(doc, function (key, value) {
          if (key === "source" && SAMPLE_COMMENTS[this?.lang])
            return splitComments(SAMPLE_COMMENTS[this.lang], value).code;
          return TEXT_KEYS.has(key) ? undefined : value;
        }),
      );
    expect(strip(zh)).toEqual(strip(en));
  });

  test("the English source keeps no second copy of the Chinese (no x-zh)", () => {
    expect(JSON.stringify(en)).not.toContain('"x-zh"');
  });
});

describe("applyOverlay is strict", () => {
  const overlay = (actions) => ({ overlay: "1.0.0", info: { title: "t", version: "1" }, actions });
  const doc = () => ({
    tags: [{ name: "A" }],
    components: { schemas: { S: { properties: { p: { type: "string" } } } } },
  });

  test("updates through names, quotes, indices and filters", () => {
    const result = applyOverlay(
      doc(),
      overlay([
        { target: "$.tags[?(@.name=='A')]", update: { description: "a" } },
        { target: "$.components['schemas'].S", update: { properties: { p: { description: "p" } } } },
        { target: "$.tags[0]", update: { summary: "s" } },
      ]),
    );
    expect(result.tags[0]).toEqual({ name: "A", description: "a", summary: "s" });
    expect(result.components.schemas.S.properties.p.description).toBe("p");
  });

  test("fails on a target that selects nothing", () => {
    expect(() =>
      applyOverlay(doc(), overlay([{ target: "$.components.schemas.Gone", update: { description: "x" } }])),
    ).toThrow(/selects nothing/);
  });

  test("fails on a nested property the target lacks", () => {
    expect(() =>
      applyOverlay(
        doc(),
        overlay([{ target: "$.components.schemas.S", update: { properties: { typo: { description: "x" } } } }]),
      ),
    ).toThrow(/no object "typo"/);
  });
});

describe("the landing page", () => {
  const landing = readFileSync(join(distDir, "index.html"), "utf8").replace(/<[^>]*>/g, "");
  const summaryOf = (doc, tag) => operations(doc).find(([, , op]) => op.tags?.includes(tag))[2].summary;
  test.each([
    ["en", en],
    ["zh-CN", zh],
  ])("introduces the APIs in %s with the spec's own summaries", (_, doc) => {
    for (const text of [doc.info.summary, summaryOf(doc, "BEC"), summaryOf(doc, "BCC")])
      expect(landing).toContain(text.replaceAll("&", "&amp;").replaceAll("<", "&lt;"));
  });
});
