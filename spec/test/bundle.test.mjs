// The bundle is deterministic: two runs write the same bytes, and the same bytes as dist/
// (which turbo built from the same sources). Cached builds and generated clients rely on it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const specDir = fileURLToPath(new URL("..", import.meta.url));
const dirs = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function bundleInto() {
  const dir = mkdtempSync(join(tmpdir(), "bce-spec-bundle-"));
  dirs.push(dir);
  execFileSync(process.execPath, [join(specDir, "scripts", "bundle.mjs"), "--out", dir], {
    cwd: specDir,
    stdio: "pipe",
  });
  return dir;
}

it("two bundles of the same sources are byte-identical, and identical to dist/", () => {
  const [a, b] = [bundleInto(), bundleInto()];
  const files = readdirSync(a).sort();
  expect(files).toEqual(expect.arrayContaining(["openapi.yaml", "openapi.json", "bec.json", "bcc.json"]));
  expect(readdirSync(b).sort()).toEqual(files);
  for (const file of files) {
    const bytes = readFileSync(join(a, file));
    expect(readFileSync(join(b, file)).equals(bytes), `${file} differs between runs`).toBe(true);
    expect(readFileSync(join(specDir, "dist", file)).equals(bytes), `${file} differs from dist/`).toBe(true);
  }
}, 120_000);
