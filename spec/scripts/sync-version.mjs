// Sets info.version of openapi.yaml to this package's version (run by `pnpm version-packages`
// after `changeset version`), so the documents published as @bce-openapi/spec@X say they are X.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const specDir = fileURLToPath(new URL("..", import.meta.url));
const { version } = JSON.parse(readFileSync(`${specDir}package.json`, "utf8"));
const file = `${specDir}openapi.yaml`;
// The `version:` line of the top-level `info:` block (two-space indent, as the file is written).
const line = /^(info:\r?\n(?: {2}.*\r?\n)*? {2}version: ).*$/m;
const text = readFileSync(file, "utf8");
if (!line.test(text)) {
  console.error("sync-version: no info.version line in openapi.yaml");
  process.exit(1);
}
writeFileSync(file, text.replace(line, `$1${version}`));
console.log(`openapi.yaml info.version: ${version}`);
