// Builds the docs site into dist/, every page self-contained so it works offline:
//   index.html            landing page (English and Chinese), linking everything below
//   en/, zh-CN/           API reference (Redoc, inlined) from spec/dist/openapi.json and
//                         openapi.zh-CN.json: the one spec, and its Chinese overlay
//   guides/*.html         English guides, rendered from guides/*.md
//   zh-CN/guides/*.html   Chinese guides, rendered from guides/zh-CN/*.md (every guide exists in
//                         every language; each page links to its other-language versions)
//   seed-errata.html,     the seed errata in English and Chinese, rendered from the one source
//   zh-CN/seed-errata.html  errata/errata.yaml (also kept as seed-errata.md beside each page)
//   spec/                 the bundled OpenAPI documents, for download
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Marked, marked } from "marked";
import {
  errataPath,
  escapeHtml,
  guidePages,
  guidePath,
  guideSource,
  locales,
  operationSummary,
  page,
  referenceChrome,
  siteSummary,
  siteTitle,
} from "./site.mjs";
import { errataMentions, loadErrata, pointerToken, renderErrata } from "./errata.mjs";
import { translateBundleText } from "./redoc-labels.mjs";

const docsDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(docsDir, "dist");
const require = createRequire(import.meta.url);
const specDist = join(dirname(require.resolve("@bce-openapi/spec/package.json")), "dist");
// Run alone (`pnpm --filter @bce-openapi/docs docs`) before the spec was ever bundled: say so, not ENOENT.
if (!existsSync(join(specDist, "openapi.json"))) {
  console.error(
    "docs: spec/dist/openapi.json is missing: bundle the spec first (`pnpm docs:build` at the root does, or `pnpm build`)",
  );
  process.exit(1);
}
const redocly = join(docsDir, "node_modules", ".bin", "redocly");

// Redoc's sidebar shows "API docs by Redocly" with a logo image from cdn.redoc.ly; the page must
// not reach the network, so the attribution keeps its text and gets a local, inline logo.
const redoclyLogo = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12" fill="#0044d4">Redocly</text></svg>',
)}`;

/** Redoc options (with --openapi given, build-docs reads none from redocly.yaml). */
function redocOptions(locale) {
  return {
    // Every components/schemas entry gets its own page under this sidebar group.
    schemaDefinitionsTagName: locale.schemasTag,
    // The samples each operation carries (x-codeSamples in spec/paths), TypeScript first.
    codeSamples: {
      languages: [
        { key: "typescript", label: "TypeScript", lang: "typescript" },
        { key: "curl", label: "curl", lang: "bash" },
        // The request body's examples (the seed's request among them), as JSON.
        { key: "payload", label: "Payload", lang: "payload" },
      ],
    },
  };
}

/** What a local `$ref` (`#/components/...`) of `doc` points at; undefined for any other value. */
const resolver = (doc) => (ref) =>
  typeof ref === "string" && ref.startsWith("#/")
    ? ref
        .slice(2)
        .split("/")
        .reduce((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc)
    : undefined;

/**
 * Redoc shows no description of a schema with anyOf or oneOf, only the chosen branch's: a property
 * such as BCC's adminPass (its description beside `anyOf: [EncryptedAdminPass, "", null]`) would
 * lose its text, password rules included. In the reference's copy of the spec, each branch of a
 * property's anyOf/oneOf carries the property's description before its own (a $ref branch's own
 * is the referenced schema's, shown beside the $ref as OpenAPI 3.1 allows), and so does each
 * branch of a schema with anyOf/oneOf that a described property refers to.
 */
function describeBranches(doc) {
  const resolve = resolver(doc);
  const visit = (node) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (node.properties && typeof node.properties === "object") {
      for (const [name, given] of Object.entries(node.properties)) {
        if (typeof given?.description !== "string") continue;
        // A $ref to such a schema (BceErrorBody's code, a BceErrorCode), its description beside
        // it: the schema is copied in, under the property's own keywords, for the same treatment.
        let property = given;
        const target = resolve(given.$ref);
        if (target && (Array.isArray(target.anyOf) || Array.isArray(target.oneOf))) {
          const { $ref, ...own } = given;
          property = { ...structuredClone(target), ...own };
          node.properties[name] = property;
        }
        for (const key of ["anyOf", "oneOf"]) {
          if (!Array.isArray(property[key])) continue;
          property[key] = property[key].map((branch) => {
            if (!branch || typeof branch !== "object" || Array.isArray(branch)) return branch; // true, false
            const own = branch.description ?? (branch.$ref ? resolve(branch.$ref)?.description : undefined);
            const text = property.description.trimEnd();
            return { ...branch, description: own ? `${text}\n\n${own}` : text };
          });
        }
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(doc);
  return doc;
}

/**
 * Redoc shows the two branches of an if/then/else as tabs named by the `if`'s and the `else`'s
 * titles, else "case 1" and "case 2", which do not say which is which. In the reference's copy, an
 * `if` that holds when one property has a constant (KeyConfig's `type: password`) is named so, and
 * its `else` by the property's other value when its enum has just one more (`type: bccKeyPair`), else
 * as not that constant: names made from the spec's own words, the same in every language.
 */
function labelConditionals(doc) {
  const resolve = resolver(doc);
  const visit = (node) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const entries = Object.entries(node.if?.properties ?? {});
    const [name, test] = entries.length === 1 ? entries[0] : [];
    if (name !== undefined && test && "const" in test && node.if.title === undefined) {
      const value = test.const;
      node.if = { ...node.if, title: `${name}: ${value}` };
      const property = node.properties?.[name];
      const values = (resolve(property?.$ref) ?? property)?.enum;
      const rest = Array.isArray(values) ? values.filter((v) => v !== value) : [];
      if (node.else && typeof node.else === "object" && node.else.title === undefined)
        node.else = { ...node.else, title: rest.length === 1 ? `${name}: ${rest[0]}` : `${name} ≠ ${value}` };
    }
    for (const [key, value] of Object.entries(node)) if (!key.startsWith("x-")) visit(value);
  };
  visit(doc);
  return doc;
}

/**
 * Redoc draws a schema's sample on the schemas page from its own `example`/`examples`, else makes
 * one up from its properties: a request no client could send (`keepImageLogin: true` beside an
 * `adminPass`, `"string"` for a password). In the reference's copy, a component schema an
 * operation's request or answer uses takes that operation's first named example (the seed page's),
 * unless it has its own: generated from the spec, never written twice.
 */
function sampleSchemasFromExamples(doc) {
  const resolve = resolver(doc);
  const contents = Object.values(doc.paths ?? {}).flatMap((item) =>
    Object.values(item ?? {}).flatMap((op) => [
      ...Object.values(op?.requestBody?.content ?? {}),
      ...Object.values(op?.responses ?? {}).flatMap((r) => Object.values((resolve(r?.$ref) ?? r)?.content ?? {})),
    ]),
  );
  for (const media of contents) {
    const schema = resolve(media?.schema?.$ref);
    const first = Object.values(media?.examples ?? {})[0];
    const value = (resolve(first?.$ref) ?? first)?.value;
    if (!schema || value === undefined || "example" in schema || "examples" in schema) continue;
    schema.examples = [value];
  }
  return doc;
}

/**
 * Every mention of the seed errata in the spec's descriptions, linked to the errata page in this
 * language: to the entry it means when one claims the mention's node (`mentionedAt`), else to the
 * page's top (the introduction's general mention).
 */
function linkErrata(doc, locale, mentions) {
  const link = `../${errataPath(locale.code)}`;
  const mention = new RegExp(locale.errataMention, "gi");
  // Not inside a code span (an odd number of backticks before it) or a link's text already.
  const plain = (text, at) =>
    (text.slice(0, at).split("`").length - 1) % 2 === 0 && !/\[[^\]]*$/.test(text.slice(0, at));
  const visit = (node, pointer) => {
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      // An example's value is data, not text to link (an Example Object's description is text).
      if (key === "example" || key === "value") continue;
      if (key === "description" && typeof value === "string") {
        const id = mentions.get(pointer);
        const target = id === undefined ? link : `${link}#${id}`;
        node[key] = value.replace(mention, (m, at, text) => (plain(text, at) ? `[${m}](${target})` : m));
      } else visit(value, `${pointer}/${pointerToken(key)}`);
    }
  };
  visit(doc, "");
  return doc;
}

/**
 * The signing scheme's description ends with a link to the authentication guide in this language
 * (the guide says how the clients sign and how to sign yourself). A link of the site's, so it is
 * added here: the spec is also published alone, where it would lead nowhere.
 */
function linkAuthGuide(doc, locale) {
  const schemes = Object.values(doc.components?.securitySchemes ?? {});
  if (schemes.length === 0)
    throw new Error(`${locale.bundle}: no security scheme to link the authentication guide from`);
  const guide = guidePages.find((g) => g.slug === "authentication");
  const link = `[${guide.titles[locale.code]}](../${guidePath(locale.code, guide.slug)})`;
  for (const scheme of schemes)
    scheme.description = `${(scheme.description ?? "").trimEnd()}\n\n${locale.guideLead}${link}\n`;
  return doc;
}

function buildReference(locale, workDir, mentions) {
  const spec = JSON.parse(readFileSync(join(specDist, locale.bundle), "utf8"));
  const doc = linkAuthGuide(
    linkErrata(labelConditionals(describeBranches(sampleSchemasFromExamples(spec))), locale, mentions),
    locale,
  );
  const input = join(workDir, `openapi.${locale.code}.json`);
  writeFileSync(input, JSON.stringify(doc));
  const file = join(out, locale.code, "index.html");
  mkdirSync(dirname(file), { recursive: true });
  const options = join(workDir, `redoc.${locale.code}.json`);
  writeFileSync(options, JSON.stringify(redocOptions(locale)));
  execFileSync(
    redocly,
    [
      "build-docs",
      input,
      "--inlineBundle",
      "--output",
      file,
      "--title",
      locale.referenceTitle,
      "--openapi",
      options,
      "--config",
      join(docsDir, "redocly.yaml"),
    ],
    {
      cwd: workDir,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  const chrome = referenceChrome(locale.code);
  const html = translateBundleText(locale.code, readFileSync(file, "utf8"))
    .replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g, redoclyLogo)
    .replace(/<html(?: lang="[^"]*")?/, `<html lang="${locale.code}"`)
    // Before Redoc's own scripts, so the header is there before it renders and every link it
    // writes is seen by the script.
    .replace(/<\/head>/, () => `${chrome.head}\n${chrome.script}\n</head>`)
    .replace(/<body([^>]*)>/, (body) => `${body}\n${chrome.header}`)
    // Redoc's server-rendered menu links root paths ("/bec"), which its script turns into hash
    // routes: read without the script (or before it runs), they led off the site.
    .replace(/ href="\/(?!\/)/g, ' href="#/');
  if (!html.includes('class="site-nav"')) throw new Error(`${locale.code}/index.html: no <body> to add the header to`);
  const leftover = html.match(/(?:src|href)=["'`]https?:\/\/cdn\.[^"'`]*/);
  if (leftover) throw new Error(`${locale.code}/index.html still loads ${leftover[0]}`);
  writeFileSync(file, html);
  return file;
}

function render(markdown, parser = marked) {
  // Links between Markdown files become links between the rendered pages.
  return parser.parse(markdown).replace(/href="([^":#]+)\.md(#[^"]*)?"/g, 'href="$1.html$2"');
}

/**
 * A Markdown parser whose headings carry ids, so that a guide's sections can be linked to: as
 * GitHub makes them (lowercased, punctuation dropped, spaces as "-", CJK kept), a repeated one
 * numbered (`-1`, `-2`). One parser per page: the numbering is the page's.
 */
function withHeadingIds() {
  const seen = new Map();
  return new Marked({
    renderer: {
      heading({ tokens, depth, text }) {
        const base = text
          .toLowerCase()
          .trim()
          .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, "")
          .replace(/\s/g, "-");
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        return `<h${depth} id="${n ? `${base}-${n}` : base}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
    },
  });
}

const workDir = mkdtempSync(join(tmpdir(), "bce-openapi-docs-"));
try {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "guides"), { recursive: true });
  mkdirSync(join(out, "spec"), { recursive: true });

  const errata = loadErrata(locales.map((l) => l.code));
  const mentions = errataMentions(errata);
  for (const locale of locales)
    console.log(`docs: ${buildReference(locale, workDir, mentions).slice(docsDir.length + 1)}`);

  for (const name of readdirSync(specDist).filter((n) => n.startsWith("openapi.")))
    copyFileSync(join(specDist, name), join(out, "spec", name));

  checkGuideSources();
  for (const locale of locales) {
    for (const guide of guidePages) {
      const path = guidePath(locale.code, guide.slug);
      const root = "../".repeat(path.split("/").length - 1);
      const body = render(
        readFileSync(join(docsDir, "guides", guideSource(locale.code, guide.slug)), "utf8"),
        withHeadingIds(),
      );
      const translations = locales
        .filter((l) => l !== locale)
        .map((l) => ({ code: l.code, path: guidePath(l.code, guide.slug) }));
      mkdirSync(dirname(join(out, path)), { recursive: true });
      writeFileSync(
        join(out, path),
        page({ title: guide.nav[locale.code], body, root, lang: locale.code, translations }),
      );
    }
  }
  for (const locale of locales) {
    const path = errataPath(locale.code);
    const root = "../".repeat(path.split("/").length - 1);
    const markdown = renderErrata(errata, locale.code, locale.errataTitle);
    const translations = locales.filter((l) => l !== locale).map((l) => ({ code: l.code, path: errataPath(l.code) }));
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path.replace(/\.html$/, ".md")), markdown);
    writeFileSync(
      join(out, path),
      page({
        title: locale.errataTitle,
        body: render(markdown),
        root,
        lang: locale.code,
        translations,
        sameAnchors: true,
      }),
    );
  }
  writeFileSync(
    join(out, "index.html"),
    page({ title: siteTitle("en"), body: landingBody(), root: "./", lang: "en", landing: true }),
  );
  console.log(`docs: site written to ${out}`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

/** Every guide in every language, and no guide that site.mjs does not list: else the build fails. */
function checkGuideSources() {
  const expected = guidePages.map((g) => g.slug).sort();
  for (const locale of locales) {
    const dir = join(docsDir, "guides", dirname(guideSource(locale.code, "x")));
    const found = readdirSync(dir)
      .filter((n) => n.endsWith(".md"))
      .map((n) => n.slice(0, -3))
      .sort();
    const missing = expected.filter((slug) => !found.includes(slug));
    const unlisted = found.filter((slug) => !expected.includes(slug));
    if (missing.length)
      throw new Error(
        `guides missing in ${locale.code}: ${missing.map((s) => guideSource(locale.code, s)).join(", ")}`,
      );
    if (unlisted.length)
      throw new Error(`guides not listed in site.mjs guidePages (${locale.code}): ${unlisted.join(", ")}`);
  }
}

function landingBody() {
  const column = (locale) => `
    <section lang="${locale.code}">
      <h2>${locale.heading}</h2>
      <p>${escapeHtml(siteSummary(locale.code))}${locale.samplesNote}</p>
      <h3>${locale.referenceHeading}</h3>
      <ul>
        <li><a href="${locale.code}/index.html">${locale.referenceLink}</a></li>
        <li><a href="${locale.code}/index.html#/bec">BEC</a>${locale.colon}${locale.becName}${locale.nameSeparator}${escapeHtml(operationSummary(locale.code, "BEC"))}</li>
        <li><a href="${locale.code}/index.html#/bcc">BCC</a>${locale.colon}${locale.bccName}${locale.nameSeparator}${escapeHtml(operationSummary(locale.code, "BCC"))}</li>
      </ul>
      <h3>${locale.guidesHeading}</h3>
      <ul>
        ${guidePages.map((g) => `<li><a href="${guidePath(locale.code, g.slug)}">${g.titles[locale.code]}</a></li>`).join("\n        ")}
        <li><a href="${errataPath(locale.code)}">${locale.errataLink}</a></li>
      </ul>
      <h3>${locale.downloadsHeading}</h3>
      <ul>
        <li><a href="spec/${locale.bundle}">${locale.bundle}</a>, <a href="spec/${locale.bundle.replace(/\.json$/, ".yaml")}">${locale.bundle.replace(/\.json$/, ".yaml")}</a></li>
      </ul>
    </section>`;
  return `<h1>${siteTitle("en")}</h1>
    <p class="lede">One OpenAPI 3.1 spec for two Baidu AI Cloud APIs, and the typed clients, docs and mock built from it.<br>
    <span lang="zh-CN">同一份 OpenAPI 3.1 规范描述两个百度智能云接口，并由它生成类型化客户端、文档和模拟服务。</span></p>
    <div class="columns">${locales.map(column).join("")}
    </div>`;
}
