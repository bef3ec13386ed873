// Fails when a workspace package's code reads a file outside the package that turbo does not
// know about: every such file must be a global dependency, a declared `$TURBO_ROOT$` input of
// the package's tasks, or part of a workspace package this one depends on (so that a `^task`
// edge orders the tasks and carries the dependency's hash).
//
// It follows relative path literals (`"../../spec/dist/bcc.json"`, `new URL("../x", import.meta.url)`)
// in each package's sources, tests, scripts and configs. Paths built at run time from other
// values cannot be followed; reaching another package by name (`@bce-openapi/spec/bcc.json`)
// is always fine, since a package can only name what it depends on.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// turbo.json may hold whole-line // comments (turbo reads it as JSONC).
const readJson = (file) => JSON.parse(readFileSync(file, "utf8").replace(/^\s*\/\/.*$/gm, ""));
const turbo = readJson(join(root, "turbo.json"));
const globalDeps = new Set((turbo.globalDependencies ?? []).map((f) => resolve(root, f)));

// The `packages:` list of pnpm-workspace.yaml (a plain list of paths, some ending in /*).
const workspace = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
const patterns = [
  ...workspace
    .split(/^packages:\n/m)[1]
    .split(/^\S/m)[0]
    .matchAll(/^ +- +["']?([^"'\n]+?)["']?$/gm),
].map((m) => m[1]);
const packageDirs = patterns.flatMap((p) =>
  p.endsWith("/*")
    ? readdirSync(join(root, p.slice(0, -2)))
        .map((d) => join(root, p.slice(0, -2), d))
        .filter((d) => existsSync(join(d, "package.json")))
    : [join(root, p)],
);
const packages = packageDirs.map((dir) => ({ dir, manifest: readJson(join(dir, "package.json")) }));
const byName = new Map(packages.map((p) => [p.manifest.name, p]));

/** The workspace package a path lies in, or undefined for the root. */
const owner = (path) => packages.find((p) => path === p.dir || path.startsWith(p.dir + sep));

/** Files named by a package's own turbo.json inputs through $TURBO_ROOT$ (globs: their fixed prefix). */
function declaredRootInputs(dir) {
  const file = join(dir, "turbo.json");
  if (!existsSync(file)) return [];
  return Object.values(readJson(file).tasks ?? {})
    .flatMap((task) => task.inputs ?? [])
    .filter((input) => input.startsWith("$TURBO_ROOT$/"))
    .map((input) => resolve(root, input.slice("$TURBO_ROOT$/".length).replace(/\*.*$/, "")));
}

const SOURCE = /\.(m?[jt]s|json)$/;
const SKIP = new Set(["node_modules", "dist", "test-results", ".turbo", "generated", "fixtures"]);
function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (SOURCE.test(entry.name) && statSync(path).size < 1_000_000) yield path;
  }
}

// A string literal (any quote) that starts with ../ ; a template literal is cut at its first `${`.
const RELATIVE = /["'`](\.\.\/[^"'`$\n]*)/g;
const problems = [];
for (const pkg of packages) {
  const deps = new Set(Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.devDependencies }));
  const rootInputs = declaredRootInputs(pkg.dir);
  for (const file of sourceFiles(pkg.dir)) {
    const text = readFileSync(file, "utf8");
    for (const [, literal] of text.matchAll(RELATIVE)) {
      const target = resolve(dirname(file), literal);
      if (!target.startsWith(root) || owner(target) === pkg) continue;
      // A directory used as a base for other joins (the root, a package root) says nothing by itself.
      if (target === root || packages.some((p) => p.dir === target)) continue;
      const where = `${relative(root, file)}: "${literal}"`;
      const other = owner(target);
      const declared =
        globalDeps.has(target) || rootInputs.some((input) => target === input || target.startsWith(input));
      if (other) {
        // What another package builds needs the ordering only a dependency gives; its committed
        // files may instead be declared inputs.
        const built = /^(dist|src\/generated|test-results)(\/|$)/.test(
          relative(other.dir, target).split(sep).join("/"),
        );
        if (!deps.has(other.manifest.name) && (built || !declared)) {
          problems.push(
            `${where} reads ${relative(root, target)} from ${other.manifest.name}, which ${pkg.manifest.name} does not depend on${built ? "" : " nor declare as an input"}`,
          );
        }
        continue;
      }
      if (!declared) {
        problems.push(
          `${where} reads ${relative(root, target)}, which is neither a turbo globalDependency nor a $TURBO_ROOT$ input of ${pkg.manifest.name}`,
        );
      }
    }
  }
}
// Every workspace dependency named must exist (a typo would silently drop the edge).
for (const pkg of packages) {
  for (const name of Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.devDependencies })) {
    if (name.startsWith("@bce-openapi/") && !byName.has(name))
      problems.push(`${pkg.manifest.name} depends on unknown ${name}`);
  }
}
// turbo sends usage telemetry unless told not to (it looks up telemetry.vercel.com on every run),
// and asks the registry for a newer turbo unless turbo.json says noUpdateNotifier: in a build or a
// test run, turbo contacts no server.
const rootScripts = readJson(join(root, "package.json")).scripts ?? {};
for (const [name, command] of Object.entries(rootScripts)) {
  for (const m of command.matchAll(/(?:^|&&\s*|;\s*)((?:\w+=\S*\s+)*)turbo\b/g))
    if (!/\bTURBO_TELEMETRY_DISABLED=1\s/.test(m[1]))
      problems.push(`root script "${name}" runs turbo without TURBO_TELEMETRY_DISABLED=1`);
}
if (turbo.noUpdateNotifier !== true) problems.push("turbo.json does not set noUpdateNotifier: true");

if (problems.length > 0) {
  console.error(
    `Task graph: ${problems.length} problem(s), file reads turbo does not order or hash among them:\n- ${problems.join("\n- ")}`,
  );
  process.exit(1);
}
console.log(
  `Task graph: every cross-package file read in ${packages.length} packages is a declared input or a dependency's file`,
);
