import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
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

/** Declaration files (lib, node_modules) parsed by an earlier typecheck(), by path and parse options. */
const declarations = new Map<string, ts.SourceFile | undefined>();

/**
 * Type-check a directory's sources with the workspace's TypeScript, as the clients are built: the
 * tsconfig.json written beside them is the one `tsc -p <dir>` would read, and the output is what tsc
 * prints (its diagnostics, unformatted, relative to the directory). It runs in this process, which
 * has TypeScript loaded already (the generator uses it), and the declaration files, which no test
 * writes, are parsed once for every call: a tsc process per call cost seconds of CPU.
 */
export async function typecheck(dir: string): Promise<{ ok: boolean; output: string }> {
  const configFile = join(dir, "tsconfig.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      extends: join(packageDir, "..", "..", "tsconfig.base.json"),
      compilerOptions: { noEmit: true, types: [], lib: ["ES2022", "DOM"] },
      include: ["src"],
    }),
  );
  const formatHost: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (file) => file,
    getCurrentDirectory: () => dir,
    getNewLine: () => ts.sys.newLine,
  };
  let configError: ts.Diagnostic | undefined;
  const config = ts.getParsedCommandLineOfConfigFile(configFile, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      configError = diagnostic;
    },
  });
  if (!config) return { ok: false, output: ts.formatDiagnostics(configError ? [configError] : [], formatHost) };
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersionOrOptions, ...rest) => {
    if (!fileName.endsWith(".d.ts")) return getSourceFile(fileName, languageVersionOrOptions, ...rest);
    const options =
      typeof languageVersionOrOptions === "object"
        ? languageVersionOrOptions
        : { languageVersion: languageVersionOrOptions };
    const key = `${fileName}|${options.languageVersion}|${options.impliedNodeFormat}`;
    if (!declarations.has(key)) declarations.set(key, getSourceFile(fileName, languageVersionOrOptions, ...rest));
    return declarations.get(key);
  };
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    host,
    projectReferences: config.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
  });
  // What tsc reports for a program it does not emit: the config's, the options', and every file's
  // syntactic, semantic and (with `declaration`) declaration diagnostics, sorted.
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return { ok: diagnostics.length === 0, output: ts.formatDiagnostics(diagnostics, formatHost) };
}
