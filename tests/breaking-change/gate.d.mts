// Types of gate.mjs's exports, for the TypeScript tests that import it.

/** The JSON report of `redocly diff --format json`. */
export type DiffReport = { changes?: unknown[]; summary?: { major?: number; minor?: number; patch?: number } };

export interface GateOptions {
  base?: string;
  revision?: string;
  changesets?: string;
  updateBaseline?: boolean;
  /** With `updateBaseline`: before the first release, a baseline of the same version may be replaced. */
  unreleased?: boolean;
  /** The folder relative paths (in options and in messages) are taken from; the process's by default. */
  cwd?: string;
  /** `redoclyDiff(base, revision)`, when the caller already has it. */
  report?: DiffReport;
}

/** The gate's exit code and what the command prints. */
export function runGate(options?: GateOptions): { code: 0 | 1; stdout: string; stderr: string };

/** Runs `redocly diff` of base against revision and returns its report. */
export function redoclyDiff(base: string, revision: string, rel?: (file: string) => string): DiffReport;
