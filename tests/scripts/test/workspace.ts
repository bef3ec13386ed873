// A small workspace of its own in a temporary folder, with the root's scripts copied into its
// scripts/ (each finds the workspace from where it lies) and this package's node_modules linked as
// its own (check-changesets loads @changesets/cli's parser, the fixtures' tests load vitest).
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const scripts = fileURLToPath(new URL("../../../scripts/", import.meta.url));
const modules = fileURLToPath(new URL("../node_modules", import.meta.url));

/** What a script run printed and how it ended. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface Workspace {
  readonly root: string;
  /** Writes a file (an object as JSON), making its folders. */
  write(path: string, content: string | object): void;
  /** Runs `command` (a script of scripts/, or a path of the workspace) with node, in `cwd`. */
  run(command: string, args?: readonly string[], cwd?: string): Promise<Run>;
  remove(): void;
}

export function workspace(files: Record<string, string | object> = {}): Workspace {
  const root = mkdtempSync(join(tmpdir(), "bce-scripts-"));
  cpSync(scripts, join(root, "scripts"), { recursive: true });
  symlinkSync(modules, join(root, "node_modules"), "dir");
  const write = (path: string, content: string | object) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return {
    root,
    write,
    run: (command, args = [], cwd = root) =>
      new Promise((resolve, reject) => {
        const file = command.includes("/") ? join(root, command) : join(root, "scripts", command);
        execFile(process.execPath, [file, ...args], { cwd, timeout: 120_000 }, (error, stdout, stderr) => {
          if (error && typeof error.code !== "number") reject(error);
          else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
        });
      }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A workspace package's manifest. */
export const manifest = (name: string, more: object = {}) => ({ name, version: "0.1.0", type: "module", ...more });
