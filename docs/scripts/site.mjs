// What the site is made of: its languages, its guides, and the HTML shell of the pages that are
// not Redoc. The shell inlines its CSS and uses system fonts: nothing is loaded from elsewhere.

export const siteTitle = "BCE OpenAPI: BEC and BCC";

/** One API reference per language, each from its own bundle of the one spec. */
export const locales = [
  {
    code: "en",
    bundle: "openapi.json",
    schemasTag: "Schemas",
    referenceTitle: "BCE OpenAPI reference",
    heading: "English",
    intro: "Reinstall a BEC virtual machine and rebuild a BCC instance, with TypeScript and curl samples.",
    referenceHeading: "API reference",
    referenceLink: "Both APIs, with every schema",
    becLink: "Baidu Edge Computing, reinstall a VM instance's system",
    bccLink: "Baidu Cloud Compute, rebuild an instance from an image",
    guidesHeading: "Guides",
    errataLink: "Seed errata: where the spec departs from Baidu's pages, and why",
    downloadsHeading: "OpenAPI document",
  },
  {
    code: "zh-CN",
    bundle: "openapi.zh-CN.json",
    schemasTag: "数据结构",
    referenceTitle: "BCE OpenAPI 接口参考",
    heading: "简体中文",
    intro: "重装 BEC 虚机实例的系统,重装(重建)BCC 实例;附 TypeScript 与 curl 示例代码。",
    referenceHeading: "接口参考",
    referenceLink: "两个接口及全部数据结构",
    becLink: "边缘计算,重装虚机实例的系统",
    bccLink: "云服务器,使用镜像重装实例",
    guidesHeading: "指南(英文)",
    errataLink: "文档勘误:规范与百度文档不一致之处及其原因(英文)",
    downloadsHeading: "OpenAPI 文档",
  },
];

export const guidePages = [
  { slug: "getting-started", title: "Getting started", titles: { en: "Getting started", "zh-CN": "快速上手" } },
  { slug: "authentication", title: "Authentication", titles: { en: "Authentication: credentials, signing, adminPass, userData", "zh-CN": "认证:凭证、签名、adminPass 加密与 userData" } },
  { slug: "mock-contract-tests", title: "The mock in your contract tests", titles: { en: "Using the mock in your own contract tests", "zh-CN": "在你自己的契约测试中使用模拟服务" } },
];

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
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.6rem; text-align: left; }
.lede { color: var(--muted); font-size: 1.1rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 2rem; }
footer { color: var(--muted); font-size: 0.9rem; padding: 1.5rem; text-align: center; }
`;

const escape = (text) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** A complete HTML page. `root` is the relative path from the page to the site's root. */
export function page({ title, body, root, lang, landing = false }) {
  const nav = [
    `<a class="home" href="${root}index.html">${escape(siteTitle)}</a>`,
    `<a href="${root}en/index.html">API reference</a>`,
    `<a href="${root}zh-CN/index.html" lang="zh-CN">接口参考</a>`,
    ...guidePages.map((g) => `<a href="${root}guides/${g.slug}.html">${escape(g.title)}</a>`),
    `<a href="${root}seed-errata.html">Seed errata</a>`,
  ];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(landing ? title : `${title} · ${siteTitle}`)}</title>
<style>${css}</style>
</head>
<body>
<header>${nav.join("\n")}</header>
<main>
${body}
</main>
<footer>Built from the one spec in <code>spec/</code>. Works offline: every page is self-contained.</footer>
</body>
</html>
`;
}
