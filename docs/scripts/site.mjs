import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { redocLabelScript } from "./redoc-labels.mjs";

// What the site is made of: its languages, its guides (each in every language), and the HTML
// shell of the pages that are not Redoc. The shell inlines its CSS and uses system fonts: nothing is loaded from elsewhere.

const specDist = join(dirname(createRequire(import.meta.url).resolve("@bce-openapi/spec/package.json")), "dist");
const bundles = new Map();

/** A language's bundle of the spec (one source, translated by the overlay). */
function specIn(code) {
  if (!bundles.has(code)) {
    const { bundle } = locales.find((l) => l.code === code) ?? locales[0];
    bundles.set(code, JSON.parse(readFileSync(join(specDist, bundle), "utf8")));
  }
  return bundles.get(code);
}

/** The site's title in a language: the spec's `info.title`. */
export function siteTitle(code) {
  return specIn(code).info.title;
}

/** The spec's `info.summary` in a language. */
export function siteSummary(code) {
  return specIn(code).info.summary;
}

/** The summary of the spec's operation with this tag, in a language. */
export function operationSummary(code, tag) {
  const operations = Object.values(specIn(code).paths).flatMap((item) => Object.values(item));
  const summary = operations.find((op) => op.tags?.includes(tag))?.summary;
  if (!summary) throw new Error(`the spec (${code}) has no operation tagged ${tag} with a summary`);
  return summary;
}

/** One API reference per language, each from its own bundle of the one spec. */
export const locales = [
  {
    code: "en",
    bundle: "openapi.json",
    schemasTag: "Schemas",
    referenceTitle: "BCE OpenAPI reference",
    heading: "English",
    // After the spec's info.summary.
    samplesNote: " With TypeScript and curl samples.",
    referenceHeading: "API reference",
    referenceLink: "Both APIs, with every schema",
    // Before the summary of the service's operation in the spec.
    becName: "Baidu Edge Computing",
    bccName: "Baidu Cloud Compute",
    guidesHeading: "Guides",
    errataLink: "Seed errata: where the spec departs from Baidu's pages and the SDKs, and why",
    errataTitle: "Seed errata",
    downloadsHeading: "OpenAPI document",
    // Page shell: the colon after a link that opens a list item, the errata link in the header, the label (with its colon) before a page's other-language links, the footer.
    errataNav: "Seed errata",
    // How the spec's descriptions name the errata: linked to the errata page in the reference.
    errataMention: "seed errata",
    // Before the link to the authentication guide, at the end of the signing scheme's description.
    guideLead: "The guide: ",
    colon: ": ",
    nameSeparator: " — ",
    translationsLabel: "Also in: ",
    footer: "Built from the one spec in <code>spec/</code>. Works offline: every page is self-contained.",
  },
  {
    code: "zh-CN",
    bundle: "openapi.zh-CN.json",
    schemasTag: "数据结构",
    referenceTitle: "BCE OpenAPI 接口参考",
    heading: "简体中文",
    samplesNote: "附 TypeScript 与 curl 示例代码。",
    referenceHeading: "接口参考",
    referenceLink: "两个接口及全部数据结构",
    becName: "边缘计算",
    bccName: "云服务器",
    guidesHeading: "指南",
    errataLink: "源文档勘误：规范与百度源文档及 SDK 不一致之处及其原因",
    errataTitle: "源文档勘误",
    downloadsHeading: "OpenAPI 文档",
    colon: "：",
    nameSeparator: "，",
    errataNav: "源文档勘误",
    errataMention: "源文档勘误",
    guideLead: "指南：",
    translationsLabel: "其他语言版本：",
    footer: "由 <code>spec/</code> 中的同一份规范生成。可离线浏览：每个页面都自包含。",
  },
];

/**
 * The guides, each written in every language of `locales`: English in guides/<slug>.md, the
 * others in guides/<code>/<slug>.md (the build fails if one is missing). `nav` is the short title
 * for the header and the page title, `titles` the long one for the landing page.
 */
export const guidePages = [
  {
    slug: "getting-started",
    nav: { en: "Getting started", "zh-CN": "快速上手" },
    titles: { en: "Getting started", "zh-CN": "快速上手" },
  },
  {
    slug: "authentication",
    nav: { en: "Authentication", "zh-CN": "认证" },
    titles: {
      en: "Authentication: credentials, signing, adminPass, userData",
      "zh-CN": "认证：凭证、签名、adminPass 加密与 userData",
    },
  },
  {
    slug: "mock-contract-tests",
    nav: { en: "The mock in your contract tests", "zh-CN": "在契约测试中使用模拟服务" },
    titles: { en: "Using the mock in your own contract tests", "zh-CN": "在你自己的契约测试中使用模拟服务" },
  },
];

/** The seed errata page in a language, relative to the site's root (English at the root, as before). */
export const errataPath = (code) => (code === "en" ? "seed-errata.html" : `${code}/seed-errata.html`);

/** A guide's Markdown source, relative to docs/guides/. */
export const guideSource = (code, slug) => (code === "en" ? `${slug}.md` : `${code}/${slug}.md`);

/** A guide's page, relative to the site's root: guides/ in English, <code>/guides/ otherwise (next to that language's API reference). */
export const guidePath = (code, slug) => (code === "en" ? `guides/${slug}.html` : `${code}/guides/${slug}.html`);

const css = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0b57d0; --code: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); }
header { border-bottom: 1px solid var(--line); padding: 0.6rem 1.5rem; display: flex; gap: 1.25rem; flex-wrap: wrap; align-items: baseline; }
header a { color: var(--fg); text-decoration: none; }
header a:hover { color: var(--accent); }
header .home { font-weight: 600; }
main { max-width: 58rem; margin: 0 auto; padding: 1.5rem; }
a { color: var(--accent); }
h1 { font-size: 2rem; line-height: 1.25; }
h2 { margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: 0.3rem; }
code { font: 0.9em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); padding: 0.1em 0.3em; border-radius: 4px; }
pre { background: var(--code); padding: 0.9rem 1rem; overflow-x: auto; border-radius: 6px; }
pre code { padding: 0; background: none; }
/* On a narrow screen a wide table scrolls by itself, and a long URL or code span wraps, not the page. */
table { border-collapse: collapse; display: block; max-width: 100%; overflow-x: auto; }
p code, li code, p a, li a { overflow-wrap: anywhere; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.6rem; text-align: left; }
.translations { margin: 0; text-align: right; color: var(--muted); font-size: 0.9rem; }
.lede { color: var(--muted); font-size: 1.1rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 2rem; }
footer { color: var(--muted); font-size: 0.9rem; padding: 1.5rem; text-align: center; }
`;

/** The site has no icon: said so, so that a browser does not ask for /favicon.ico (a 404 in its console). */
export const NO_ICON = '<link rel="icon" href="data:,">';

/**
 * What the Redoc reference pages get besides Redoc (build.mjs adds it to en/ and zh-CN/index.html):
 * alternates for the other languages' reference, a small header linking home, the guides, the
 * errata and the other language, and a script that turns Redoc's root-absolute links ("/bec")
 * into the hash routes the page actually uses ("#/bec"), so that a link opened in a new tab, or
 * on a site not served at the root, still lands on the reference. A reference in another language
 * than English also gets the script that puts Redoc's own labels in that language (redoc-labels.mjs).
 */
export function referenceChrome(code) {
  const locale = locales.find((l) => l.code === code);
  const root = "../";
  const others = locales.filter((l) => l !== locale);
  const head = [
    NO_ICON,
    ...others.map((l) => `<link rel="alternate" hreflang="${l.code}" href="${root}${l.code}/index.html">`),
  ].join("\n");
  const { home, docs } = siteLinks(locale, root);
  const links = [
    home,
    ...docs,
    // The other language's reference, said as the guides say theirs ("Also in: 简体中文").
    // data-schemas: the other reference's route of the schemas (its tag, in its language).
    ...others.map(
      (l) =>
        `<span>${escapeHtml(locale.translationsLabel)}<a href="${root}${l.code}/index.html" hreflang="${l.code}" lang="${l.code}" data-schemas="${escapeHtml(l.schemasTag.toLowerCase())}">${escapeHtml(l.heading)}</a></span>`,
    ),
  ];
  const header = `<header class="site-nav" style="display:flex;gap:1.25rem;flex-wrap:wrap;align-items:baseline;padding:0.4rem 1.5rem;border-bottom:1px solid #d1d9e0;font:14px/1.6 system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif">${links.join("\n")}</header>`;
  const script = `<script>(function(){function fix(a){var h=a.getAttribute("href");if(h&&h.charAt(0)==="/"&&h.charAt(1)!=="/")a.setAttribute("href","#"+h);}function all(n){if(n.nodeType!==1)return;if(n.tagName==="A")fix(n);var as=n.querySelectorAll("a[href^='/']");for(var i=0;i<as.length;i++)fix(as[i]);}function start(){all(document.body);new MutationObserver(function(ms){for(var i=0;i<ms.length;i++){var m=ms[i];if(m.type==="attributes")fix(m.target);else for(var j=0;j<m.addedNodes.length;j++)all(m.addedNodes[j]);}}).observe(document.body,{subtree:true,childList:true,attributes:true,attributeFilter:["href"]});}if(document.body)start();else document.addEventListener("DOMContentLoaded",start);})();</script>`;
  // The other language's link lands on the same part of the reference: as it is hovered, focused
  // or clicked, it takes the page's route (the schemas' route named as that language names it).
  const carry = `<script>(function(){var mine=${JSON.stringify(`#/${locale.schemasTag.toLowerCase()}/`)};function set(e){var a=e.target&&e.target.closest&&e.target.closest("header.site-nav a[data-schemas]");if(!a)return;var h=location.hash;try{h=decodeURIComponent(h);}catch(x){}if(h.toLowerCase().indexOf(mine)===0)h="#/"+a.getAttribute("data-schemas")+"/"+h.slice(mine.length);a.setAttribute("href",a.getAttribute("href").split("#")[0]+h);}["pointerover","focus","click","auxclick","contextmenu"].forEach(function(t){document.addEventListener(t,set,true);});})();</script>`;
  return { head, header, script: script + carry + redocLabelScript(code) };
}

/**
 * The links every page's header has, in the page's language: home (the site's title in that
 * language), and the guides and the errata. `root`: from the page to the site's root.
 */
function siteLinks(locale, root) {
  return {
    home: `<a class="home" href="${root}index.html">${escapeHtml(siteTitle(locale.code))}</a>`,
    docs: [
      ...guidePages.map(
        (g) => `<a href="${root}${guidePath(locale.code, g.slug)}">${escapeHtml(g.nav[locale.code])}</a>`,
      ),
      `<a href="${root}${errataPath(locale.code)}">${escapeHtml(locale.errataNav)}</a>`,
    ],
  };
}

export const escapeHtml = (text) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/**
 * A complete HTML page. `root` is the relative path from the page to the site's root; the header
 * links the guides in the page's language. `translations` ([{ code, path }], paths from the root)
 * are the same page in other languages: linked at the top of the page and as alternates. With
 * `sameAnchors` (the errata, whose entries have one id in every language), a language link carries
 * the page's anchor, so the reader lands on the same entry.
 */
export function page({ title, body, root, lang, landing = false, translations = [], sameAnchors = false }) {
  const locale = locales.find((l) => l.code === lang) ?? locales[0];
  // The site title and the English reference link are English on every page: marked as such.
  const en = lang === "en" ? "" : ' lang="en"';
  const { home, docs } = siteLinks(locale, root);
  const nav = [
    home,
    `<a href="${root}en/index.html"${en}>API reference</a>`,
    `<a href="${root}zh-CN/index.html" lang="zh-CN">接口参考</a>`,
    ...docs,
  ];
  const other = (t) => locales.find((l) => l.code === t.code);
  const alternates = translations.map((t) => `<link rel="alternate" hreflang="${t.code}" href="${root}${t.path}">`);
  const switcher = translations.length
    ? `<p class="translations">${escapeHtml(locale.translationsLabel)}${translations
        .map(
          (t) => `<a href="${root}${t.path}" hreflang="${t.code}" lang="${t.code}">${escapeHtml(other(t).heading)}</a>`,
        )
        .join(" · ")}</p>\n`
    : "";
  // As the link is hovered, focused or clicked, it takes the anchor the reader is at.
  const carry =
    sameAnchors && translations.length
      ? `<script>(function(){function set(e){var a=e.target&&e.target.closest&&e.target.closest("p.translations a");if(a)a.setAttribute("href",a.getAttribute("href").split("#")[0]+location.hash);}["pointerover","focus","click","auxclick","contextmenu"].forEach(function(t){document.addEventListener(t,set,true);});})();</script>\n`
      : "";
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(landing ? title : `${title} · ${siteTitle(locale.code)}`)}</title>
${NO_ICON}
${alternates.map((a) => `${a}\n`).join("")}<style>${css}</style>
</head>
<body>
<header>${nav.join("\n")}</header>
<main>
${switcher}${body}
</main>
<footer>${locale.footer}</footer>
${carry}</body>
</html>
`;
}
