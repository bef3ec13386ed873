// bce-codegen as the client packages run it.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { bundle, packageDir } from "./helpers.js";

const cli = join(packageDir, "src", "cli.mjs");
const run = (args: string[], cwd: string) =>
  promisify(execFile)(process.execPath, [cli, ...args], { cwd }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe("bce-codegen", () => {
  it("writes schema.ts, operations.ts and client.ts from a bundle resolved as a package export", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bce-codegen-"));
    try {
      const result = await run(
        ["@bce-openapi/spec/bcc.json", "--client", "Bcc", "--out", join(dir, "out")],
        packageDir,
      );
      expect(result).toMatchObject({ code: 0, stderr: "" });
      for (const name of ["schema.ts", "operations.ts", "client.ts"])
        expect(existsSync(join(dir, "out", name)), name).toBe(true);
      expect(readFileSync(join(dir, "out", "client.ts"), "utf8")).toContain("export function createBccClient(");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with its usage on missing arguments", async () => {
    const result = await run(["@bce-openapi/spec/bec.json"], packageDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^usage: bce-codegen <bundle/);
  });

  it("exits 1 naming what is wrong with the spec, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bce-codegen-"));
    try {
      const doc = bundle("bec");
      doc.paths["/v1/vm/instance/{vmID}/system/reinstall"].put["x-bce-retry"] = "often";
      writeFileSync(join(dir, "bad.json"), JSON.stringify(doc));
      const result = await run(["./bad.json", "--client", "Bec", "--out", "out"], dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^bce-codegen: reinstallVmInstance \(PUT \/v1\/vm\/instance\/\{vmID\}\/system\/reinstall\): x-bce-retry must be one of/,
      );
      expect(existsSync(join(dir, "out"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
