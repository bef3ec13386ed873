#!/usr/bin/env node
// Committed as plain JS so the bin exists (and pnpm links it) before the first build.
try {
  await import("../dist/cli.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    console.error("bce-openapi-mock: not built yet; run `pnpm --filter @bce-openapi/mock build`");
    process.exit(1);
  }
  throw error;
}
