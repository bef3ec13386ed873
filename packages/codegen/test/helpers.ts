import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateClient } from "../src/index.mjs";

const require = createRequire(import.meta.url);
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** A service bundle from @bce-openapi/spec (the `bundle` task's output), as a fresh copy. */
export function bundle(name: "bec" | "bcc"): Record<string, any> {
  return JSON.parse(readFileSync(require.resolve(`@bce-openapi/spec/${name}.json`), "utf8"));
}

/**
 * Generate a client into a new directory under test-output/ (inside this package, so the
 * generated code resolves @bce-openapi/core and openapi-fetch from its node_modules).
 * `remove` deletes it.
 */
export async function generateInto(doc: object, client: string) {
  const base = join(packageDir, "test-output");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${client.toLowerCase()}-`));
  const generated = join(dir, "src", "generated");
  mkdirSync(generated, { recursive: true });
  const files = await generateClient(doc, { client, source: "a test fixture" });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(generated, name), text);
  return { dir, generated, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Type-check a directory's sources with the workspace's TypeScript, as the clients are built. */
export async function typecheck(dir: string): Promise<{ ok: boolean; output: string }> {
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: join(packageDir, "..", "..", "tsconfig.base.json"),
      compilerOptions: { noEmit: true, types: [], lib: ["ES2022", "DOM"] },
      include: ["src"],
    }),
  );
  const tsc = require.resolve("typescript/bin/tsc");
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, "-p", dir], { cwd: dir });
    return { ok: true, output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}
