import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const docsDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const distDir = join(docsDir, "dist");
export const resultsDir = join(docsDir, "test-results");
const require = createRequire(import.meta.url);
export const specDir = dirname(require.resolve("@bce-openapi/spec/package.json"));

/** The bundled spec: `en` (the source) or `zh-CN` (the source with its overlay applied). */
export function loadSpec(locale) {
  const file = locale === "en" ? "openapi.json" : `openapi.${locale}.json`;
  return JSON.parse(readFileSync(join(specDir, "dist", file), "utf8"));
}

export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** [path, method, operation, pathItem] for every operation. */
export function operations(doc) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => [path, method, item[method], item]),
  );
}

/** Record in `problems` everything that goes wrong on a page: console errors, page errors, failed requests, HTTP errors. */
export function watchPage(page, problems) {
  page.on("console", (message) => message.type() === "error" && problems.push(`console error: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) =>
    problems.push(`failed request: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on(
    "response",
    (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()}: ${response.url()}`),
  );
}

// ── Guides ───────────────────────────────────────────────────────────────────────────────────

export const guidesDir = join(docsDir, "guides");

/** The fenced code blocks of a Markdown text, in order: [{ lang, code }]. */
export function fencedBlocks(markdown) {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, lang, code]) => ({ lang, code }));
}

/** The splitComments language of each x-codeSamples language. */
export const SAMPLE_COMMENTS = { TypeScript: "ts", curl: "sh" };

/**
 * A code block split into its code and its comments. TypeScript comments are found by the
 * TypeScript parser (so a `//` in a string or a template is not one); shell comments are a `#`
 * at the start of a line or after a space. The code keeps no trailing blanks and no empty lines,
 * so two blocks that differ only in their comments give the same code.
 */
export function splitComments(lang, source) {
  let ranges = [];
  if (lang === "ts") {
    const file = ts.createSourceFile("block.ts", source, ts.ScriptTarget.Latest, true);
    const found = new Map();
    const visit = (node) => {
      for (const pos of [node.getFullStart(), node.end]) {
        for (const range of [
          ...(ts.getLeadingCommentRanges(source, pos) ?? []),
          ...(ts.getTrailingCommentRanges(source, pos) ?? []),
        ])
          found.set(range.pos, range);
      }
      for (const child of node.getChildren(file)) visit(child);
    };
    visit(file);
    ranges = [...found.values()];
  } else if (lang === "sh") {
    let offset = 0;
    for (const line of source.split("\n")) {
      const match = line.match(/(?:^|\s)(#\s.*)$/);
      if (match)
        ranges.push({ pos: offset + match.index + match[0].length - match[1].length, end: offset + line.length });
      offset += line.length + 1;
    }
  }
  ranges.sort((a, b) => a.pos - b.pos);
  let code = "";
  let at = 0;
  for (const range of ranges) {
    code += source.slice(at, range.pos);
    at = range.end;
  }
  code += source.slice(at);
  return {
    code: code
      .split("\n")
      .map((line) => line.trimEnd())
      .filter(Boolean)
      .join("\n"),
    comments: ranges.map((range) => source.slice(range.pos, range.end)),
  };
}
