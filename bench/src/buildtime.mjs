// 4. Build and test time: cold build, fully cached build, build after editing one spec file, and
// the whole test suite. Turbo's local cache normally lives in <root>/.turbo/cache (turbo 2's
// default cacheDir); every step here uses a fresh, private cache directory (TURBO_CACHE_DIR)
// instead, so "cold" means an empty cache without wiping the cache of anyone else working in this
// tree, and no dist folder is deleted under a process that may be reading it (tsc is not
// incremental here, so an existing dist/ does not shorten the cold build).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { judgeBuildTime } from "./targets.mjs";

/** Runs one command; resolves with its wall time and exit code (never rejects on a failing command). */
export function timeCommand(command, args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (chunk) => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ seconds, exitCode: code, signal, tail });
    });
  });
}

/**
 * @param {object} options
 * @param {string} options.root            workspace root
 * @param {[string, string[]]} options.build command that builds (`pnpm build`)
 * @param {[string, string[]] | null} options.test command that runs the test suite (`pnpm test`), null to skip
 * @param {string} options.editFile         file appended to (one comment line) for the incremental build, restored after
 * @param {string} options.editLine         the line appended
 */
export async function benchBuildTime({ root, build, test, editFile, editLine }) {
  const cacheDir = mkdtempSync(join(tmpdir(), "bce-bench-turbo-cache-"));
  const env = { TURBO_CACHE_DIR: cacheDir, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
  const steps = [];
  const run = async (name, label, [command, args]) => {
    const result = await timeCommand(command, args, { cwd: root, env });
    steps.push({
      name,
      label,
      command: [command, ...args].map((a) => (a === "" ? '""' : a)).join(" "),
      seconds: result.seconds,
      exitCode: result.exitCode,
      ok: result.exitCode === 0,
    });
    if (result.exitCode !== 0) steps.at(-1).outputTail = result.tail;
    return result;
  };
  try {
    await run("cold", "cold build (empty turbo cache)", build);
    await run("cached", "fully cached build (nothing changed)", build);
    const original = readFileSync(editFile, "utf8");
    const added = `${original.endsWith("\n") ? "" : "\n"}${editLine}\n`;
    try {
      writeFileSync(editFile, original + added);
      await run("incremental", `build after editing one spec file (${editFile.replace(`${root}/`, "")})`, build);
    } finally {
      // Take out exactly what was added, so that anyone else's edit made meanwhile is kept.
      const now = readFileSync(editFile, "utf8");
      if (now.endsWith(added)) writeFileSync(editFile, now.slice(0, -added.length));
      else if (now.includes(added)) writeFileSync(editFile, now.replace(added, ""));
    }
    // Rebuild with the file as it is again, so the tree and the cache match the sources.
    await run("restore", "build after restoring the file (not reported)", build);
    if (test)
      await run(
        "suite",
        "whole test suite (`pnpm test`: lint, lint:graph, lint:style, lint:changesets, typecheck, test; builds cached)",
        test,
      );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const byName = Object.fromEntries(steps.map((s) => [s.name, s]));
  return {
    steps: steps.filter((s) => s.name !== "restore"),
    suiteSkipped: !test,
    target: judgeBuildTime(byName.cached, byName.suite ?? null),
  };
}
