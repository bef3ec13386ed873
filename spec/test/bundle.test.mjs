// The bundle is deterministic: a second run writes the same bytes as dist/ (which turbo's bundle
// task wrote from the same sources, in a run of its own). Cached builds and generated clients rely on it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { parse } from "yaml";

const specDir = fileURLToPath(new URL("..", import.meta.url));
let dir;
const dirs = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function bundleInto(before = () => {}) {
  dir = mkdtempSync(join(tmpdir(), "bce-spec-bundle-"));
  dirs.push(dir);
  before(dir);
  return execFileSync(process.execPath, [join(specDir, "scripts", "bundle.mjs"), "--out", dir], {
    cwd: specDir,
    stdio: "pipe",
    encoding: "utf8",
    // A synchronous child blocks the test's own timeout: a bundler that hangs is stopped here.
    timeout: 110_000,
  });
}

it("a second bundle of the same sources is byte-identical to dist/", () => {
  bundleInto();
  const a = dir;
  const files = readdirSync(a).sort();
  expect(files).toEqual(expect.arrayContaining(["openapi.yaml", "openapi.json", "bec.json", "bcc.json"]));
  for (const file of files) {
    const bytes = readFileSync(join(a, file));
    expect(readFileSync(join(specDir, "dist", file)).equals(bytes), `${file} differs from dist/`).toBe(true);
  }
}, 120_000);

// An edition whose overlay was removed would still be served by the docs and published.
it("removes the edition of an overlay that is gone, and nothing else", () => {
  const out = bundleInto((d) => {
    writeFileSync(join(d, "openapi.fr.json"), "{}");
    writeFileSync(join(d, "notes.txt"), "kept");
  });
  expect(out).toContain("removed dist/openapi.fr.json, whose overlay is gone");
  expect(existsSync(join(dir, "openapi.fr.json"))).toBe(false);
  expect(existsSync(join(dir, "notes.txt"))).toBe(true);
  expect(existsSync(join(dir, "openapi.zh-CN.json"))).toBe(true);
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
