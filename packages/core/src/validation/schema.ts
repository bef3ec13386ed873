/**
 * A small interpreter for the subset of JSON Schema 2020-12 our OpenAPI 3.1 spec uses.
 *
 * Why not ajv: it compiles with `new Function`, which edge runtimes forbid; the other portable
 * validators cost most of the client's bundle budget. Every keyword outside the subset is
 * reported by `unsupportedKeywords` (tested against the whole spec), so nothing is silently skipped.
 *
 * Messages name the rule and its constraint, never the value: values may be passwords.
 */
import { FORMATS } from "./formats.js";

export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

export interface SchemaIssue {
  /** Where, e.g. `body.keyConfig.adminPass` or `body.dataVolumeList[0].name`. */
  path: string;
  /** The failing keyword, e.g. `required`, `pattern`, `type`; or `depth`, `false`. */
  rule: string;
  message: string;
}

export interface ValidateSchemaOptions {
  /** The document `$ref`s resolve against, e.g. `{ components: { schemas } }`. */
  root: unknown;
  /** The name of the value, the start of every issue path, e.g. `body`. */
  path: string;
  /** Stop after this many issues (default 10). */
  maxIssues?: number;
  /**
   * Also apply each schema's `x-client-rules` (JSON Schema keywords beside it) at the same place:
   * what a client may send is the schema AND its client rules. Default false: the schema alone,
   * as the service reads it.
   */
  clientRules?: boolean;
}

/** How deep a value may nest; deeper values get a `depth` issue instead of recursion. */
export const MAX_DEPTH = 64;
/** `$ref`s followed without stepping into the value: more than this means a `$ref` cycle. */
const MAX_REF_HOPS = 32;

/** Keywords checked, with the shape of their value (checked by `unsupportedKeywords`). */
const KEYWORDS: Readonly<
  Record<
    string,
    "schema" | "schemas" | "schemaMap" | "count" | "number" | "string" | "strings" | "type" | "array" | "any"
  >
> = {
  $ref: "string",
  type: "type",
  enum: "array",
  const: "any",
  format: "string",
  allOf: "schemas",
  anyOf: "schemas",
  oneOf: "schemas",
  not: "schema",
  if: "schema",
  then: "schema",
  else: "schema",
  properties: "schemaMap",
  required: "strings",
  additionalProperties: "schema",
  items: "schema",
  minItems: "count",
  maxItems: "count",
  minLength: "count",
  maxLength: "count",
  pattern: "string",
  minimum: "number",
  maximum: "number",
};
/** Keywords that never affect validity (2020-12 annotations and OpenAPI's own). `x-*` too. */
const ANNOTATIONS = new Set([
  "title",
  "description",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "example",
  "examples",
  "$comment",
  "$schema",
  "$defs",
  "externalDocs",
  "contentEncoding",
  "contentMediaType",
  "discriminator",
  "xml",
]);
/** The keywords the interpreter checks, for code that must support exactly the same (the codegen). */
export const INTERPRETED_KEYWORDS: readonly string[] = Object.freeze(Object.keys(KEYWORDS));
/** Keywords that never affect validity; `x-*` extensions are ignored too. */
export const ANNOTATION_KEYWORDS: ReadonlySet<string> = ANNOTATIONS;
const TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

type Obj = Record<string, unknown>;
interface Context {
  root: unknown;
  issues: SchemaIssue[];
  max: number;
  clientRules: boolean;
}

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** A property set to `undefined` is absent: JSON.stringify drops it. */
const has = (o: Obj, name: string): boolean => Object.hasOwn(o, name) && o[name] !== undefined;
const childPath = (path: string, name: string): string =>
  /^[A-Za-z_$][\w$]{0,99}$/.test(name) ? `${path}.${name}` : `${path}[${quoted(JSON.stringify(name))}]`;
/**
 * errors.ts's `quoted` (cut at 100 characters, control and bidirectional-formatting characters
 * escaped), with which the generated checks' twin names a key: written again, as the interpreter
 * shares no module with the client (importing errors.ts would split it into a chunk of its own).
 */
function quoted(text: string): string {
  let kept = text;
  if (text.length > 100) {
    kept = text.slice(0, 100).replace(/[\ud800-\udbff]$/, "");
    kept += `… (${text.length - kept.length} more characters)`;
  }
  return kept.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it escapes
    /[\0-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
const pointerToken = (name: string): string => name.replace(/~/g, "~0").replace(/\//g, "~1");
const show = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
/** "1 character", "2 characters": the count a length or size rule names. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

/**
 * What a string that does not match `pattern` is told: the schema's `x-pattern-message` (`must not
 * be blank` for `\\S`) where a pattern alone would not say what is wanted, else the pattern.
 */
const patternMessage = (s: { readonly [keyword: string]: unknown }): string =>
  typeof s["x-pattern-message"] === "string" ? s["x-pattern-message"] : `must match the pattern ${s.pattern}`;
/**
 * What a value that matches `not` is told: the schema's `x-not-message` (`is not allowed with
 * keepImageLogin: true`, for a field an if/then rule forbids) where the rule alone would not say
 * why, else a generic message. The codegen uses it too, so both say the same.
 */
export const notMessage = (s: { readonly [keyword: string]: unknown }): string =>
  typeof s["x-not-message"] === "string" ? s["x-not-message"] : 'must not match the schema in "not"';
/**
 * What a member missing from `required` is told: the schema's `x-required-message` (`is required
 * unless type is password`, for a member only an if/then/else branch asks for) where `is required`
 * alone would not say when, else `is required`. The codegen uses it too, so both say the same.
 */
export const requiredMessage = (s: { readonly [keyword: string]: unknown }): string =>
  typeof s["x-required-message"] === "string" ? s["x-required-message"] : "is required";
// JSON Schema counts code points, not UTF-16 units: they differ only where there are surrogates,
// a pair counted in place (a string of megabytes fits no array).
function codePoints(s: string): number {
  if (!/[\uD800-\uDFFF]/.test(s)) return s.length;
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++)
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  return n;
}

/**
 * Whether `value` matches `re`; undefined when it cannot be told: a pattern that repeats a group
 * overflows V8's regexp stack on a string of some megabytes, a RangeError.
 */
function matchesPattern(re: RegExp, value: string): boolean | undefined {
  try {
    return re.test(value);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(pattern, "u"); // `u`: ECMA-262 with Unicode, as 2020-12 asks
    patterns.set(pattern, re);
  }
  return re;
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(v);
    case "number":
      return Number.isFinite(v); // NaN and Infinity serialize as null
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "null":
      return v === null;
    default:
      return typeof v === type;
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
}

/** Resolved `$ref`s per root document: a call's schemas resolve the same refs again and again. */
const resolved = new WeakMap<object, Map<string, JsonSchema>>();

/** Resolves a local `$ref` (`#/json/pointer`); throws when it does not resolve. */
function resolveRef(ref: string, root: unknown): JsonSchema {
  if (typeof root !== "object" || root === null) return resolveUncached(ref, root);
  let cache = resolved.get(root);
  if (!cache) {
    cache = new Map();
    resolved.set(root, cache);
  }
  let schema = cache.get(ref);
  if (schema === undefined) {
    schema = resolveUncached(ref, root);
    cache.set(ref, schema);
  }
  return schema;
}

function resolveUncached(ref: string, root: unknown): JsonSchema {
  if (!ref.startsWith("#")) throw new Error(`Unsupported $ref "${ref}": only local references (#/...) resolve`);
  let node = root;
  for (const token of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
    const container = node as Obj;
    node = (isObject(node) || Array.isArray(node)) && Object.hasOwn(container, key) ? container[key] : undefined;
    if (node === undefined) throw new Error(`$ref "${ref}" does not resolve against the root document`);
  }
  if (typeof node !== "boolean" && !isObject(node)) throw new Error(`$ref "${ref}" does not point to a schema`);
  return node;
}

/** Checks `value` against `schema`; returns at most `maxIssues` issues, empty when it conforms. */
export function validateSchema(value: unknown, schema: JsonSchema, options: ValidateSchemaOptions): SchemaIssue[] {
  const ctx: Context = {
    root: options.root,
    issues: [],
    max: Math.max(1, options.maxIssues ?? 10),
    clientRules: options.clientRules === true,
  };
  check(value, schema, options.path, 0, 0, ctx);
  return ctx.issues;
}

function report(ctx: Context, path: string, rule: string, message: string): void {
  // A schema and its x-client-rules may say the same thing (both require imageId): say it once.
  if (ctx.issues.some((i) => i.path === path && i.rule === rule && i.message === message)) return;
  if (ctx.issues.length < ctx.max) ctx.issues.push({ path, rule, message });
}

/** Whether `value` conforms, issues discarded (for if, anyOf, oneOf, not). */
function conforms(value: unknown, schema: unknown, path: string, depth: number, hops: number, ctx: Context): boolean {
  return probe(value, schema, path, depth, hops, ctx, 1).length === 0;
}

/** The issues `value` has against `schema`, at most `max`, without reporting them. */
function probe(
  value: unknown,
  schema: unknown,
  path: string,
  depth: number,
  hops: number,
  ctx: Context,
  max: number,
): SchemaIssue[] {
  const scratch: Context = { root: ctx.root, issues: [], max, clientRules: ctx.clientRules };
  check(value, schema, path, depth, hops, scratch);
  return scratch.issues;
}

/**
 * An `anyOf` none of whose branches matches. When exactly one branch accepts the value's type
 * (the others fail with a `type` issue at this very place, e.g. `anyOf: [{ $ref: KeyConfig },
 * { type: 'null' }]` given an object), that branch's own issues say what is wrong; otherwise
 * the generic `anyOf` issue does.
 */
function reportAnyOf(
  value: unknown,
  branches: unknown[],
  path: string,
  depth: number,
  hops: number,
  ctx: Context,
): void {
  const results = branches.map((sub) => probe(value, sub, path, depth, hops, ctx, ctx.max));
  const typed = results.filter((issues) => !issues.some((i) => i.rule === "type" && i.path === path));
  if (typed.length === 1) for (const issue of typed[0]!) report(ctx, issue.path, issue.rule, issue.message);
  else report(ctx, path, "anyOf", `must match at least one of ${branches.length} schemas`);
}

function check(value: unknown, schema: unknown, path: string, depth: number, hops: number, ctx: Context): void {
  if (schema === true) return;
  if (schema === false) {
    report(ctx, path, "false", "is not allowed");
    return;
  }
  if (!isObject(schema)) throw new Error(`Invalid schema for ${path}: not an object or boolean`);
  if (depth > MAX_DEPTH) {
    report(ctx, path, "depth", `is nested more than ${MAX_DEPTH} levels deep`);
    return;
  }
  const s = schema;

  if (typeof s.$ref === "string") {
    if (hops >= MAX_REF_HOPS)
      throw new Error(`$ref cycle: ${MAX_REF_HOPS} $refs in a row for ${path} (last "${s.$ref}")`);
    check(value, resolveRef(s.$ref, ctx.root), path, depth, hops + 1, ctx);
  }
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    // A wrong type makes the other keywords noise: report it alone.
    if (!types.some((t) => hasType(value, t))) {
      report(ctx, path, "type", `must be ${types.join(" or ")}`);
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => equal(value, e)))
    report(ctx, path, "enum", `must be one of: ${s.enum.map(show).join(", ")}`);
  if ("const" in s && !equal(value, s.const)) report(ctx, path, "const", `must be ${show(s.const)}`);

  // Applicators: combine subschemas at the same place in the value (so `hops` carries on).
  for (const sub of (s.allOf as unknown[] | undefined) ?? []) check(value, sub, path, depth, hops, ctx);
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => conforms(value, sub, path, depth, hops, ctx)))
    reportAnyOf(value, s.anyOf, path, depth, hops, ctx);
  // A client's stricter rules, beside the schema the service reads (spec convention).
  if (ctx.clientRules && s["x-client-rules"] !== undefined) check(value, s["x-client-rules"], path, depth, hops, ctx);
  if (Array.isArray(s.oneOf)) {
    const matched = s.oneOf.filter((sub) => conforms(value, sub, path, depth, hops, ctx)).length;
    if (matched !== 1)
      report(ctx, path, "oneOf", `must match exactly one of ${s.oneOf.length} schemas (matches ${matched})`);
  }
  if (s.not !== undefined && conforms(value, s.not, path, depth, hops, ctx)) report(ctx, path, "not", notMessage(s));
  if (s.if !== undefined) {
    const branch = conforms(value, s.if, path, depth, hops, ctx) ? s.then : s.else;
    if (branch !== undefined) check(value, branch, path, depth, hops, ctx);
  }

  if (typeof value === "string") {
    const length = typeof s.minLength === "number" || typeof s.maxLength === "number" ? codePoints(value) : 0;
    if (typeof s.minLength === "number" && length < s.minLength)
      report(ctx, path, "minLength", `must have at least ${count(s.minLength, "character")}`);
    if (typeof s.maxLength === "number" && length > s.maxLength)
      report(ctx, path, "maxLength", `must have at most ${count(s.maxLength, "character")}`);
    if (typeof s.pattern === "string") {
      const matched = matchesPattern(compiled(s.pattern), value);
      if (!matched)
        report(
          ctx,
          path,
          "pattern",
          matched === false ? patternMessage(s) : `is too long to be checked against the pattern ${s.pattern}`,
        );
    }
    const format = typeof s.format === "string" ? FORMATS[s.format] : undefined;
    if (format && !format.check(value)) report(ctx, path, "format", `must be a valid ${format.description}`);
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) report(ctx, path, "minimum", `must be >= ${s.minimum}`);
    if (typeof s.maximum === "number" && value > s.maximum) report(ctx, path, "maximum", `must be <= ${s.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems)
      report(ctx, path, "minItems", `must have at least ${count(s.minItems, "item")}`);
    if (typeof s.maxItems === "number" && value.length > s.maxItems)
      report(ctx, path, "maxItems", `must have at most ${count(s.maxItems, "item")}`);
    if (s.items !== undefined)
      for (let i = 0; i < value.length && ctx.issues.length < ctx.max; i++)
        check(value[i], s.items, `${path}[${i}]`, depth + 1, 0, ctx);
  }
  if (isObject(value)) {
    for (const name of (s.required as string[] | undefined) ?? [])
      if (!has(value, name)) report(ctx, childPath(path, name), "required", requiredMessage(s));
    const properties = (s.properties ?? {}) as Obj;
    for (const name of Object.keys(value)) {
      if (ctx.issues.length >= ctx.max) return;
      if (!has(value, name)) continue;
      const at = childPath(path, name);
      if (Object.hasOwn(properties, name)) check(value[name], properties[name], at, depth + 1, 0, ctx);
      else if (s.additionalProperties === false)
        report(ctx, at, "additionalProperties", "is not allowed (unknown property)");
      else if (s.additionalProperties !== undefined) check(value[name], s.additionalProperties, at, depth + 1, 0, ctx);
    }
  }
}

/**
 * What `validateSchema` would not check in `schema` and every schema reachable from it through
 * `$ref` (the `x-client-rules` beside a schema included): unknown keywords, malformed keyword
 * values and patterns that do not compile, each as
 * `"<keyword> at <where>"` (`schema/...` inside the argument, `#/...` inside the root). Annotations (`description`, `x-*`, ...) are fine. Throws for a
 * `$ref` that does not resolve.
 */
export function unsupportedKeywords(schema: JsonSchema, root: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<object>();
  const isSchema = (v: unknown) => typeof v === "boolean" || isObject(v);
  const walk = (node: unknown, at: string): void => {
    if (!isObject(node) || seen.has(node)) return;
    seen.add(node);
    for (const [keyword, v] of Object.entries(node)) {
      const here = `${at}/${pointerToken(keyword)}`;
      // The clients check x-client-rules too: its keywords must be ones this file implements.
      if (keyword === "x-client-rules") {
        if (isSchema(v)) walk(v, here);
        else found.push(`${keyword} at ${at} (malformed value)`);
        continue;
      }
      if (keyword.startsWith("x-") || ANNOTATIONS.has(keyword)) continue;
      const shape = KEYWORDS[keyword];
      const ok =
        shape === "any"
          ? true
          : shape === "array"
            ? Array.isArray(v)
            : shape === "schema"
              ? isSchema(v)
              : shape === "schemas"
                ? Array.isArray(v) && v.length > 0 && v.every(isSchema)
                : shape === "schemaMap"
                  ? isObject(v) && Object.values(v).every(isSchema)
                  : shape === "count"
                    ? Number.isInteger(v) && (v as number) >= 0
                    : shape === "number"
                      ? Number.isFinite(v)
                      : shape === "string"
                        ? typeof v === "string"
                        : shape === "strings"
                          ? Array.isArray(v) && v.every((x) => typeof x === "string")
                          : shape === "type"
                            ? [v].flat().every((t) => TYPES.has(t as string))
                            : false;
      if (!shape) found.push(`${keyword} at ${at}`);
      else if (!ok) found.push(`${keyword} at ${at} (malformed value)`);
      else if (keyword === "pattern" && !compiles(v as string))
        found.push(`${keyword} at ${at} (does not compile with the u flag)`);
      else if (keyword === "$ref") walk(resolveRef(v as string, root), v as string);
      else if (shape === "schema") walk(v, here);
      else if (shape === "schemas") {
        for (const [i, sub] of (v as unknown[]).entries()) walk(sub, `${here}/${i}`);
      } else if (shape === "schemaMap")
        for (const [name, sub] of Object.entries(v as Obj)) walk(sub, `${here}/${pointerToken(name)}`);
    }
  };
  walk(schema, "schema"); // the argument itself; schemas reached by $ref are named by the $ref
  return found;
}

function compiles(pattern: string): boolean {
  try {
    compiled(pattern);
    return true;
  } catch {
    return false;
  }
}
