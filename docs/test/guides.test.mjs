// Every guide is written in every language of the site, and the translations are whole: the same
// sections, the same code (only prose comments translated, see splitComments), links to the
// reference in their own language, and prose that is Chinese, with Chinese punctuation.
// (The TypeScript blocks are compared, and type-checked, in code-samples.test.mjs; the pages are
// loaded in Chromium in browser.test.mjs.)
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeEach, describe, expect, test } from "vitest";
import { guidePages, guidePath, guideSource, locales } from "../scripts/site.mjs";
import { distDir, fencedBlocks, guidesDir, loadSpec, splitComments } from "./helpers.mjs";

const CJK = /[\u4e00-\u9fff]/;
const read = (locale, slug) => readFileSync(join(guidesDir, guideSource(locale, slug)), "utf8");
const translated = locales.map((l) => l.code).filter((code) => code !== "en");

/** The Markdown outside fenced blocks, with inline code and link targets blanked out. */
const prose = (markdown) =>
  markdown
    .replace(/^```\w*\n[\s\S]*?^```$/gm, "")
    .replace(/`[^`\n]*`/g, "`…`")
    .replace(/\]\([^)\s]*\)/g, "](…)");
const headings = (markdown) =>
  prose(markdown)
    .split("\n")
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => line.match(/^#+/)[0]);
const links = (markdown) =>
  [...markdown.replace(/^```\w*\n[\s\S]*?^```$/gm, "").matchAll(/\]\(([^)\s]+)\)/g)].map(([, href]) => href);

test("every guide exists in every language, and site.mjs lists each of them", () => {
  const expected = guidePages.map((g) => g.slug).sort();
  for (const locale of locales) {
    const dir = join(guidesDir, dirname(guideSource(locale.code, "x")));
    const found = readdirSync(dir)
      .filter((n) => n.endsWith(".md"))
      .map((n) => n.slice(0, -3))
      .sort();
    expect(found, `guides in ${dir}`).toEqual(expected);
  }
  for (const guide of guidePages) {
    for (const locale of locales) {
      expect(guide.nav[locale.code], `${guide.slug}: nav title in ${locale.code}`).toBeTruthy();
      expect(guide.titles[locale.code], `${guide.slug}: landing title in ${locale.code}`).toBeTruthy();
    }
  }
});

describe.each(translated)("guides in %s", (code) => {
  describe.each(guidePages.map((g) => [g.slug]))("%s", (slug) => {
    const where = guideSource(code, slug);
    // Read in each test, so a missing translation fails the first test above, not the whole file.
    let english, text;
    beforeEach(() => {
      english = read("en", slug);
      text = read(code, slug);
    });

    test("has the English guide's sections", () => {
      expect(headings(text), `${where}: heading levels`).toEqual(headings(english));
    });

    test("has the English guide's code blocks: same languages, same code, prose comments translated", () => {
      const [en, tr] = [fencedBlocks(english), fencedBlocks(text)];
      expect(
        tr.map((b) => b.lang),
        `${where}: code blocks`,
      ).toEqual(en.map((b) => b.lang));
      en.forEach((block, i) => {
        const [a, b] = [splitComments(block.lang, block.code), splitComments(block.lang, tr[i].code)];
        expect(b.code, `${where}, block ${i + 1} (${block.lang || "text"})`).toBe(a.code);
        expect(b.comments.length, `${where}, block ${i + 1}: comments`).toBe(a.comments.length);
        a.comments.forEach((comment, j) => {
          if (/^(\/\/|#) \S+$/.test(comment)) expect(b.comments[j]).toBe(comment);
          else expect(b.comments[j], `${where}, block ${i + 1}: untranslated comment`).toMatch(CJK);
        });
      });
    });

    test("links what the English guide links, the API reference in its own language", () => {
      const own = (href) => (href === "../en/index.html" ? "../index.html" : href); // guides/ -> <code>/guides/
      expect(
        links(text)
          .map((h) => h.replace(/#.*/, ""))
          .sort(),
        where,
      ).toEqual(
        links(english)
          .map((h) => own(h.replace(/#.*/, "")))
          .sort(),
      );
      expect(text, `${where} links the English API reference`).not.toMatch(/\]\(\.\.\/en\//);
    });

    test("is written in Chinese throughout, with Chinese punctuation", () => {
      const lines = prose(text)
        .split("\n")
        .filter((line) => line.trim() && !/^\|[\s|:-]+\|$/.test(line));
      for (const line of lines) expect(line, `${where}: a line with no Chinese`).toMatch(CJK);
      // Half-width punctuation next to Chinese text (outside code): a sign of machine conversion.
      const mixed = lines.filter((line) =>
        /[\u4e00-\u9fff][,;:()!?]|[,;:()!?][\u4e00-\u9fff]/.test(line.replace(/\]\(…\)/g, "")),
      );
      expect(mixed, `${where}: ASCII punctuation in Chinese prose`).toEqual([]);
      expect(text).not.toMatch(/\ufffd|[\uff0c\u3002\uff1b\uff1a]{2,}/);
    });
  });
});

// The authentication guide quotes the password rules for readers; the spec states them (BEC's
// AdminPassword, BCC's x-bce-plaintext of adminPass): every quotation is held to the spec, in every
// language, so the prose cannot drift from what the clients check.
describe("the password rules the authentication guide quotes are the spec's", () => {
  const spec = loadSpec("en");
  const rules = {
    bec: spec.components.schemas.AdminPassword,
    bcc: spec.components.schemas.RebuildInstanceRequest.properties.adminPass["x-bce-plaintext"],
  };
  const symbolsOf = (schema) =>
    /\[A-Za-z0-9((?:\\.|[^\]\\])+)\]\{\d+,\d+\}\$$/.exec(schema.pattern)[1].replace(/\\(.)/g, "$1");
  // In a code span: one backtick each side, or two when the symbols hold a backtick.
  const span = (symbols) => (symbols.includes("`") ? `\`\`${symbols}\`\`` : `\`${symbols}\``);
  test.each(locales.map((l) => l.code))("%s", (code) => {
    const text = read(code, "authentication");
    for (const [service, schema] of Object.entries(rules)) {
      expect(text, service).toContain(span(symbolsOf(schema)));
      const range =
        code === "en"
          ? `${schema.minLength} to ${schema.maxLength} characters`
          : `${schema.minLength}~${schema.maxLength} 个字符`;
      expect(text, service).toContain(range);
    }
  });
});

// The guides name the operations, the endpoints and BCC's default region for readers; the spec
// states them: every mention is held to it, in every language.
describe("the operations, hosts and default region the guides name are the spec's", () => {
  const spec = loadSpec("en");
  const resolve = (node) => (node.$ref ? spec.components.parameters[node.$ref.split("/").pop()] : node);
  // Each operation as a request line: its path with each version it takes, and its flag query.
  const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
    ["get", "put", "post", "delete", "patch"]
      .filter((method) => item[method])
      .flatMap((method) => {
        const parameters = item[method].parameters.map(resolve);
        const flag = parameters.find((p) => p.in === "query" && p.required && p.allowEmptyValue);
        const version = parameters.find((p) => p.in === "path" && path.includes(`v{${p.name}}`));
        return (version ? version.schema.enum : [undefined]).map(
          (v) =>
            `${method.toUpperCase()} ${v === undefined ? path : path.replace(`{${version.name}}`, v)}${flag ? `?${flag.name}` : ""}`,
        );
      }),
  );
  const servers = Object.values(spec.paths).flatMap((item) => item.servers ?? spec.servers);
  const hosts = new Set(
    servers.flatMap((server) => {
      const host = new URL(server.url.replace(/\{(\w+)\}/g, "x$1x")).host.replace(/x(\w+)x/g, "{$1}");
      const values = Object.entries(server.variables ?? {}).flatMap(([name, v]) =>
        v.enum.map((value) => host.replace(`{${name}}`, value)),
      );
      return [host, ...values];
    }),
  );
  const defaults = servers.flatMap((server) => Object.values(server.variables ?? {}).map((v) => v.default));

  test.each(locales.map((l) => l.code))("%s", (code) => {
    const all = guidePages.map((page) => read(code, page.slug)).join("\n");
    const named = [...all.matchAll(/`((?:GET|PUT|POST|DELETE|PATCH) \/[^`\s]*)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((line) => !operations.includes(line))).toEqual([]);
    expect(operations.filter((line) => !named.includes(line))).toEqual([]);
    const namedHosts = [...all.matchAll(/\b([a-z{}]+(?:\.[a-z{}]+)*\.baidubce\.com)\b/g)].map((m) => m[1]);
    expect(namedHosts.length).toBeGreaterThan(0);
    expect(namedHosts.filter((host) => !hosts.has(host))).toEqual([]);
    const start = read(code, "getting-started");
    const region = (code === "en" ? /default region, `(\w+)`/ : /默认地域 `(\w+)`/).exec(start)?.[1];
    expect(defaults).toEqual([region]);
  });
});

/** What readers of a language see used: its guides, the READMEs (English) and its TypeScript code samples. */
function textsShown(code) {
  const root = join(guidesDir, "..", "..");
  const samples = join(root, "spec/code-samples", code === "en" ? "" : code, "typescript");
  const files =
    code === "en" ? ["README.md", ...["core", "bec", "bcc", "mock"].map((p) => `packages/${p}/README.md`)] : [];
  return [
    ...guidePages.map((page) => read(code, page.slug)),
    ...files.map((file) => readFileSync(join(root, file), "utf8")),
    ...readdirSync(samples).map((file) => readFileSync(join(samples, file), "utf8")),
  ];
}

// An error code the guides or the READMEs give a status (`403 \`AccessDenied\``, `\`RequestExpired\`
// (400)`) gives it the status the spec's BceErrorCode descriptions do.
test.each(locales.map((l) => l.code))("%s: every error code named with a status has the spec's status", (code) => {
  const described = loadSpec("en").components.schemas.BceErrorCode["x-enumDescriptions"];
  const statusOf = (name) => Number(/^HTTP (\d{3})\b/.exec(described[name] ?? "")?.[1]);
  const named = textsShown(code).flatMap((text) => [
    ...[...text.matchAll(/\b(\d{3}) `(\w+)`/g)].map(([, status, name]) => ({ name, status: Number(status) })),
    ...[...text.matchAll(/`(\w+)` ?[(（](\d{3})[)）]/g)].map(([, name, status]) => ({ name, status: Number(status) })),
  ]);
  const spec = named.filter(({ name }) => name in described);
  expect(spec.length).toBeGreaterThan(code === "en" ? 5 : 2);
  expect(spec.filter(({ name, status }) => statusOf(name) !== status)).toEqual([]);
});

// The guides, the READMEs and the TypeScript code samples show the spec's example resources
// (`vm-6ahy6dli`, `m-mRjO3cjs`): an example renamed in the spec alone left them showing ids the
// reference no longer has. Held to the spec without its code samples, which are among the texts.
test.each(locales.map((l) => l.code))(
  "%s: the resource ids the guides, READMEs and code samples show are the spec's examples",
  (code) => {
    const spec = JSON.stringify(loadSpec("en"), (key, value) => (key === "x-codeSamples" ? undefined : value));
    const texts = textsShown(code);
    const ids = new Set(
      texts.flatMap((text) =>
        [...text.matchAll(/\b(?:vm|im|i|m|k)-[A-Za-z0-9]{6,}(?:-[A-Za-z0-9-]+)?\b/g)].map((m) => m[0]),
      ),
    );
    expect(ids.size).toBeGreaterThanOrEqual(4);
    expect([...ids].filter((id) => !new RegExp(`["/]${id}["/?]`).test(spec))).toEqual([]);
  },
);

// As the resource ids, so the values they give a request's fields (`imageType: "bec"`, `adminPass:
// "root@!123456"`, BCC's plain-text `"1qaz@WSX"`): each is one the spec holds, as a value or quoted
// in a description. `userData` is left out: the texts show the plain text a client encodes, the
// spec the encoded text the service takes.
test.each(locales.map((l) => l.code))(
  "%s: the request field values the guides, READMEs and code samples show are the spec's",
  (code) => {
    const spec = loadSpec("en");
    const strings = new Set();
    const fields = new Set();
    const walk = (node, key) => {
      if (key === "x-codeSamples") return;
      if (typeof node === "string") {
        strings.add(node);
        for (const [, quoted] of node.matchAll(/"([^"\n]+)"/g)) strings.add(quoted);
      } else if (node && typeof node === "object") {
        if (node.properties && typeof node.properties === "object")
          for (const name of Object.keys(node.properties)) fields.add(name);
        for (const [k, v] of Object.entries(node)) walk(v, k);
      }
    };
    walk(spec, "");
    fields.delete("userData");
    const texts = textsShown(code);
    const given = texts.flatMap((text) =>
      [...text.matchAll(/\b(\w+): "([^"\n]*)"/g)]
        .filter(([, name]) => fields.has(name))
        .map(([, name, value]) => `${name}: "${value}"`),
    );
    expect(given.length).toBeGreaterThanOrEqual(4);
    expect([...new Set(given)].filter((pair) => !strings.has(/: "(.*)"$/.exec(pair)[1]))).toEqual([]);
  },
);

// A section of a guide can be linked to: each heading of a built page has an id of its own, made
// from its text (CJK kept), and the page's ids are unique.
test.each(locales.flatMap((l) => guidePages.map((g) => [l.code, g.slug])))(
  "every heading of the built %s guide %s has an id, unique on the page",
  (code, slug) => {
    const html = readFileSync(join(distDir, guidePath(code, slug)), "utf8");
    const headingTags = [...html.matchAll(/<h([1-6])(?: id="([^"]*)")?>/g)];
    expect(headingTags.length, "headings").toBe(headings(read(code, slug)).length);
    const ids = headingTags.map(([, , id]) => id);
    for (const id of ids) expect(id, "a heading without an id").toMatch(/^[\p{L}\p{M}\p{N}_-]+$/u);
    expect(new Set(ids).size).toBe(ids.length);
    if (code !== "en")
      expect(
        ids.some((id) => CJK.test(id)),
        "a Chinese heading's id",
      ).toBe(true);
  },
);
