import { createRequire } from "node:module";

/** Path of the bundled BEC + BCC document shipped by @bce-openapi/spec. */
export function defaultSpecPath(): string {
  try {
    // createRequire rather than import.meta.resolve: it also checks that the file exists, and it
    // behaves the same under vitest.
    return createRequire(import.meta.url).resolve("@bce-openapi/spec/openapi.json");
  } catch (cause) {
    throw new Error(
      "@bce-openapi/spec/openapi.json not found: reinstall @bce-openapi/mock (it depends on @bce-openapi/spec), or in its repository run `pnpm --filter @bce-openapi/spec bundle`; or pass a spec path",
      { cause },
    );
  }
}
