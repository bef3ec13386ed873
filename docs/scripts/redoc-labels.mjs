import { readFileSync } from "node:fs";

// Redoc's own interface labels in the reference's language. The Redoc that @redocly/cli bundles
// renders its labels ("Request", "Responses", "Expand all", "required") through a translation hook
// that, in its standalone build, always returns the English default, and it takes no option to
// replace them. So a Chinese reference gets a small script that rewrites those labels as Redoc
// renders them: text nodes whose whole text is a label, never descriptions, names, values or code.

/**
 * Per language: `exact` maps a label's whole text to its translation, `ariaLabels` more that Redoc
 * uses only as a control's accessible name; `patterns` are labels with a number or a name in them; `types` rewrite the English words of a type line ("string or null, non-empty",
 * "Array of strings, [ 1 .. 64 ] characters"), keeping type and format names as they are.
 */
export const redocLabels = {
  "zh-CN": {
    exact: {
      Overview: "概览",
      License: "许可证",
      Operations: "操作",
      Schemas: "数据结构",
      Search: "搜索",
      "API docs by": "API 文档生成工具：",
      Request: "请求",
      Response: "响应",
      Responses: "响应",
      "Request sample": "请求示例",
      "Response sample": "响应示例",
      Path: "路径参数",
      Query: "查询参数",
      Headers: "头域",
      Cookies: "Cookie 参数",
      Body: "消息体",
      Security: "认证",
      "View security details": "查看认证详情",
      "View details": "查看详情",
      // The security scheme's dialog (`${in} parameter name:`).
      "Header parameter name:": "请求头名称：",
      "Query parameter name:": "查询参数名称：",
      "Cookie parameter name:": "Cookie 参数名称：",
      "Expand all": "全部展开",
      "Collapse all": "全部折叠",
      Copy: "复制",
      Copied: "已复制",
      required: "必填",
      deprecated: "已弃用",
      Deprecated: "已弃用",
      Default: "默认值",
      Description: "说明",
      "Enum Value": "枚举值",
      Enum: "枚举",
      "Enum:": "枚举：",
      Value: "值",
      "Value:": "值：",
      Example: "示例",
      "Example:": "示例：",
      // Redoc writes some labels' colon as a text node of its own ("Example", ":").
      ":": "：",
      Examples: "示例",
      // The code-sample picker's name for the request body's examples (Redoc knows it by this label).
      Payload: "请求体",
      "Any of:": "以下任一：",
      "One of:": "以下之一：",
      "All of:": "以下全部：",
      Show: "显示",
      Hide: "隐藏",
      // Redoc's "Show 9 more..." is three text nodes: "显示 9 项..." (show the 9 items left).
      more: "项",
      "Show more": "显示更多",
      "Show less": "收起",
      "Show details": "显示详情",
      "Hide details": "隐藏详情",
      "Show pattern": "显示正则表达式",
      "Hide pattern": "隐藏正则表达式",
      "Show example": "显示示例",
      "Hide example": "隐藏示例",
      "No content": "无内容",
      "No request payload": "无请求体",
      "No response sample": "无响应示例",
      "Loading...": "加载中…",
      Recursive: "递归",
      // The search dialog.
      "Searching...": "搜索中…",
      "No results": "无结果",
      "Search endpoints, schemas, and more...": "搜索接口、数据结构等…",
      "to navigate": "切换",
      "to select": "选择",
      "to exit": "关闭",
      Cancel: "取消",
      // A schema's tag in the sidebar and in search results, and a hit in its fields.
      schema: "数据结构",
      SCHEMA: "数据结构",
      "schema fields": "数据结构字段",
      // Where else a search hit is: an operation's request and parameters.
      "request fields": "请求字段",
      "request examples": "请求示例",
      "path parameters": "路径参数",
      "query parameters": "查询参数",
      "header parameters": "请求头参数",
      "cookie parameters": "Cookie 参数",
      // The page at a route the reference does not have.
      "No page at this address": "此地址没有页面",
      "There's no page at": "此地址没有页面：",
      "It may have been moved or deleted.": "它可能已被移动或删除。",
      "Back to docs": "返回文档",
    },
    // Only as the accessible name of a control (aria-label) or an input's placeholder, besides
    // every label above.
    ariaLabels: {
      "Search docs...": "搜索文档…",
      "Hide sidebar": "隐藏侧栏",
      "Show sidebar": "显示侧栏",
      "Open navigation menu": "打开导航菜单",
      "Close navigation menu": "关闭导航菜单",
      "Response status": "响应状态码",
      "Response media type": "响应媒体类型",
      "Request media type": "请求媒体类型",
      collapse: "折叠",
      expand: "展开",
      light: "浅色模式",
      dark: "深色模式",
      // The switch between the branches of an anyOf or oneOf.
      Variant: "变体",
    },
    patterns: [
      ["^link to (.+)$", "链接到 $1"],
      ["^Show (\\d+) array propert(?:y|ies)$", "显示 $1 个数组属性"],
      ["^Hide (\\d+) array propert(?:y|ies)$", "隐藏 $1 个数组属性"],
      ["^Show (\\d+) propert(?:y|ies)$", "显示 $1 个属性"],
      ["^Hide (\\d+) propert(?:y|ies)$", "隐藏 $1 个属性"],
      ["^\\+(\\d+) more$", "另有 $1 项"],
      ["^case (\\d+)$", "情形 $1"],
      // A search hit in an answer: "response 200", "response 400 fields", "response 200 examples".
      ["^response (\\d{3}|\\dXX|default)$", "响应 $1"],
      ["^response (\\d{3}|\\dXX|default) fields$", "响应 $1 字段"],
      ["^response (\\d{3}|\\dXX|default) examples$", "响应 $1 示例"],
    ],
    // Redoc's own words written as a line of a sample (a code line), where nothing else is translated.
    codeLines: { "No content": "无内容" },
    types: [
      ["\\bArray of (\\w+?)s\\b", "$1 数组"],
      [" or ", " 或 "],
      ["\\bnon-empty\\b", "非空"],
      [" characters\\b", " 个字符"],
      [" items\\b", " 项"],
      ["\\bunique\\b", "不重复"],
    ],
  },
};

/**
 * Text Redoc's bundle writes into what its copy button puts on the clipboard (an operation as
 * Markdown), which no rendered label reaches: per language, pairs of Redoc's source text and its
 * translation (redoc-bundle-text.json), replaced in the reference's own copy of the bundle at build
 * time. Each must be found, so a Redoc that words it otherwise fails the build.
 */
const bundleText = JSON.parse(readFileSync(new URL("./redoc-bundle-text.json", import.meta.url), "utf8"));

/** The reference's HTML with Redoc's bundle text in its language; throws if a text is not there. */
export function translateBundleText(code, html) {
  let out = html;
  for (const [english, translated] of bundleText[code] ?? []) {
    if (!out.includes(english)) throw new Error(`${code}: Redoc's bundle no longer has ${JSON.stringify(english)}`);
    out = out.replaceAll(english, () => translated);
  }
  return out;
}

/**
 * The translator, run in the page (serialized into an inline script): every text node already
 * there and every one Redoc adds or changes later. Skipped: code (but for a sample line that is all
 * one of Redoc's words, `codeLines`), property names, enum and table cells (values), the site's own
 * header, and text that is only part of a label's wording.
 */
function translateRedocLabels(labels) {
  const exact = labels.exact;
  const ariaLabels = labels.ariaLabels;
  const codeLines = labels.codeLines ?? {};
  const patterns = labels.patterns.map((p) => [new RegExp(p[0]), p[1]]);
  const types = labels.types.map((p) => [new RegExp(p[0], "g"), p[1]]);
  const skip = "pre,code,script,style,textarea,td,.schema-name,header.site-nav";
  /**
   * A label's translation: from `table` (then `more`, if given), else from the first pattern that
   * matches, a part it captures that is itself a label translated too ("link to Request").
   */
  function lookup(label, table, more) {
    if (Object.hasOwn(table, label)) return table[label];
    if (more && Object.hasOwn(more, label)) return more[label];
    for (const [pattern, replacement] of patterns)
      if (pattern.test(label))
        return label.replace(pattern, (...parts) =>
          replacement.replace(/\$(\d)/g, (_, n) => (Object.hasOwn(exact, parts[n]) ? exact[parts[n]] : parts[n])),
        );
    return undefined;
  }
  function text(node) {
    const el = node.parentElement;
    if (!el) return;
    const value = node.nodeValue;
    const t = value.trim();
    if (el.closest(skip)) {
      // A sample's line that is all one of Redoc's words ("No content" for an answer with no body).
      if (el.classList.contains("th-line") && Object.hasOwn(codeLines, t))
        node.nodeValue = value.replace(t, codeLines[t]);
      return;
    }
    if (!t) return;
    let out = lookup(t, exact);
    // A type line: Redoc's <em> beside a property's name, not emphasis in a description.
    if (out === undefined && el.tagName === "EM" && !el.closest("p,li,blockquote")) {
      out = t;
      for (let j = 0; j < types.length; j++) out = out.replace(types[j][0], types[j][1]);
    }
    if (out !== undefined && out !== t) node.nodeValue = value.replace(t, out);
  }
  /**
   * A control's accessible name (aria-label), which a screen reader reads instead of its text, an
   * input's placeholder, and a tooltip (title: the sample picker's "Payload").
   */
  const attributes = ["aria-label", "placeholder", "title"];
  function aria(el) {
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (!value) continue;
      const out = lookup(value, exact, ariaLabels);
      if (out !== undefined && out !== value) el.setAttribute(name, out);
    }
  }
  function walk(root) {
    if (root.nodeType === 3) return text(root);
    if (root.nodeType !== 1) return;
    aria(root);
    for (const el of root.querySelectorAll("[aria-label],[placeholder],[title]")) aria(el);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) text(node);
  }
  function start() {
    walk(document.body);
    new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.type === "characterData") text(change.target);
        else if (change.type === "attributes") aria(change.target);
        else for (const added of change.addedNodes) walk(added);
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: attributes,
    });
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
}

/** The inline script for a reference in `code`, or "" when Redoc's English labels are that language's. */
export function redocLabelScript(code) {
  const labels = redocLabels[code];
  if (!labels) return "";
  const json = JSON.stringify(labels).replace(/</g, "\\u003c");
  return `<script>(${translateRedocLabels.toString()})(${json});</script>`;
}
