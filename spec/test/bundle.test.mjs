// The bundle is deterministic: a second run writes the same bytes as dist/ (which turbo's bundle
// task wrote from the same sources, in a run of its own). Cached builds and generated clients rely on it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { parse } from "yaml";

const specDir = fileURLToPath(new URL("..", import.meta.url));
let dir;
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function bundleInto() {
  dir = mkdtempSync(join(tmpdir(), "bce-spec-bundle-"));
  execFileSync(process.execPath, [join(specDir, "scripts", "bundle.mjs"), "--out", dir], {
    cwd: specDir,
    stdio: "pipe",
  });
  return dir;
}

it("a second bundle of the same sources is byte-identical to dist/", () => {
  const a = bundleInto();
  const files = readdirSync(a).sort();
  expect(files).toEqual(expect.arrayContaining(["openapi.yaml", "openapi.json", "bec.json", "bcc.json"]));
  for (const file of files) {
    const bytes = readFileSync(join(a, file));
    expect(readFileSync(join(specDir, "dist", file)).equals(bytes), `${file} differs from dist/`).toBe(true);
  }
}, 120_000);

// A YAML 1.1 reader (PyYAML, js-yaml's default schema, SnakeYAML) takes `2021-03-01T10:34:06Z` for a
// timestamp and `on`/`yes` for booleans: the YAML bundles quote such strings, so that every reader
// gets the JSON bundle's values.
it.each([
  ["openapi.yaml", "openapi.json"],
  ["openapi.zh-CN.yaml", "openapi.zh-CN.json"],
])("%s reads as %s under YAML 1.1 and 1.2 alike", (yamlFile, jsonFile) => {
  const json = JSON.parse(readFileSync(join(specDir, "dist", jsonFile), "utf8"));
  const text = readFileSync(join(specDir, "dist", yamlFile), "utf8");
  expect(text).toContain('createTime: "2021-03-01T10:34:06Z"');
  expect(parse(text, { version: "1.2" })).toEqual(json);
  expect(parse(text, { version: "1.1" })).toEqual(json);
});
