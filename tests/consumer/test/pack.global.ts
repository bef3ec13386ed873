// Packs every published package with pnpm (which rewrites workspace:* and catalog: ranges, as
// `changeset publish` does) into one temporary folder, shared by all test files.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { packageDir, packageNames, type Packed } from "./packages.js";

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "bce-openapi-packs-"));
  const tarballs = {} as Packed["tarballs"];
  const files = {} as Packed["files"];
  for (const name of packageNames) {
    const out = execFileSync("pnpm", ["pack", "--json", "--pack-destination", dir], {
      cwd: packageDir(name),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const packed = JSON.parse(out) as { filename: string; files: { path: string }[] };
    tarballs[name] = packed.filename;
    files[name] = packed.files.map((file) => file.path).sort();
  }
  project.provide("packed", { dir, tarballs, files });
  return () => rmSync(dir, { recursive: true, force: true });
}
