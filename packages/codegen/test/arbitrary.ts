// Values for a JSON Schema that are often valid and often not: the differential test needs both.
// A schema is read as alternatives (anyOf, oneOf and if/then/else branches), each a conjunction of
// keyword sets ($ref targets, allOf members, x-client-rules); values are built to meet one
// alternative, and now and then any JSON value or a near miss stands in.
import fc from "fast-check";

type Schema = boolean | Record<string, any>;
type Part = Record<string, any>;
const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
const ABSENT = Symbol("absent");
const MAX_ALTERNATIVES = 12;

function resolve(root: any, ref: string): Schema {
  return ref
    .slice(2)
    .split("/")
    .reduce((node, token) => node[decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~")], root);
}

const cross = (a: Part[][], b: Part[][]): Part[][] =>
  a.flatMap((x) => b.map((y) => [...x, ...y])).slice(0, MAX_ALTERNATIVES);

/** The schema's alternatives, each a list of keyword sets that must all hold. */
function alternatives(root: any, schema: Schema, depth = 0): Part[][] {
  if (schema === true || depth > 16) return [[]];
  if (schema === false) return [[{ type: [] }]];
  const {
    $ref,
    allOf,
    anyOf,
    oneOf,
    if: cond,
    then,
    else: otherwise,
    not: _not,
    "x-client-rules": rules,
    ...base
  } = schema;
  let result: Part[][] = [[base]];
  const conjuncts = [
    ...(typeof $ref === "string" ? [resolve(root, $ref)] : []),
    ...(allOf ?? []),
    ...(rules !== undefined ? [rules] : []),
  ];
  for (const c of conjuncts) result = cross(result, alternatives(root, c, depth + 1));
  for (const branches of [anyOf, oneOf])
    if (Array.isArray(branches))
      result = cross(
        result,
        branches.flatMap((b: Schema) => alternatives(root, b, depth + 1)),
      );
  if (cond !== undefined) {
    const yes = cross(
      alternatives(root, cond, depth + 1),
      then === undefined ? [[]] : alternatives(root, then, depth + 1),
    );
    const no = otherwise === undefined ? [[]] : alternatives(root, otherwise, depth + 1);
    result = cross(result, [...yes, ...no]);
  }
  return result;
}

const junk = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, "", " ", "x", "é", "😀", "../x", "A".repeat(70), [], {}),
  fc.jsonValue({ maxDepth: 2 }),
);

function stringFor(parts: Part[]): fc.Arbitrary<string> {
  const good: fc.Arbitrary<string>[] = [];
  for (const s of parts) {
    if (typeof s.pattern === "string") {
      // fast-check cannot build lookaheads: the pattern without them gives near misses and hits.
      for (const pattern of [s.pattern, s.pattern.replace(/\(\?=(?:[^()]|\([^()]*\))*\)/g, "")]) {
        try {
          good.push(fc.stringMatching(new RegExp(pattern)));
          break;
        } catch {
          // try the next form
        }
      }
    }
    if (s.format === "ipv4") good.push(fc.ipV4());
    if (s.format === "date-time")
      good.push(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()));
    if (s.format === "uuid") good.push(fc.uuid());
    for (const v of [s.example, ...(s.examples ?? [])]) if (typeof v === "string") good.push(fc.constant(v));
  }
  const min = Math.max(0, ...parts.map((s) => s.minLength ?? 0));
  // An alternative no string meets (a client rule's minLength beside a branch's maxLength 0): near misses only.
  const max = Math.max(min, Math.min(...parts.map((s) => s.maxLength ?? Infinity)));
  if (good.length === 0) good.push(fc.string({ minLength: min, maxLength: Number.isFinite(max) ? max : min + 10 }));
  const near = fc.oneof(
    fc.string({ minLength: Math.max(0, min - 1), maxLength: Number.isFinite(max) ? max + 1 : min + 12 }),
    fc.string({
      unit: fc.constantFrom(..."aZ09!@#$%^+*()-_. &é".split("")),
      minLength: Math.max(0, min - 1),
      maxLength: Number.isFinite(max) ? max + 1 : 34,
    }),
    fc.string({ unit: "grapheme", maxLength: 6 }),
  );
  return fc.oneof({ arbitrary: fc.oneof(...good), weight: 6 }, { arbitrary: near, weight: 1 });
}

/** Values meeting one alternative's keyword sets, as far as a generator reasonably can. */
function valueFor(root: any, parts: Part[], depth: number): fc.Arbitrary<unknown> {
  const typed = parts.filter((s) => s.type !== undefined).map((s) => new Set<string>([s.type].flat()));
  const all = ["string", "integer", "number", "boolean", "null", "object", "array"];
  let types = all.filter((t) => typed.every((set) => set.has(t) || (t === "integer" && set.has("number"))));
  const hasEnum = parts.filter((s) => Array.isArray(s.enum) || "const" in s);
  if (hasEnum.length) {
    const values = hasEnum.map((s) => (Array.isArray(s.enum) ? s.enum : [s.const]));
    const shared = values[0]!.filter((v: unknown) =>
      values.every((list) => list.some((w: unknown) => JSON.stringify(w) === JSON.stringify(v))),
    );
    if (shared.length) return fc.constantFrom(...shared);
  }
  if (types.length === all.length)
    types = parts.some((s) => s.properties)
      ? ["object"]
      : parts.some((s) => s.pattern || s.minLength !== undefined)
        ? ["string"]
        : types;
  const choices: fc.Arbitrary<unknown>[] = [];
  const min = Math.max(-1e6, ...parts.map((s) => (typeof s.minimum === "number" ? s.minimum : -1e6)), -100);
  const max = Math.max(
    min,
    Math.min(min + 200, ...parts.map((s) => (typeof s.maximum === "number" ? s.maximum : Infinity))),
  );
  for (const type of types) {
    if (type === "string") choices.push(stringFor(parts));
    if (type === "integer") choices.push(fc.integer({ min: Math.ceil(min) - 1, max: Math.floor(max) + 1 }));
    if (type === "number") choices.push(fc.double({ min: min - 1, max: max + 1, noNaN: true }));
    if (type === "boolean") choices.push(fc.boolean());
    if (type === "null") choices.push(fc.constant(null));
    if (type === "array" && depth < 6) {
      const items = parts.map((s) => s.items).filter((i) => i !== undefined);
      const minItems = Math.max(0, ...parts.map((s) => s.minItems ?? 0));
      const maxItems = Math.min(4, ...parts.map((s) => s.maxItems ?? 4));
      choices.push(
        fc.array(items.length ? arbitraryFor(root, { allOf: items }, depth + 1) : junk, {
          minLength: minItems,
          maxLength: Math.max(minItems, maxItems),
        }),
      );
    }
    if (type === "object" && depth < 6) {
      const names = [...new Set(parts.flatMap((s) => Object.keys(isObject(s.properties) ? s.properties : {})))];
      const required = new Set(parts.flatMap((s) => s.required ?? []));
      const closed = parts.some((s) => s.additionalProperties === false);
      const fields = names.map((name) => {
        const schemas = parts.map((s) => s.properties?.[name]).filter((x) => x !== undefined);
        const arb = schemas.includes(false) ? junk : arbitraryFor(root, { allOf: schemas }, depth + 1);
        // Required properties are there nine times in ten, the others one time in three.
        const weights = required.has(name) ? [1, 9] : [2, 1];
        return fc
          .oneof({ arbitrary: fc.constant(ABSENT), weight: weights[0]! }, { arbitrary: arb, weight: weights[1]! })
          .map((v) => [name, v] as const);
      });
      const extra = fc.oneof(
        { arbitrary: fc.constant(null), weight: closed ? 20 : 4 },
        { arbitrary: fc.tuple(fc.constantFrom("unknownField", "has space", "__x"), junk), weight: 1 },
      );
      choices.push(
        fc.tuple(fc.tuple(...fields), extra).map(([entries, more]) => {
          const out: Record<string, unknown> = Object.fromEntries(entries.filter(([, v]) => v !== ABSENT));
          if (more) out[more[0]] = more[1];
          return out;
        }),
      );
    }
  }
  return choices.length ? fc.oneof(...choices) : junk;
}

/** An arbitrary for `schema`, $refs resolved against `root`. */
export function arbitraryFor(root: any, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const alts = alternatives(root, schema);
  const valid = fc.oneof(...alts.map((parts) => valueFor(root, parts, depth)));
  return fc.oneof({ arbitrary: valid, weight: depth === 0 ? 8 : 30 }, { arbitrary: junk, weight: 1 });
}
