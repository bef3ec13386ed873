// What the figures were measured on, and with which versions.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

function packageVersion(name) {
  // Walk up from the resolved entry to the package's own package.json (exports may hide it).
  try {
    let dir = dirname(require.resolve(name));
    for (let i = 0; i < 8; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
        if (pkg.name === name) return pkg.version;
      } catch {}
      dir = dirname(dir);
    }
  } catch {}
  return "unknown";
}

function command(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", cwd, stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

function osName() {
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1];
    if (pretty) return `${pretty} (${os.type()} ${os.release()})`;
  } catch {}
  return `${os.type()} ${os.release()}`;
}

/** The commit measured, and whether tracked files differed from it (null when git could not say). */
function revision(root) {
  const commit = command("git", ["rev-parse", "HEAD"], root);
  const status = command("git", ["status", "--porcelain", "--untracked-files=no"], root);
  return { commit, modified: commit === "unknown" || status === "unknown" ? null : status !== "" };
}

export function machineInfo(root) {
  const cpus = os.cpus();
  return {
    ...revision(root),
    cpu: cpus[0]?.model?.trim() ?? "unknown",
    cores: os.availableParallelism?.() ?? cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg()[0],
    node: process.version,
    os: osName(),
    arch: process.arch,
    pnpm: command("pnpm", ["--version"], root),
    turbo: command(join(root, "node_modules/.bin/turbo"), ["--version"], root),
  };
}

export function versions() {
  const ours = JSON.parse(readFileSync(join(here, "../../packages/bec/package.json"), "utf8")).version;
  return {
    "@bce-openapi/core": JSON.parse(readFileSync(join(here, "../../packages/core/package.json"), "utf8")).version,
    "@bce-openapi/bec": ours,
    "@bce-openapi/bcc": JSON.parse(readFileSync(join(here, "../../packages/bcc/package.json"), "utf8")).version,
    "@bce-openapi/mock": JSON.parse(readFileSync(join(here, "../../packages/mock/package.json"), "utf8")).version,
    "@baiducloud/sdk": packageVersion("@baiducloud/sdk"),
    esbuild: packageVersion("esbuild"),
    tinybench: packageVersion("tinybench"),
    "playwright-core": packageVersion("playwright-core"),
    autocannon: packageVersion("autocannon"),
  };
}
