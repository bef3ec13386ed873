// Compiles the JSON Schemas a client sends into plain JavaScript checks, at build time, with each
// schema's `x-client-rules` applied beside it (what a client may send is the schema AND its rules).
//
// The output mirrors, keyword by keyword and in the same order, the schema interpreter in
// packages/core/src/validation/schema.ts, which stays the oracle: the same value gets the same
// issues (path, rule, message) from both. Runtime helpers come from @bce-openapi/core/internal
// (check-runtime.ts). What the interpreter would refuse to interpret, this refuses to compile.

import * as formats from "@bce-openapi/core/internal/formats";
import {
  ANNOTATION_KEYWORDS,
  INTERPRETED_KEYWORDS,
  MAX_DEPTH,
  notMessage,
  requiredMessage,
} from "@bce-openapi/core/internal/validation";

// What the interpreter interprets is what this compiles: the keyword lists and the depth limit
// come from the interpreter itself.
const KNOWN = new Set(INTERPRETED_KEYWORDS);
const ANNOTATIONS = ANNOTATION_KEYWORDS;

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v) => (typeof v === "string" ? v : JSON.stringify(v));
const str = (v) => JSON.stringify(v);
/** "1 character", "2 characters": the count a length or size rule names. */
const count = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;
/** A property name as an object literal key: a string, or `["__proto__"]` (a plain key would set the prototype). */
const key = (name) => (name === "__proto__" ? `[${str(name)}]` : str(name));

/** A string literal as JSON.stringify writes it. */
const STRING = /"(?:[^"\\]|\\.)*"/g;
/** How many times `name` occurs in generated `code`, outside string literals. */
const uses = (code, name) => code.replace(STRING, '""').match(new RegExp(`\\b${name}\\b`, "g"))?.length ?? 0;
/** `code` with the first occurrence of `find` outside string literals replaced by `replacement`. */
function replaceOnce(code, find, replacement) {
  const parts = code.split(/("(?:[^"\\]|\\.)*")/);
  for (let i = 0; i < parts.length; i += 2) {
    const at = parts[i].search(find);
    if (at === -1) continue;
    const [match] = parts[i].match(find);
    parts[i] = parts[i].slice(0, at) + replacement + parts[i].slice(at + match.length);
    return parts.join("");
  }
  return code;
}

/**
 * The export of @bce-openapi/core/internal/formats that checks format `name` (`date-time` gives
 * `dateTimeFormat`), or null for a format the interpreter does not assert (its FORMATS table
 * leaves it out: an annotation, e.g. OpenAPI's `password`).
 */
function formatExport(name) {
  if (!Object.hasOwn(formats.FORMATS, name)) return null;
  const exported = `${name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c) => (c ? c.toUpperCase() : ""))}Format`;
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: codegen runs at build time and is never bundled
  if (formats[exported] !== formats.FORMATS[name])
    throw new Error(`format "${name}": @bce-openapi/core/internal/formats exports no ${exported} for it`);
  return exported;
}

/** The test a `type` name makes of `v`, as hasType in the interpreter. */
function typeTest(type) {
  switch (type) {
    case "integer":
      return "Number.isInteger(v)";
    case "number":
      return "Number.isFinite(v)";
    case "object":
      return "isObject(v)";
    case "array":
      return "Array.isArray(v)";
    case "null":
      return "v === null";
    default:
      return `typeof v === ${str(type)}`;
  }
}

/** `v` equals the JSON value `e`: `===` for primitives, the deep helper otherwise. */
const equalTest = (e) => (e === null || typeof e !== "object" ? `v === ${str(e)}` : `equal(v, ${str(e)})`);

/**
 * A compiler over one document: `fn(schema)` gives the name of a function
 * `(v, p, c) => void` that records the schema's issues for value `v` at path `p` in context `c`.
 */
export class CheckCompiler {
  /** @param {unknown} root the document `$ref`s resolve against */
  constructor(root) {
    this.root = root;
    this.names = new Map();
    this.bodies = new Map();
    this.tables = new Map();
    this.functions = [];
    this.regexes = new Map();
    this.formats = new Set();
    this.helpers = new Set(["report"]);
  }

  resolve(ref) {
    if (!ref.startsWith("#/")) throw new Error(`Unsupported $ref "${ref}": only local references (#/...) compile`);
    let node = this.root;
    for (const token of ref.slice(2).split("/")) {
      const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
      if (!(isObject(node) || Array.isArray(node)) || !Object.hasOwn(node, key))
        throw new Error(`$ref "${ref}" does not resolve`);
      node = node[key];
    }
    if (typeof node !== "boolean" && !isObject(node)) throw new Error(`$ref "${ref}" does not point to a schema`);
    return node;
  }

  /** A module-level RegExp literal for `pattern`: its name, and its source (the pattern escaped for a literal). */
  regex(pattern) {
    if (!this.regexes.has(pattern)) {
      const { source } = new RegExp(pattern, "u"); // throws here, at build time, for a pattern that does not compile
      this.regexes.set(pattern, { name: `re${this.regexes.size}`, source });
    }
    return this.regexes.get(pattern);
  }

  /** Name of the function checking `schema`; compiled once per schema object. */
  fn(schema, where = "schema", stack = []) {
    if (schema === true) return null; // nothing to check
    if (this.names.has(schema)) {
      if (stack.includes(schema))
        throw new Error(`recursive schema at ${where}: the check compiler handles only acyclic schemas`);
      return this.names.get(schema);
    }
    const name = `s${this.names.size}`;
    this.names.set(schema, name);
    const inner = [...stack, schema];
    const body = this.body(schema, where, inner);
    // Nothing to check (e.g. `properties: { x: true }`), or only another schema's check (a bare
    // `$ref`): no function of its own.
    const alias = body.length === 0 ? null : body.length === 1 ? body[0].match(/^(s\d+)\(v, p, c\);$/)?.[1] : undefined;
    // The same checks as an earlier schema's (many properties are a plain `type: string`): reuse it.
    const same = alias === undefined ? this.bodies.get(body.join("\n")) : undefined;
    if (alias !== undefined || same !== undefined) {
      this.names.set(schema, alias ?? same);
      return alias ?? same;
    }
    this.bodies.set(body.join("\n"), name);
    this.functions.push({ name, body });
    return name;
  }

  /** The longest value nesting (`items`, `properties`, `additionalProperties`) below `schema`. */
  depth(schema, seen = []) {
    if (!isObject(schema) || seen.includes(schema)) return 0;
    const next = [...seen, schema];
    const nested = [];
    const same = [];
    if (typeof schema.$ref === "string") same.push(this.resolve(schema.$ref));
    for (const k of ["allOf", "anyOf", "oneOf"]) for (const s of schema[k] ?? []) same.push(s);
    for (const k of ["not", "if", "then", "else", "x-client-rules"]) if (schema[k] !== undefined) same.push(schema[k]);
    if (schema.items !== undefined) nested.push(schema.items);
    if (isObject(schema.additionalProperties)) nested.push(schema.additionalProperties);
    for (const s of Object.values(schema.properties ?? {})) nested.push(s);
    return Math.max(0, ...same.map((s) => this.depth(s, next)), ...nested.map((s) => 1 + this.depth(s, next)));
  }

  body(s, where, stack) {
    if (s === false) return ['report(c, p, "false", "is not allowed");'];
    if (!isObject(s)) throw new Error(`Invalid schema at ${where}: not an object or boolean`);
    for (const keyword of Object.keys(s)) {
      if (!KNOWN.has(keyword) && !ANNOTATIONS.has(keyword) && !keyword.startsWith("x-")) {
        throw new Error(`${keyword} at ${where}: a keyword the request checks do not interpret`);
      }
    }
    const out = [];
    const call = (sub, at, value = "v", path = "p") => {
      const f = this.fn(sub, at, stack);
      if (f) out.push(`${f}(${value}, ${path}, c);`);
    };
    const probe = (sub, at) => {
      const f = this.fn(sub, at, stack);
      return f ? `passes(${f}, v, p)` : "true";
    };

    if (typeof s.$ref === "string") call(this.resolve(s.$ref), s.$ref);
    /** The value's type once the `type` keyword has passed, when it allows one type only. */
    let only;
    let typeCheck;
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (types.length === 1) only = types[0];
      typeCheck = out.length;
      out.push(
        `if (!(${types.map(typeTest).join(" || ")})) return report(c, p, "type", ${str(`must be ${types.join(" or ")}`)});`,
      );
      for (const t of types) if (t === "object") this.helpers.add("isObject");
    }
    if (Array.isArray(s.enum)) {
      const test = s.enum.length ? s.enum.map(equalTest).join(" || ") : "false";
      if (s.enum.some((e) => e !== null && typeof e === "object")) this.helpers.add("equal");
      out.push(`if (!(${test})) report(c, p, "enum", ${str(`must be one of: ${s.enum.map(show).join(", ")}`)});`);
    }
    if ("const" in s) {
      if (s.const !== null && typeof s.const === "object") this.helpers.add("equal");
      out.push(`if (!(${equalTest(s.const)})) report(c, p, "const", ${str(`must be ${show(s.const)}`)});`);
    }
    for (const [i, sub] of (s.allOf ?? []).entries()) call(sub, `${where}/allOf/${i}`);
    if (Array.isArray(s.anyOf)) {
      const branches = s.anyOf.map((sub, i) => this.fn(sub, `${where}/anyOf/${i}`, stack));
      // A branch with nothing to check always matches: the anyOf then never fails.
      if (branches.every((f) => f !== null)) {
        this.helpers.add("anyOf");
        out.push(`anyOf(v, p, c, [${branches.join(", ")}]);`);
      }
    }
    // The client's stricter rules beside the schema (x-client-rules), where the interpreter applies
    // them when asked to check what a client sends: right after anyOf.
    if (s["x-client-rules"] !== undefined) call(s["x-client-rules"], `${where}/x-client-rules`);
    if (Array.isArray(s.oneOf)) {
      this.helpers.add("passes");
      const tests = s.oneOf.map((sub, i) => `(${probe(sub, `${where}/oneOf/${i}`)} ? 1 : 0)`);
      out.push(
        `{ const n = ${tests.join(" + ")}; if (n !== 1) report(c, p, "oneOf", ${str(`must match exactly one of ${s.oneOf.length} schemas (matches `)} + n + ")"); }`,
      );
    }
    if (s.not !== undefined) {
      // `not: {}` refuses every value: no test to make.
      const test = probe(s.not, `${where}/not`);
      const refusal = `report(c, p, "not", ${str(notMessage(s))});`;
      if (test === "true") out.push(refusal);
      else {
        this.helpers.add("passes");
        out.push(`if (${test}) ${refusal}`);
      }
    }
    if (s.if !== undefined) {
      this.helpers.add("passes");
      const then = s.then === undefined ? null : this.fn(s.then, `${where}/then`, stack);
      const otherwise = s.else === undefined ? null : this.fn(s.else, `${where}/else`, stack);
      const test = probe(s.if, `${where}/if`);
      if (then && otherwise) out.push(`if (${test}) ${then}(v, p, c); else ${otherwise}(v, p, c);`);
      else if (then) out.push(`if (${test}) ${then}(v, p, c);`);
      else if (otherwise) out.push(`if (!(${test})) ${otherwise}(v, p, c);`);
    }

    const strings = [];
    const lengthKeyword = typeof s.minLength === "number" || typeof s.maxLength === "number";
    if (lengthKeyword) {
      this.helpers.add("codePoints");
      strings.push("const n = codePoints(v);");
    }
    if (typeof s.minLength === "number")
      strings.push(
        `if (n < ${s.minLength}) report(c, p, "minLength", ${str(`must have at least ${count(s.minLength, "character")}`)});`,
      );
    if (typeof s.maxLength === "number")
      strings.push(
        `if (n > ${s.maxLength}) report(c, p, "maxLength", ${str(`must have at most ${count(s.maxLength, "character")}`)});`,
      );
    if (typeof s.pattern === "string") {
      // The message shows the pattern as the spec writes it: the RegExp's source, unless escaping changed it.
      const { name, source } = this.regex(s.pattern);
      // The schema's own message where a pattern alone would not say what is wanted (`\\S`: not blank),
      // and the pattern as the spec writes it where escaping changed the source.
      const message = typeof s["x-pattern-message"] === "string" ? str(s["x-pattern-message"]) : "undefined";
      const args =
        source === s.pattern ? (message === "undefined" ? "" : `, ${message}`) : `, ${message}, ${str(s.pattern)}`;
      this.helpers.add("pattern");
      strings.push(`pattern(v, p, c, ${name}${args});`);
    }
    // Which formats are asserted is the interpreter's FORMATS table; the others are annotations.
    const format = typeof s.format === "string" ? formatExport(s.format) : null;
    if (format) {
      this.formats.add(format);
      strings.push(`if (!${format}.check(v)) report(c, p, "format", "must be a valid " + ${format}.description);`);
    }
    if (strings.length)
      out.push(only === "string" ? strings.join(" ") : `if (typeof v === "string") { ${strings.join(" ")} }`);

    const numbers = [];
    if (typeof s.minimum === "number")
      numbers.push(`if (v < ${s.minimum}) report(c, p, "minimum", ${str(`must be >= ${s.minimum}`)});`);
    if (typeof s.maximum === "number")
      numbers.push(`if (v > ${s.maximum}) report(c, p, "maximum", ${str(`must be <= ${s.maximum}`)});`);
    if (numbers.length)
      out.push(
        only === "number" || only === "integer"
          ? numbers.join(" ")
          : `if (typeof v === "number") { ${numbers.join(" ")} }`,
      );

    const arrays = [];
    if (typeof s.minItems === "number")
      arrays.push(
        `if (v.length < ${s.minItems}) report(c, p, "minItems", ${str(`must have at least ${count(s.minItems, "item")}`)});`,
      );
    if (typeof s.maxItems === "number")
      arrays.push(
        `if (v.length > ${s.maxItems}) report(c, p, "maxItems", ${str(`must have at most ${count(s.maxItems, "item")}`)});`,
      );
    if (s.items !== undefined) {
      const f = this.fn(s.items, `${where}/items`, stack);
      // The item's path as a template literal, as the runtime writes one: minified, the same text.
      if (f) arrays.push(`for (let i = 0; i < v.length && c.i.length < c.m; i++) ${f}(v[i], \`\${p}[\${i}]\`, c);`);
    }
    if (arrays.length) out.push(only === "array" ? arrays.join(" ") : `if (Array.isArray(v)) { ${arrays.join(" ")} }`);

    const required = Array.isArray(s.required) && s.required.length ? str(s.required) : "0";
    const properties = isObject(s.properties) ? s.properties : {};
    // Known properties map to their check (0: a `true` schema, known but nothing to check), so they
    // never fall to additionalProperties.
    const known = Object.entries(properties).map(([name, sub]) => [
      name,
      this.fn(sub, `${where}/properties/${name}`, stack) ?? 0,
    ]);
    let additional = "0";
    if (s.additionalProperties === false) additional = "false";
    else if (s.additionalProperties !== undefined)
      additional = this.fn(s.additionalProperties, `${where}/additionalProperties`, stack) ?? "0";
    let table = "0";
    if (additional !== "0" || known.some(([, f]) => f !== 0)) {
      // Tables with the same entries are one table.
      const text = `{ ${known.map(([name, f]) => `${key(name)}: ${f}`).join(", ")} }`;
      if (!this.tables.has(text)) this.tables.set(text, `p${this.tables.size}`);
      table = this.tables.get(text);
    }
    if (required !== "0" || table !== "0") {
      this.helpers.add("checkObject");
      const args = [required, table, additional];
      if (required !== "0" && requiredMessage(s) !== "is required") args.push(str(requiredMessage(s)));
      else while (args.at(-1) === "0") args.pop();
      out.push(`checkObject(v, p, c, ${args.join(", ")});`);
    }
    // A wrong type ends the check; when nothing follows it, the check simply ends.
    if (typeCheck === out.length - 1) out[typeCheck] = out[typeCheck].replace(") return report(", ") report(");
    return out;
  }

  /** Refuse schemas whose values could nest deeper than the interpreter follows. */
  assertShallow(schema, where) {
    const d = this.depth(schema);
    if (d >= MAX_DEPTH) throw new Error(`${where} nests ${d} levels: deeper than the ${MAX_DEPTH} the checks follow`);
  }

  /**
   * A check used once, called where it is used (not passed as a value): its body in place of the
   * call, one function less. Only bodies without `return` (a type check followed by more) move.
   * `code`: the code outside the checks that uses them.
   */
  inline(code) {
    const text = () => [...this.tables.keys(), ...this.functions.flatMap((f) => f.body), ...code].join("\n");
    for (const f of [...this.functions]) {
      const call = new RegExp(`\\b${f.name}\\(v, p, c\\);`);
      const host = this.functions.find((g) => g !== f && g.body.some((line) => replaceOnce(line, call, "") !== line));
      if (uses(text(), f.name) !== 1 || !host || f.body.some((line) => line.includes("return "))) continue;
      // Always in braces: a lone `if` put in `if (x) CALL; else ...` would take that else.
      host.body = host.body.map((line) => replaceOnce(line, call, `{ ${f.body.join(" ")} }`));
      this.functions.splice(this.functions.indexOf(f), 1);
    }
    // A property table used once: written where it is used.
    for (const [table, name] of [...this.tables]) {
      if (uses(text(), name) !== 1) continue;
      const reference = new RegExp(`\\b${name}\\b`);
      for (const f of this.functions) f.body = f.body.map((line) => replaceOnce(line, reference, table));
      this.tables.delete(table);
    }
  }

  /** The module-level code: regexes, property tables and check functions. */
  emit() {
    const lines = [];
    for (const { name, source } of this.regexes.values()) lines.push(`const ${name} = /${source}/u;`);
    for (const [text, name] of this.tables) lines.push(`const ${name}: Properties = ${text};`);
    for (const { name, body } of this.functions) {
      lines.push(`function ${name}(v: any, p: string, c: CheckContext): void {`);
      for (const line of body) lines.push(`  ${line}`);
      lines.push("}");
    }
    return lines.join("\n");
  }

  /** Names to import from @bce-openapi/core/internal. */
  imports() {
    return [...this.helpers].sort();
  }

  /** Names to import from @bce-openapi/core/internal/formats: the formats the checks assert. */
  formatImports() {
    return [...this.formats].sort();
  }

  /** Types to import from @bce-openapi/core/internal. */
  typeImports() {
    return [...(this.functions.length ? ["CheckContext"] : []), ...(this.tables.size ? ["Properties"] : [])];
  }
}
