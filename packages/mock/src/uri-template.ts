import { createRequire } from "node:module";

/**
 * Prism matches paths with uri-template-lite, which exports by assigning to the `this` of its
 * top level: `exports` under Node's CommonJS loader, but the global object under vitest's
 * `vmThreads` and `vmForks` pools, which run CommonJS modules with another `this`. Prism then finds
 * no `URI` and throws on every request it routes, which the mock answers 500 `InternalError`.
 * Where the module lost its export to the global object, it gets it back.
 */
export function repairUriTemplateExport(require: NodeJS.Require = createRequire(import.meta.url)): void {
  let exported: { URI?: unknown };
  try {
    const fromPrism = createRequire(require.resolve("@stoplight/prism-http"));
    exported = fromPrism("uri-template-lite") as { URI?: unknown };
  } catch {
    // Not where Node's resolution finds it (a bundled mock, say): nothing to repair from here.
    return;
  }
  const stray = (globalThis as { URI?: { Template?: unknown } }).URI;
  if (exported.URI === undefined && typeof stray?.Template === "function") exported.URI = stray;
}
