// The changelog lines `changeset version` writes for a release (`.changeset/changelog.cjs`, named by
// `.changeset/config.json`): each changeset as @changesets/cli/changelog writes it, and a
// dependant's moved dependencies in one line.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";
import { root } from "./packages.js";

const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync(join(root, ".changeset/config.json"), "utf8"));
// Resolved as changesets resolves it: from the .changeset directory.
const changelog = require(require.resolve(config.changelog, { paths: [join(root, ".changeset")] }));
const { default: git } = require(require.resolve("@changesets/cli/changelog", { paths: [root] }));

const changeset = (id: string, summary: string) => ({ id, summary, releases: [], commit: `${id}0000000000` });

it("writes a release's dependency updates in one line, whatever the number of changesets behind them", async () => {
  const many = Array.from({ length: 40 }, (_, i) => changeset(`c${i}`, `change ${i}`));
  const moved = [
    { name: "@bce-openapi/core", newVersion: "1.4.0" },
    { name: "@bce-openapi/spec", newVersion: "1.4.0" },
  ];
  expect(await changelog.getDependencyReleaseLine(many, moved)).toBe(
    "- Updated dependencies: @bce-openapi/core@1.4.0, @bce-openapi/spec@1.4.0",
  );
  expect(await changelog.getDependencyReleaseLine(many, [])).toBe("");
  // The default listed each changeset again.
  expect((await git.getDependencyReleaseLine(many, moved)).split("\n")).toHaveLength(42);
});

it("writes each changeset's own entry as @changesets/cli/changelog does", async () => {
  const entry = changeset("abc1234", "First line.\nSecond line.");
  expect(await changelog.getReleaseLine(entry, "patch")).toBe(await git.getReleaseLine(entry, "patch"));
  expect(await changelog.getReleaseLine(entry, "patch")).toBe("- abc1234: First line.\n  Second line.");
});
