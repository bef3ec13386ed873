#!/usr/bin/env node
// pnpm lint:changesets: every changeset in .changeset/ parses as changesets reads it (front matter
// of `"package": bump` lines) and names at least one package this workspace publishes. A formatter that
// turns the front matter into a Markdown heading makes a changeset that releases nothing; this
// check fails on it instead. A changeset's text must also open with a sentence, not a list item.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// @changesets/parse is the parser @changesets/cli itself uses (one of its dependencies).
const parse = createRequire(createRequire(import.meta.url).resolve("@changesets/cli/package.json"))(
  "@changesets/parse",
).default;

// The packages a release can bump: the spec and every package under packages/ that is not private.
const published = new Set();
for (const dir of ["spec", ...readdirSync(join(root, "packages")).map((d) => `packages/${d}`)]) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
  } catch {
    continue;
  }
  if (!manifest.private) published.add(manifest.name);
}

const problems = [];
const files = readdirSync(join(root, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
for (const file of files) {
  let releases;
  let summary;
  const text = readFileSync(join(root, ".changeset", file), "utf8");
  // `changeset --empty`'s: front matter with nothing in it, a change that releases nothing, on purpose.
  if (/^---\r?\n---\r?\n\s*$/.test(text)) continue;
  try {
    ({ releases, summary } = parse(text));
  } catch (error) {
    problems.push(`${file}: does not parse as a changeset (${String(error.message).split("\n")[0]})`);
    continue;
  }
  if (releases.length === 0) problems.push(`${file}: releases no package (is its front matter intact?)`);
  // The changelog line is "- <commit>: <summary>": a summary that opens with a list item would read
  // "- 1d4dbb7: - A call ...". A sentence first, then the list.
  if (/^\s*[-*+] /.test(summary ?? "")) problems.push(`${file}: opens with a list item; start with a sentence`);
  for (const { name, type } of releases) {
    if (!published.has(name)) problems.push(`${file}: ${name} is not a package this workspace publishes`);
    if (!["major", "minor", "patch"].includes(type)) problems.push(`${file}: ${name} has bump "${type}"`);
  }
}
if (problems.length > 0) {
  console.error(`changesets: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`changesets: ${files.length} file(s) parse and name published packages`);
