// The mock as it was before the contract-testing features (journal, fault scripts, idempotency
// state, CORS, the hardened front), built from git so that both run in the same bench: the
// baseline's TypeScript sources are read at BASELINE_COMMIT, transpiled with esbuild into a temp
// directory whose node_modules is packages/mock's, and loaded like the current one. Both use this
// workspace's @bce-openapi/core and Prism, so the comparison is of the mock's own front.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transform } from "esbuild";

/** main when the mock's contract-testing work began. */
export const BASELINE_COMMIT = "19bb467f288f49fe14fe8cae7655aa7192874ffb";
const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const SRC = "packages/mock/src";

/** Builds the baseline mock; resolves to { module (a file URL), commit, dispose() }. Throws with the reason when git cannot. */
export async function buildBaselineMock() {
  const git = (...args) =>
    execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    git("cat-file", "-e", `${BASELINE_COMMIT}^{commit}`);
  } catch {
    throw new Error(`commit ${BASELINE_COMMIT.slice(0, 7)} is not in this clone (shallow or rewritten history)`);
  }
  const files = git("ls-tree", "--name-only", `${BASELINE_COMMIT}:${SRC}`)
    .split("\n")
    .filter((f) => f.endsWith(".ts"));
  const dir = mkdtempSync(join(tmpdir(), "bce-bench-baseline-mock-"));
  try {
    symlinkSync(join(ROOT, "packages/mock/node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    mkdirSync(join(dir, "src"));
    for (const file of files) {
      const source = git("show", `${BASELINE_COMMIT}:${SRC}/${file}`);
      const { code } = await transform(source, { loader: "ts", format: "esm", target: "es2022", sourcefile: file });
      writeFileSync(join(dir, "src", file.replace(/\.ts$/, ".js")), code);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    module: pathToFileURL(join(dir, "src", "index.js")).href,
    commit: BASELINE_COMMIT,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
