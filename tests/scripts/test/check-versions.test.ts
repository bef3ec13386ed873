// scripts/check-versions.mjs (run by pnpm release): core's VERSION and the spec's info.version are
// their packages' versions.
import { afterEach, describe, expect, it } from "vitest";
import { manifest, type Workspace, workspace } from "./workspace.js";

let ws: Workspace | undefined;
afterEach(() => ws?.remove());

const versions = (core: string, version: string, spec: string, info: string) =>
  workspace({
    "packages/core/package.json": { ...manifest("@x/core"), version: core },
    "packages/core/src/version.ts": `/** Sent in the user agent. */\nexport const VERSION = "${version}";\n`,
    "spec/package.json": { ...manifest("@x/spec"), version: spec },
    "spec/openapi.yaml": `openapi: 3.1.0\ninfo:\n  title: T\n  version: ${info}\npaths: {}\n`,
  });

describe("check-versions", () => {
  it("passes when both written versions are their packages'", async () => {
    ws = versions("1.2.0", "1.2.0", "0.3.1", '"0.3.1"');
    const run = await ws.run("check-versions.mjs");
    expect(run).toMatchObject({
      status: 0,
      stdout: "versions: core's VERSION and the spec's info.version match their packages\n",
    });
  });

  it("fails naming each stale version and the command that sets them", async () => {
    ws = versions("1.3.0", "1.2.0", "0.4.0", "0.3.1");
    const run = await ws.run("check-versions.mjs");
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
      "packages/core/src/version.ts is 1.2.0, its package is 1.3.0",
      "spec/openapi.yaml info.version is 0.3.1, its package is 0.4.0",
      "run `pnpm version-packages` (not a bare `changeset version`), which sets both",
    ]);
  });

  it("fails when a version is not written at all", async () => {
    ws = versions("1.2.0", "1.2.0", "0.3.1", "0.3.1");
    ws.write("spec/openapi.yaml", "openapi: 3.1.0\ninfo:\n  title: T\npaths: {}\n");
    const run = await ws.run("check-versions.mjs");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("spec/openapi.yaml info.version is missing, its package is 0.3.1");
  });
});
