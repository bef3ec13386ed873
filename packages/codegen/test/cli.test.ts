// bce-codegen as the client packages run it.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  // The build would compile a generated file the spec no longer asks for, and the tarball ship it.
  it("removes a file it generated before and does not now, and leaves other files alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bce-codegen-"));
    try {
      const out = join(dir, "out");
      await run(["@bce-openapi/spec/bcc.json", "--client", "Bcc", "--out", out], packageDir);
      const banner = readFileSync(join(out, "client.ts"), "utf8").split("\n")[0];
      // BCC's success has no body: no responses.ts. One left from a spec whose success had one goes;
      // a renamed copy with the banner, a file of the caller's and a folder named like a file stay.
      expect(existsSync(join(out, "responses.ts"))).toBe(false);
      writeFileSync(join(out, "responses.ts"), `${banner}\nexport const stale = 1;\n`);
      writeFileSync(join(out, "client.v1.ts"), `${banner}\nexport const copy = 1;\n`);
      writeFileSync(join(out, "mine.ts"), "export const mine = 1;\n");
      mkdirSync(join(out, "folder.ts"));
      const result = await run(["@bce-openapi/spec/bcc.json", "--client", "Bcc", "--out", out], packageDir);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout).toContain("removed responses.ts");
      expect(existsSync(join(out, "responses.ts"))).toBe(false);
      for (const kept of ["client.v1.ts", "mine.ts", "folder.ts", "client.ts"])
        expect(existsSync(join(out, kept)), kept).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with its usage on missing arguments", async () => {
    const result = await run(["@bce-openapi/spec/bec.json"], packageDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^usage: bce-codegen <bundle/);
  });

  it("prints its usage on --help; an unknown option exits 2 naming it, with the usage", async () => {
    expect(await run(["--help"], packageDir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: /) });
    const unknown = await run(["--clinet", "Bec", "x.json"], packageDir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^bce-codegen: Unknown option '--clinet'.*\nusage: bce-codegen/s);
  });

  it("takes a bare file name in the folder as a file; a name that is neither exits 1 naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bce-codegen-"));
    try {
      writeFileSync(join(dir, "bec.json"), JSON.stringify(bundle("bec")));
      const result = await run(["bec.json", "--client", "Bec", "--out", "out"], dir);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(existsSync(join(dir, "out", "client.ts"))).toBe(true);
      const missing = await run(["nothing.json", "--client", "Bec"], dir);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(
        "bce-codegen: nothing.json is neither a file here nor a package export this folder can resolve\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
