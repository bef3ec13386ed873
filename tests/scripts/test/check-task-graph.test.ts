// scripts/check-task-graph.mjs (pnpm lint:graph): a package's code reads a file outside it only when
// turbo knows of it (a global dependency, a declared $TURBO_ROOT$ input, or a dependency's file), and
// turbo runs with its telemetry and update check off.
import { afterEach, describe, expect, it } from "vitest";
import { manifest, type Workspace, workspace } from "./workspace.js";

let ws: Workspace | undefined;
afterEach(() => ws?.remove());

// A file of packages/<name>/src/ reaching the workspace root: built, so that this file holds no
// literal the check itself would read as a file read of this package.
const UP = "..";
const fromSrc = (path: string) => [UP, UP, UP, path].join("/");

const common = {
  "pnpm-workspace.yaml": "packages:\n  - spec\n  - packages/*\n\ncatalog:\n  x: 1.0.0\n",
  "tsconfig.base.json": {},
  "notes/facts.md": "facts",
  "spec/package.json": manifest("@bce-openapi/spec"),
  "spec/openapi.yaml": "openapi: 3.1.0",
  "spec/dist/bec.json": {},
};

describe("check-task-graph", () => {
  it("passes reads of a dependency's built file, a global dependency and a declared input", async () => {
    ws = workspace({
      ...common,
      "package.json": { scripts: { build: "TURBO_TELEMETRY_DISABLED=1 turbo run build", x: "echo turbo" } },
      "turbo.json": `{\n  // comments as turbo allows them\n  "noUpdateNotifier": true,\n  "globalDependencies": ["tsconfig.base.json"]\n}\n`,
      "packages/a/package.json": manifest("@bce-openapi/a", { dependencies: { "@bce-openapi/spec": "workspace:*" } }),
      "packages/a/src/index.mjs": [
        `import spec from "${fromSrc("spec/dist/bec.json")}";`,
        `const base = new URL("${fromSrc("tsconfig.base.json")}", import.meta.url);`,
        // Its own files, and the root as a base for joins, say nothing.
        `const own = "${UP}/package.json", top = '${fromSrc("")}';`,
      ].join("\n"),
      "packages/b/package.json": manifest("@bce-openapi/b"),
      "packages/b/turbo.json": { tasks: { test: { inputs: ["$TURBO_DEFAULT$", "$TURBO_ROOT$/notes/**"] } } },
      "packages/b/src/index.ts": `readFileSync(\`${fromSrc("notes/facts.md")}\`);`,
    });
    const run = await ws.run("check-task-graph.mjs");
    expect(run).toMatchObject({
      status: 0,
      stdout: "Task graph: every cross-package file read in 3 packages is a declared input or a dependency's file\n",
    });
  });

  it("fails on every read turbo does not know of, and on turbo run with telemetry or update checks on", async () => {
    ws = workspace({
      ...common,
      "package.json": {
        scripts: { build: "TURBO_TELEMETRY_DISABLED=1 turbo run build", test: "pnpm -s x && turbo run test" },
      },
      "turbo.json": { globalDependencies: [] },
      "packages/b/package.json": manifest("@bce-openapi/b", {
        devDependencies: { "@bce-openapi/spek": "workspace:*" },
      }),
      // Declared as an input, but built: only a dependency orders the build before the read.
      "packages/b/turbo.json": { tasks: { test: { inputs: ["$TURBO_ROOT$/spec/dist/**"] } } },
      "packages/b/src/index.mjs": [
        `import spec from "${fromSrc("spec/dist/bec.json")}";`,
        `const text = readFileSync('${fromSrc("spec/openapi.yaml")}');`,
        `const facts = \`${fromSrc("notes/facts.md")}\`;`,
      ].join("\n"),
    });
    const run = await ws.run("check-task-graph.mjs");
    expect(run.status).toBe(1);
    const [head, ...problems] = run.stderr.trim().split("\n");
    expect(head).toBe("Task graph: 6 problem(s), file reads turbo does not order or hash among them:");
    const where = (path: string) => `packages/b/src/index.mjs: "${fromSrc(path)}" reads ${path}`;
    expect(problems).toEqual([
      `- ${where("spec/dist/bec.json")} from @bce-openapi/spec, which @bce-openapi/b does not depend on`,
      `- ${where("spec/openapi.yaml")} from @bce-openapi/spec, which @bce-openapi/b does not depend on nor declare as an input`,
      `- ${where("notes/facts.md")}, which is neither a turbo globalDependency nor a $TURBO_ROOT$ input of @bce-openapi/b`,
      "- @bce-openapi/b depends on unknown @bce-openapi/spek",
      '- root script "test" runs turbo without TURBO_TELEMETRY_DISABLED=1',
      "- turbo.json does not set noUpdateNotifier: true",
    ]);
  });
});
