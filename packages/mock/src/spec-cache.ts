import type { Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
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

/** The spec's operations, as Prism reads them from `path`: parsed once while its text is unchanged. */
export async function specOperations(path: string): Promise<SpecOperations> {
  // The mock reads files and fetches nothing: Prism would fetch a URL (and one that never answers
  // crashed the process from inside its resolver, past any catch).
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(path)) throw new Error(`${path} is a URL: give the path of a spec file`);
  const key = resolve(path);
  let info: Stats | undefined;
  try {
    info = await stat(key);
  } catch {
    // Nothing there: Prism says what is wrong.
  }
  // An endless one (/dev/zero, a FIFO) would be read until memory runs out.
  if (info && !info.isFile()) throw new Error(`${path} is not a file`);
  if (info && info.size > MAX_SPEC_BYTES) throw new Error(`${path} is larger than ${MAX_SPEC_BYTES} bytes`);
  let text: string | undefined;
  try {
    text = await readFile(key, "utf8");
  } catch {
    // Not a file we can read: Prism reads it, or says what is wrong.
  }
  const url = text && /\$ref["']?\s*:\s*["']?(https?:[^"'\s,}]*)/i.exec(text)?.[1];
  if (url)
    throw new Error(`${path} has a $ref to ${url}: the mock fetches nothing (bundle the spec into one file first)`);
  const cached = parsed.get(key);
  if (cached !== undefined && cached.text === text) return cached.operations;
  specParses++;
  const operations = getHttpOperationsFromSpec(path);
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
