// Compiles the JSON Schemas a client sends into plain JavaScript checks, at build time, with each
// schema's `x-client-rules` applied beside it (what a client may send is the schema AND its rules).
//
// The output mirrors, keyword by keyword and in the same order, the schema interpreter in
// packages/core/src/validation/schema.ts, which stays the oracle: the same value gets the same
// issues (path, rule, message) from both. Runtime helpers come from @bce-openapi/core/internal
// (check-runtime.ts). What the interpreter would refuse to interpret, this refuses to compile.

import { ANNOTATION_KEYWORDS, INTERPRETED_KEYWORDS, MAX_DEPTH } from "@bce-openapi/core/internal/validation";

// What the interpreter interprets is what this compiles: the keyword lists and the depth limit
// come from the interpreter itself.
const KNOWN = new Set(INTERPRETED_KEYWORDS);
const ANNOTATIONS = ANNOTATION_KEYWORDS;

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v) => (typeof v === "string" ? v : JSON.stringify(v));
const str = (v) => JSON.stringify(v);

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
    this.tables = [];
    this.functions = [];
    this.regexes = new Map();
    this.usesFormats = false;
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

  regex(pattern) {
    if (!this.regexes.has(pattern)) {
      new RegExp(pattern, "u"); // throws here, at build time, for a pattern that does not compile
      this.regexes.set(pattern, `re${this.regexes.size}`);
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
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (types.length === 1) only = types[0];
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
        this.helpers.add("passes");
        this.helpers.add("reportAnyOf");
        out.push(
          `if (!(${branches.map((f) => `passes(${f}, v, p)`).join(" || ")})) reportAnyOf(c, p, v, [${branches.join(", ")}]);`,
        );
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
      this.helpers.add("passes");
      out.push(`if (${probe(s.not, `${where}/not`)}) report(c, p, "not", "must not match the schema in \\"not\\"");`);
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
        `if (n < ${s.minLength}) report(c, p, "minLength", ${str(`must have at least ${s.minLength} characters`)});`,
      );
    if (typeof s.maxLength === "number")
      strings.push(
        `if (n > ${s.maxLength}) report(c, p, "maxLength", ${str(`must have at most ${s.maxLength} characters`)});`,
      );
    if (typeof s.pattern === "string")
      strings.push(
        `if (!${this.regex(s.pattern)}.test(v)) report(c, p, "pattern", ${str(`must match the pattern ${s.pattern}`)});`,
      );
    if (typeof s.format === "string") {
      // Which formats are asserted is the runtime's FORMATS table, as in the interpreter.
      this.usesFormats = true;
      strings.push(
        `{ const f = FORMATS[${str(s.format)}]; if (f && !f.check(v)) report(c, p, "format", "must be a valid " + f.description); }`,
      );
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
        `if (v.length < ${s.minItems}) report(c, p, "minItems", ${str(`must have at least ${s.minItems} items`)});`,
      );
    if (typeof s.maxItems === "number")
      arrays.push(
        `if (v.length > ${s.maxItems}) report(c, p, "maxItems", ${str(`must have at most ${s.maxItems} items`)});`,
      );
    if (s.items !== undefined) {
      const f = this.fn(s.items, `${where}/items`, stack);
      if (f) arrays.push(`for (let i = 0; i < v.length && c.i.length < c.m; i++) ${f}(v[i], p + "[" + i + "]", c);`);
    }
    if (arrays.length) out.push(only === "array" ? arrays.join(" ") : `if (Array.isArray(v)) { ${arrays.join(" ")} }`);

    const objects = [];
    if (Array.isArray(s.required) && s.required.length) {
      this.helpers.add("checkRequired");
      objects.push(`checkRequired(v, p, c, ${str(s.required)});`);
    }
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
    if (additional !== "0" || known.some(([, f]) => f !== 0)) {
      this.helpers.add("checkProperties");
      const table = `p${this.tables.length}`;
      this.tables.push(
        `const ${table} = new Map<string, Check | 0>([${known.map(([name, f]) => `[${str(name)}, ${f}]`).join(", ")}]);`,
      );
      objects.push(`checkProperties(v, p, c, ${table}, ${additional});`);
    }
    if (objects.length) {
      if (only === "object") out.push(objects.join(" "));
      else {
        this.helpers.add("isObject");
        out.push(`if (isObject(v)) { ${objects.join(" ")} }`);
      }
    }
    return out;
  }

  /** Refuse schemas whose values could nest deeper than the interpreter follows. */
  assertShallow(schema, where) {
    const d = this.depth(schema);
    if (d >= MAX_DEPTH) throw new Error(`${where} nests ${d} levels: deeper than the ${MAX_DEPTH} the checks follow`);
  }

  /** The module-level code: regexes and check functions. */
  emit() {
    const lines = [];
    for (const [pattern, name] of this.regexes) lines.push(`const ${name} = new RegExp(${str(pattern)}, "u");`);
    lines.push(...this.tables);
    for (const { name, body } of this.functions) {
      lines.push(`function ${name}(v: any, p: string, c: CheckContext): void {`);
      for (const line of body) lines.push(`  ${line}`);
      lines.push("}");
    }
    return lines.join("\n");
  }

  /** Names to import from @bce-openapi/core/internal. */
  imports() {
    return [...this.helpers, ...(this.usesFormats ? ["FORMATS"] : [])].sort();
  }
}
