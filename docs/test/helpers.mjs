import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
