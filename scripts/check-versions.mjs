// Fails when a version written into the code is not its package's: core's VERSION (sent in the
// user agent) and the spec's info.version are set by `pnpm version-packages`, and a bare
// `changeset version` leaves them behind. `pnpm release` runs this before it builds.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const read = (path) => readFileSync(join(root, path), "utf8");
const versionOf = (dir) => JSON.parse(read(`${dir}/package.json`)).version;

const written = [
  [
    "packages/core/src/version.ts",
    versionOf("packages/core"),
    read("packages/core/src/version.ts").match(/VERSION = "([^"]*)"/)?.[1],
  ],
  [
    "spec/openapi.yaml info.version",
    versionOf("spec"),
    read("spec/openapi.yaml").match(/^info:\r?\n(?: {2}.*\r?\n)*? {2}version: *["']?([^"'\s]*)/m)?.[1],
  ],
];
const stale = written.filter(([, want, have]) => want !== have);
for (const [where, want, have] of stale) console.error(`${where} is ${have ?? "missing"}, its package is ${want}`);
if (stale.length > 0) {
  console.error("run `pnpm version-packages` (not a bare `changeset version`), which sets both");
  process.exit(1);
}
console.log(`versions: core's VERSION and the spec's info.version match their packages`);
