// What `changeset publish` would upload, checked as the registry would see it: the tarballs.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { promisify } from "node:util";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { describe, expect, inject, it } from "vitest";
import { startLocalRegistry } from "./local-registry.js";
import { packageDir, packageNames, root } from "./packages.js";

const run = promisify(execFile);

/** The resolutions attw's `--profile esm-only` leaves out (as its CLI's profiles.js has them). */
const ESM_ONLY_IGNORED_RESOLUTIONS: readonly string[] = ["node10", "node16-cjs"];

describe.each(packageNames)("%s", (name) => {
  const manifest = () =>
    JSON.parse(readFileSync(join(packageDir(name), "package.json"), "utf8")) as Record<string, any>;

  it("has the fields a published package needs", () => {
    const pkg = manifest();
    expect(pkg.private).toBeUndefined();
    expect(pkg.type).toBe("module");
    expect(pkg.license).toBe("Apache-2.0");
    expect(pkg.repository).toMatchObject({ type: "git", directory: packageDir(name).slice(root.length + 1) });
    expect(pkg.engines?.node).toBe(">=20.19.0");
    expect(pkg.publishConfig).toEqual({ access: "public" });
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.exports?.["./package.json"]).toBe("./package.json");
    expect(pkg.files).toContain("dist");
  });

  it("ships a README, a LICENSE, a CHANGELOG and every file its exports and bin point at", () => {
    const { files } = inject("packed");
    const inTarball = new Set(files[name]);
    for (const file of ["README.md", "LICENSE", "CHANGELOG.md", "package.json"])
      expect(inTarball, file).toContain(file);
    const pkg = manifest();
    const targets: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === "string") targets.push(value);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect(pkg.exports);
    collect(pkg.bin);
    for (const target of targets) expect(inTarball, target).toContain(target.replace(/^\.\//, ""));
    expect(readFileSync(join(packageDir(name), "LICENSE"), "utf8")).toContain("Apache License");
    // No tests, fixtures or build leftovers in the tarball.
    expect([...inTarball].filter((file) => /(^|\/)(test|fixtures)\/|\.test\.|tsbuildinfo/.test(file))).toEqual([]);
  });

  // A build does not delete what an earlier build wrote, nor does turbo when it restores a cached
  // build: a module renamed or removed since would be published from dist/ with a map to nothing.
  it("ships each compiled file with its source, and source maps that name only files it ships", async () => {
    const { tarballs, files } = inject("packed");
    const inTarball = new Set(files[name]);
    const compiled = [...inTarball].filter((file) => /^dist\/.*\.(js|d\.ts)(\.map)?$/.test(file));
    const orphans = compiled.filter(
      (file) => !inTarball.has(file.replace(/^dist\//, "src/").replace(/\.(js|d\.ts)(\.map)?$/, ".ts")),
    );
    expect(
      orphans,
      "compiled files without a source in src/: a stale dist/? (`pnpm turbo run build --force` rebuilds it clean)",
    ).toEqual([]);
    const maps = compiled.filter((file) => file.endsWith(".map"));
    if (maps.length === 0) return;
    const dir = mkdtempSync(join(tmpdir(), "bce-openapi-unpacked-"));
    try {
      await run("tar", ["-xzf", tarballs[name], "-C", dir]);
      const missing = maps.flatMap((map) => {
        const { file, sources } = JSON.parse(readFileSync(join(dir, "package", map), "utf8")) as {
          file: string;
          sources: string[];
        };
        return [file, ...sources]
          .map((target) => posix.normalize(posix.join(posix.dirname(map), target)))
          .filter((target) => !inTarball.has(target))
          .map((target) => `${map} -> ${target}`);
      });
      expect(missing).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has no workspace: or catalog: ranges left in the packed manifest", async () => {
    const { tarballs } = inject("packed");
    const { stdout } = await run("tar", ["-xzOf", tarballs[name], "package/package.json"]);
    const packed = JSON.parse(stdout) as Record<string, Record<string, string> | undefined>;
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      for (const [dep, range] of Object.entries(packed[field] ?? {})) {
        expect(range, `${field}.${dep}`).not.toMatch(/^(workspace|catalog):/);
        // Exact versions: a caret would let npm pick a release that needs a newer Node than 20.
        expect(range, `${field}.${dep}`).toMatch(/^\d+\.\d+\.\d+$/);
      }
    }
  });

  // publint's and attw's programmatic APIs, which their CLIs wrap: one module graph (and one
  // TypeScript for attw) for the five packages, not a process each.
  it("publint --strict reports nothing", async () => {
    const { tarballs } = inject("packed");
    const data = readFileSync(tarballs[name]);
    const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    const { messages, pkg } = await publint({ pack: { tarball }, strict: true });
    // What `publint run <tarball> --strict` prints instead of "All good!".
    expect(messages.map((message) => formatMessage(message, pkg) ?? message.code)).toEqual([]);
  });

  // ESM-only profile: the packages are ESM ("type": "module", no `require` condition), so the
  // node10 and node16-from-CJS resolutions are not supported and attw's strict profile would only
  // report "CJS resolves to ESM". Everything a TypeScript ESM or bundler consumer resolves is checked
  // (and consumer.test.ts type-checks an ESM program under the legacy moduleResolution "node").
  it("@arethetypeswrong/core, with the CLI's --profile esm-only, reports nothing", async () => {
    const { tarballs } = inject("packed");
    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(tarballs[name]))));
    if (name === "@bce-openapi/spec") {
      // Data only (YAML/JSON documents): no JavaScript, so no types to check.
      expect(analysis.types).toBe(false);
      return;
    }
    expect(analysis.types).toMatchObject({ kind: "included" });
    // The CLI's exit code: any problem but those of a resolution the profile leaves out.
    const problems = analysis.types
      ? analysis.problems.filter(
          (problem) => !("resolutionKind" in problem && ESM_ONLY_IGNORED_RESOLUTIONS.includes(problem.resolutionKind)),
        )
      : [];
    expect(problems).toEqual([]);
  });
});

it("changeset publish would publish exactly the five packages (pnpm publish -r --dry-run)", async () => {
  // `changeset publish` has no dry run in 2.31; it runs `pnpm publish` in each package that is
  // not private, which is what this does recursively. pnpm asks the registry which versions are
  // already published: a loopback registry that has none of ours answers instead of npmjs.org.
  const cache = mkdtempSync(join(tmpdir(), "bce-openapi-registry-"));
  const registry = await startLocalRegistry(root, cache);
  try {
    const env = {
      ...process.env,
      NO_PROXY: [process.env.NO_PROXY, "127.0.0.1", "localhost"].filter(Boolean).join(","),
    };
    const { stdout, stderr } = await run(
      "pnpm",
      ["publish", "-r", "--dry-run", "--no-git-checks", "--registry", registry.url],
      { cwd: root, env },
    );
    const published = [...`${stdout}\n${stderr}`.matchAll(/^\+ (@bce-openapi\/[a-z-]+)@/gm)].map((m) => m[1]).sort();
    expect(published).toEqual([...packageNames].sort());
    // All pnpm asks is whether each of ours exists yet (GET /@bce-openapi/<name>, 404).
    expect(registry.onlyLoopback()).toBe(true);
    expect(registry.log.filter((line) => !/ GET \/@bce-openapi\/[a-z-]+ 404$/.test(line))).toEqual([]);
  } finally {
    await registry.close();
    rmSync(cache, { recursive: true, force: true });
  }
});

it("the changesets config publishes the five packages as one fixed group, and no private package", () => {
  const config = JSON.parse(readFileSync(join(root, ".changeset/config.json"), "utf8"));
  expect(config.fixed).toEqual([packageNames]);
  expect(config.access).toBe("public");
  expect(config.privatePackages).toEqual({ version: false, tag: false });
});
