// scripts/check-changesets.mjs (pnpm lint:changesets): every changeset parses as changesets reads
// it and releases a package this workspace publishes.
import { afterEach, describe, expect, it } from "vitest";
import { manifest, type Workspace, workspace } from "./workspace.js";

let ws: Workspace | undefined;
afterEach(() => ws?.remove());

/** A workspace publishing the spec and one package, with one private package, and these changesets. */
const withChangesets = (changesets: Record<string, string>) =>
  workspace({
    "spec/package.json": manifest("@x/spec"),
    "packages/core/package.json": manifest("@x/core"),
    "packages/tools/package.json": manifest("@x/tools", { private: true }),
    "packages/notes/README.md": "not a package",
    ".changeset/README.md": "# Changesets",
    ".changeset/config.json": {},
    ...Object.fromEntries(Object.entries(changesets).map(([name, text]) => [`.changeset/${name}`, text])),
  });

describe("check-changesets", () => {
  it("passes changesets that release published packages, and an empty one", async () => {
    ws = withChangesets({
      "one.md": '---\n"@x/core": patch\n"@x/spec": minor\n---\n\nA call retries less.\n\n- one\n- two\n',
      "empty.md": "---\n---\n",
    });
    const run = await ws.run("check-changesets.mjs");
    expect(run).toMatchObject({ status: 0, stdout: "changesets: 2 file(s) parse and name published packages\n" });
  });

  it("fails on each kind of problem, naming the file and what is wrong", async () => {
    ws = withChangesets({
      // A formatter turned the front matter into a heading: a changeset that releases nothing.
      "heading.md": '## "@x/core": patch\n\nA call retries less.\n',
      "private.md": '---\n"@x/tools": patch\n---\n\nThe tools changed.\n',
      "unknown.md": '---\n"@x/nothing": patch\n---\n\nSomething changed.\n',
      "list.md": '---\n"@x/core": patch\n---\n\n- A call retries less.\n',
      "bump.md": '---\n"@x/core": huge\n---\n\nA call retries less.\n',
      "fine.md": '---\n"@x/core": patch\n---\n\nA call retries less.\n',
    });
    const run = await ws.run("check-changesets.mjs");
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe("changesets: 5 problem(s)");
    expect(
      lines
        .slice(1)
        .map((line) => line.trim())
        .sort(),
    ).toEqual([
      'bump.md: does not parse as a changeset (could not parse changeset - invalid version type "huge" for package "@x/core".)',
      "heading.md: does not parse as a changeset (could not parse changeset - missing or invalid frontmatter.)",
      "list.md: opens with a list item; start with a sentence",
      "private.md: @x/tools is not a package this workspace publishes",
      "unknown.md: @x/nothing is not a package this workspace publishes",
    ]);
  });
});
