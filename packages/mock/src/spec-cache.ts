import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import $RefParser from "@stoplight/json-schema-ref-parser";
import { getHttpOperationsFromSpec } from "@stoplight/prism-http";

export type SpecOperations = Awaited<ReturnType<typeof getHttpOperationsFromSpec>>;

/**
 * The operations of each spec file the mocks of this process have read, kept while the file's
 * text is unchanged. Prism compiles a request's validators once per schema object, and its Ajv
 * instances keep every compiled validator for the life of the process: a mock per test, each
 * parsing the spec again, left about 70 KB of them behind (30 MB after 400 mocks). Mocks of one
 * spec share its operations, so its validators are compiled once.
 */
const parsed = new Map<string, { text: string; operations: Promise<SpecOperations> }>();
/** The largest spec file read: the bundled spec of both services is under 200 KB. */
const MAX_SPEC_BYTES = 32 * 1024 * 1024;
/** Spec files kept at once: a test run reads one or a few (copies it edits). */
const MAX_SPECS = 8;
/** How many times a spec has been parsed in this process (read by the tests). */
export let specParses = 0;

/**
 * Whether every `$ref` of the text is one to a place in this document, quoted (`"#/x"`, `'#/x'`: in
 * YAML a bare `#` starts a comment). Another one (`other.yaml#/x`, a URL) points at a document that
 * may change while this text does not, so such a spec is parsed again every time, as is one with
 * a key that may be `$ref` written otherwise (`"\u0024ref"`, a comment before its value).
 */
const onlyInternalRefs = (text: string): boolean =>
  (text.match(/ref["']?\s*:/g)?.length ?? 0) === (text.match(/\$ref["']?\s*:\s*["']#(?:\/|["'])/g)?.length ?? 0);

/**
 * The file resolver of Prism's $RefParser, behind checks: every file a spec reads (the spec and each
 * file a `$ref` names) is a file of at most MAX_SPEC_BYTES (an endless one, `/dev/zero` or a FIFO,
 * was read until memory ran out), and nothing is fetched (a URL that never answered crashed the
 * process from inside the resolver, past any catch).
 */
const require = createRequire(import.meta.url);
const refParserRequire = createRequire(require.resolve("@stoplight/json-schema-ref-parser"));
const { isFileSystemPath, toFileSystemPath } = refParserRequire("./util/url") as {
  isFileSystemPath(url: string): boolean;
  toFileSystemPath(url: string): string;
};
// A resolver's error of this class is passed on as it is (another is told as "Error reading file").
const { ResolverError } = refParserRequire("./util/errors") as {
  ResolverError: new (error: Error, source: string) => Error;
};
const refused = (message: string, source: string) => new ResolverError(new Error(message), source);
/** Refuses a path that is there but no file, or too large (nothing there: whoever reads it says so). */
async function refuseUnreadable(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info && !info.isFile()) throw refused(`${path} is not a file`, path);
  if (info && info.size > MAX_SPEC_BYTES) throw refused(`${path} is larger than ${MAX_SPEC_BYTES} bytes`, path);
}
const localFiles = {
  order: 100,
  canRead: () => true,
  async read(file: { url: string }): Promise<Buffer> {
    if (!isFileSystemPath(file.url))
      throw refused(`${file.url} is a URL: the mock fetches nothing (bundle the spec into files first)`, file.url);
    const path = filePath(file.url);
    await refuseUnreadable(path);
    return readFile(path).catch((error: Error) => {
      throw refused(`Error opening file "${path}" \n${error.message}`, path);
    });
  },
};
/**
 * The file a resolver's URL names. The resolver makes a path a URL with encodeURI, then `?` and `#`
 * escaped, and takes a `$ref` as a URL (`./a%40b.json` is `a@b.json`): decoding every escape undoes
 * both. Its own toFileSystemPath does neither (a `?` stays `%3F`; a name's own `%23`, `%40`, `%2C`,
 * `%24`, `%26` turn into `#`, `@`, `,`, `$`, `&`), so a spec in a folder named `a?b`, or a file named
 * `x%23y.json`, was not found. (Windows paths are the resolver's to convert.)
 */
function filePath(url: string): string {
  if (process.platform === "win32") return toFileSystemPath(url);
  try {
    return decodeURIComponent(url.replace(/^file:\/\//i, ""));
  } catch {
    return toFileSystemPath(url); // not of the resolver's making: as it reads it
  }
}

/** The spec's operations, as Prism reads them from `path`: parsed once while its text is unchanged. */
export async function specOperations(path: string): Promise<SpecOperations> {
  // A name with a scheme (`http:`, `file:`; a drive letter is one character) is a URL.
  if (/^[a-z][a-z\d+.-]+:/i.test(path))
    throw new Error(`${path} is a URL: give the path of a spec file (./${path} for a file whose name has a colon)`);
  const key = resolve(path);
  // The path as it is (a `%` in it is a character, not an escape; the resolver is given it as a URL).
  await refuseUnreadable(key);
  // Nothing there, or unreadable: the resolver says so (as Prism's error).
  const text = await readFile(key, "utf8").catch(() => undefined);
  const cached = parsed.get(key);
  if (cached !== undefined && cached.text === text) return cached.operations;
  specParses++;
  // Its external references read through localFiles, then read by Prism (which then has none to fetch).
  const operations = new $RefParser()
    .bundle(key, { resolve: { file: localFiles, http: false } } as unknown as $RefParser.Options)
    .then((bundled) => getHttpOperationsFromSpec(bundled));
  parsed.delete(key);
  if (text !== undefined && onlyInternalRefs(text)) {
    parsed.set(key, { text, operations });
    if (parsed.size > MAX_SPECS) parsed.delete(parsed.keys().next().value!);
    // A spec that cannot be read is read again next time (and says why again).
    operations.catch(() => {
      if (parsed.get(key)?.operations === operations) parsed.delete(key);
    });
  }
  return operations;
}
