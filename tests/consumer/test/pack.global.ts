// Packs every published package with pnpm (which rewrites workspace:* and catalog: ranges, as
// `changeset publish` does) into one temporary folder, shared by all test files. One recursive
// `pnpm pack` for the five: a pnpm process each cost a second of CPU apiece on a busy machine.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { packageNames, type Packed, root } from "./packages.js";

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "bce-openapi-packs-"));
  const out = execFileSync(
    "pnpm",
    ["--recursive", ...packageNames.flatMap((name) => ["--filter", name]), "pack", "--json", "--pack-destination", dir],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const packed = new Map(
    (JSON.parse(out) as { name: string; filename: string; files: { path: string }[] }[]).map((p) => [p.name, p]),
  );
  const tarballs = {} as Packed["tarballs"];
  const files = {} as Packed["files"];
  for (const name of packageNames) {
    const entry = packed.get(name);
    if (!entry) throw new Error(`pnpm pack did not pack ${name} (packed: ${[...packed.keys()].join(", ")})`);
    tarballs[name] = entry.filename;
    files[name] = entry.files.map((file) => file.path).sort();
  }
  if (packed.size !== packageNames.length)
    throw new Error(`pnpm pack packed more than the published packages: ${[...packed.keys()].join(", ")}`);
  project.provide("packed", { dir, tarballs, files });
  return () => rmSync(dir, { recursive: true, force: true });
}
