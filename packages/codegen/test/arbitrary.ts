// Values for a JSON Schema that are often valid and often not: the differential test needs both.
// Each keyword is met, or broken, at random; now and then any JSON value stands in.
import fc from "fast-check";

type Schema = boolean | Record<string, any>;
const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

function resolve(root: any, ref: string): Schema {
  return ref
    .slice(2)
    .split("/")
    .reduce((node, token) => node[decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~")], root);
}

/** The schema and everything it applies at the same place (refs, allOf, then/else, anyOf...). */
function flatten(root: any, schema: Schema, seen = new Set<object>()): Record<string, any>[] {
  if (!isObject(schema) || seen.has(schema)) return [];
  seen.add(schema);
  const out = [schema];
  if (typeof schema.$ref === "string") out.push(...flatten(root, resolve(root, schema.$ref), seen));
  for (const k of ["allOf", "anyOf", "oneOf"]) for (const s of schema[k] ?? []) out.push(...flatten(root, s, seen));
  for (const k of ["then", "else", "if"]) if (schema[k] !== undefined) out.push(...flatten(root, schema[k], seen));
  return out;
}

const ABSENT = Symbol("absent");

const junk = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, "", " ", "x", "é", "😀", "../x", "A".repeat(70), [], {}),
  fc.jsonValue({ maxDepth: 2 }),
);

function stringFor(parts: Record<string, any>[]): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [];
  for (const s of parts) {
    if (typeof s.pattern === "string") {
      try {
        const matching = fc.stringMatching(new RegExp(s.pattern));
        options.push(matching, matching, matching, matching);
      } catch {
        // fast-check cannot build lookaheads: the pattern without them gives near misses and hits.
        const bare = s.pattern.replace(/\(\?=(?:[^()]|\([^()]*\))*\)/g, "");
        try {
          options.push(fc.stringMatching(new RegExp(bare)), fc.stringMatching(new RegExp(bare)));
        } catch {
          // the characters below will do
        }
      }
      options.push(fc.string({ unit: fc.constantFrom(..."aZ09!@#$%^+*()-_. &é".split("")), minLength: 6, maxLength: 34 }));
    }
    if (typeof s.minLength === "number" || typeof s.maxLength === "number") {
      const min = s.minLength ?? 0;
      const max = s.maxLength ?? min + 8;
      options.push(fc.string({ minLength: Math.max(0, min - 1), maxLength: max + 1 }));
    }
    if (s.format === "ipv4") options.push(fc.ipV4(), fc.ipV4Extended());
    if (s.format === "date-time") options.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constant("2021-02-30T00:00:00Z"));
    if (s.format === "uuid") options.push(fc.uuid());
    for (const v of s.enum ?? []) if (typeof v === "string") options.push(fc.constant(v));
    for (const v of [s.example, ...(s.examples ?? [])]) if (typeof v === "string") options.push(fc.constant(v), fc.constant(v));
    if (typeof s.const === "string") options.push(fc.constant(s.const));
  }
  const anyString = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 6 }));
  return options.length ? fc.oneof({ arbitrary: fc.oneof(...options), weight: 4 }, { arbitrary: anyString, weight: 1 }) : anyString;
}

/** An arbitrary for `schema`, $refs resolved against `root`. */
export function arbitraryFor(root: any, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const parts = flatten(root, schema);
  const types = new Set<string>(parts.flatMap((s) => [s.type ?? []].flat()));
  const choices: fc.Arbitrary<unknown>[] = [];
  const consts = parts.flatMap((s) => [...(s.enum ?? []), ...("const" in s ? [s.const] : [])]);
  // Listed values three times out of four where there are any.
  if (consts.length) choices.push(fc.constantFrom(...consts), fc.constantFrom(...consts), fc.constantFrom(...consts));
  if (types.has("string") || parts.some((s) => s.pattern || s.format || s.minLength !== undefined)) choices.push(stringFor(parts));
  const min = parts.find((s) => typeof s.minimum === "number")?.minimum ?? -100;
  const max = parts.find((s) => typeof s.maximum === "number")?.maximum ?? 100;
  if (types.has("integer")) choices.push(fc.integer({ min: Math.ceil(min) - 2, max: Math.floor(max) + 2 }));
  if (types.has("number")) choices.push(fc.double({ min: min - 1, max: max + 1 }), fc.double());
  if (types.has("boolean")) choices.push(fc.boolean());
  if (types.has("null")) choices.push(fc.constant(null));
  const properties = Object.assign({}, ...parts.map((s) => (isObject(s.properties) ? s.properties : {})));
  if ((types.has("object") || Object.keys(properties).length) && depth < 6) {
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, sub] of Object.entries(properties)) {
      // A property's own schema is merged from every part that names it.
      const merged = parts.map((s) => s.properties?.[name]).filter((x) => x !== undefined && x !== true);
      fields[name] = merged.length ? fc.oneof(...merged.map((m) => arbitraryFor(root, m, depth + 1))) : arbitraryFor(root, sub as Schema, depth + 1);
    }
    const extra = parts.map((s) => s.additionalProperties).find((a) => isObject(a));
    const required = new Set(parts.flatMap((s) => s.required ?? []));
    choices.push(
      fc
        .tuple(
          // Each optional property is there one time in four.
          fc
            .tuple(...Object.entries(fields).map(([k, a]) => fc.oneof({ arbitrary: fc.constant(ABSENT), weight: 3 }, { arbitrary: a, weight: 1 }).map((v) => [k, v] as const)))
            .map((entries) => Object.fromEntries(entries.filter(([, v]) => v !== ABSENT))),
          fc.oneof(
            { arbitrary: fc.constant(null), weight: 12 },
            { arbitrary: fc.tuple(fc.constantFrom("unknownField", "has space", "__x"), extra ? arbitraryFor(root, extra, depth + 1) : junk), weight: 1 },
          ),
          fc.integer({ min: 0, max: 9 }),
        )
        .chain(([record, more, dropRequired]) =>
          // Required properties are there nine times in ten (values for them drawn afresh).
          fc.record(Object.fromEntries([...required].filter((k) => k in fields && !(k in record) && dropRequired > 0).map((k) => [k, fields[k]!]))).map((added) => {
            const out: Record<string, unknown> = { ...record, ...added };
            if (more) out[more[0]] = more[1];
            return out;
          }),
        ),
    );
  }
  const items = parts.map((s) => s.items).find((i) => i !== undefined);
  if ((types.has("array") || items !== undefined) && depth < 6) {
    choices.push(fc.array(items !== undefined ? arbitraryFor(root, items, depth + 1) : junk, { maxLength: 4 }));
  }
  if (choices.length === 0) return junk;
  return fc.oneof({ arbitrary: fc.oneof(...choices), weight: depth === 0 ? 10 : 40 }, { arbitrary: junk, weight: 1 });
}
