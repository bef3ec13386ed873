// fast-check arbitraries made from the spec's JSON Schemas, and mutations that make a valid value
// invalid. Generic over the keywords the request bodies use; a keyword it does not know fails
// loudly, so a spec change cannot silently narrow what is tested. Regex patterns are the one
// place that needs hand-written generators: PATTERNS maps each pattern string to one.
import fc, { type Arbitrary, type GeneratorValue } from "fast-check";

export type Schema = boolean | { readonly [keyword: string]: unknown };
type SchemaObject = { readonly [keyword: string]: unknown };
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ANNOTATIONS = new Set([
  "title",
  "description",
  "example",
  "examples",
  "default",
  "deprecated",
  "contentEncoding",
  "readOnly",
  "writeOnly",
]);
const ASSERTIONS = new Set([
  "$ref",
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "items",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "if",
  "then",
  "else",
  "allOf",
]);
/** Formats that are annotations only (nothing to generate or break). */
const ANNOTATION_FORMATS = new Set(["password"]);

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const LETTERS = UPPER + LOWER;
const DIGITS = "0123456789";
const SYMBOLS = "!@#$%^+*()";
/** BCC's password symbols (its Chinese "Modify the Instance Password" page). */
const BCC_SYMBOLS = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/";
const HEX = "0123456789abcdef";

const charOf = (chars: string) => fc.constantFrom(...chars.split(""));

/** BEC's password: one of each class, the rest from all, shuffled. */
function password(minLength: number, maxLength: number): Arbitrary<string> {
  return fc
    .tuple(
      charOf(LETTERS),
      charOf(DIGITS),
      charOf(SYMBOLS),
      fc.array(charOf(LETTERS + DIGITS + SYMBOLS), { minLength: minLength - 3, maxLength: maxLength - 3 }),
    )
    .chain(([l, d, s, rest]) => fc.shuffledSubarray([l, d, s, ...rest], { minLength: rest.length + 3 }))
    .map((chars) => chars.join(""));
}

/**
 * BCC's password: at least three of upper case, lower case, digits and symbols (one of each picked,
 * the rest from all the allowed characters), shuffled.
 */
function threeKinds(minLength: number, maxLength: number): Arbitrary<string> {
  const all = LETTERS + DIGITS + BCC_SYMBOLS;
  return fc
    .shuffledSubarray([UPPER, LOWER, DIGITS, BCC_SYMBOLS], { minLength: 3 })
    .chain((kinds) =>
      fc.tuple(
        fc.tuple(...kinds.map(charOf)),
        fc.array(charOf(all), { minLength: minLength - kinds.length, maxLength: maxLength - kinds.length }),
      ),
    )
    .chain(([firsts, rest]) => fc.shuffledSubarray([...firsts, ...rest], { minLength: firsts.length + rest.length }))
    .map((chars) => chars.join(""));
}

/** Generators for the regex patterns the spec uses, keyed by the exact pattern string. */
/** The generator of a pattern, or an error saying where to add one. */
export function patternArbitrary(pattern: string): Arbitrary<string> {
  const arbitrary = PATTERNS[pattern];
  if (!arbitrary)
    throw new Error(
      `no generator for the pattern ${pattern}: add one to PATTERNS in tests/contract/test/schema-arbitrary.ts`,
    );
  return arbitrary;
}

export const PATTERNS: Readonly<Record<string, Arbitrary<string>>> = {
  // AdminPassword: 8-32 characters, a letter, a digit and a symbol from !@#$%^+*().
  "^(?=.*[A-Za-z])(?=.*[0-9])(?=.*[!@#$%^+*()])[A-Za-z0-9!@#$%^+*()]{8,32}$": password(8, 32),
  // BCC's adminPass before encryption (x-bce-plaintext): 8-32 characters, three kinds of four.
  "^(?:(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])|(?=.*[A-Z])(?=.*[a-z])(?=.*[()`~!@#$%^&*\\-_+=|{}\\[\\]:;'<>,.?/])|(?=.*[A-Z])(?=.*[0-9])(?=.*[()`~!@#$%^&*\\-_+=|{}\\[\\]:;'<>,.?/])|(?=.*[a-z])(?=.*[0-9])(?=.*[()`~!@#$%^&*\\-_+=|{}\\[\\]:;'<>,.?/]))[A-Za-z0-9()`~!@#$%^&*\\-_+=|{}\\[\\]:;'<>,.?/]{8,32}$":
    threeKinds(8, 32),
  // EncryptedAdminPass: lowercase hex, 32·k characters (AES blocks).
  "^(?:[0-9a-f]{32})+$": fc
    .array(fc.string({ unit: charOf(HEX), minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 4 })
    .map((blocks) => blocks.join("")),
  // cudaVersion, cudnnVersion (client rule): three-part versions such as 12.5.1.
  "^[0-9]+\\.[0-9]+\\.[0-9]+$": fc.tuple(fc.nat(99), fc.nat(99), fc.nat(999)).map((parts) => parts.join(".")),
  // imageId (client rule): not blank, one character other than white space at least.
  "\\S": fc
    .tuple(fc.string({ maxLength: 10 }), charOf(`${LETTERS}${DIGITS}-_.`), fc.string({ maxLength: 10 }))
    .map((parts) => parts.join("")),
  // VmID, InstanceId: path-safe IDs.
  "^[A-Za-z0-9][A-Za-z0-9_.-]*$": fc
    .tuple(charOf(LETTERS + DIGITS), fc.string({ unit: charOf(`${LETTERS}${DIGITS}_.-`), maxLength: 30 }))
    .map(([first, rest]) => first + rest),
};

/** Ways to break a string that must match a pattern, beyond the generic ones. */
const PATTERN_BREAKERS: Readonly<Record<string, readonly [string, (value: string, g: GeneratorValue) => string][]>> = {
  "^(?=.*[A-Za-z])(?=.*[0-9])(?=.*[!@#$%^+*()])[A-Za-z0-9!@#$%^+*()]{8,32}$": [
    ["password without a letter", (v) => v.replace(/[A-Za-z]/g, "1")],
    ["password without a digit", (v) => v.replace(/[0-9]/g, "a")],
    ["password without a symbol", (v) => v.replace(/[!@#$%^+*()]/g, "a")],
    [
      "password with a forbidden character",
      (v, g) => insert(v, g(fc.constantFrom, "&", " ", "é", "-", "_", "\u0000"), g),
    ],
    ["password too short", (_, g) => g(() => password(3, 7))],
    ["password too long", (_, g) => g(() => password(33, 64))],
  ],
  "^(?:[0-9a-f]{32})+$": [
    ["ciphertext not a whole block", (v, g) => v.slice(0, v.length - g(fc.integer, { min: 1, max: 31 }))],
    ["ciphertext in upper case", (v) => `A${v.slice(1).toUpperCase()}`],
    ["ciphertext with a non-hex character", (v, g) => replaceAt(v, g(fc.constantFrom, "g", "z", " ", "-"), g)],
  ],
  "\\S": [["blank", (_, g) => g(fc.constantFrom, " ", "\t", " \n ")]],
  "^[0-9]+\\.[0-9]+\\.[0-9]+$": [
    ["version with two parts", (v) => v.slice(0, v.lastIndexOf("."))],
    ["version with a suffix", (v, g) => v + g(fc.constantFrom, "-1", ".0", "a", " ")],
  ],
};

function insert(value: string, char: string, g: GeneratorValue): string {
  const at = g(fc.integer, { min: 0, max: value.length });
  return value.slice(0, at) + char + value.slice(at);
}
function replaceAt(value: string, char: string, g: GeneratorValue): string {
  const at = g(fc.integer, { min: 0, max: value.length - 1 });
  return value.slice(0, at) + char + value.slice(at + 1);
}

export class SchemaTools {
  constructor(private readonly root: unknown) {}

  /** Follow $ref (local JSON pointers) until a schema without one; annotations beside a $ref are dropped. */
  resolve(schema: Schema): Schema {
    let current = schema;
    for (let depth = 0; typeof current === "object" && typeof current.$ref === "string"; depth++) {
      if (depth > 20) throw new Error("$ref cycle");
      const ref = current.$ref as string;
      const extra = Object.keys(current).filter((k) => k !== "$ref" && !isAnnotation(k));
      if (extra.length > 0) throw new Error(`keywords beside $ref are not supported: ${extra.join(", ")}`);
      if (!ref.startsWith("#/")) throw new Error(`only local $ref are supported: ${ref}`);
      current = ref
        .slice(2)
        .split("/")
        .reduce<unknown>(
          (node, part) => (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")],
          this.root,
        ) as Schema;
      if (current === undefined) throw new Error(`unresolved $ref ${ref}`);
    }
    return current;
  }

  /**
   * The schema as a client sends it (spec convention): the service-side schema narrowed by the
   * `x-client-rules` beside it, without the tolerances no client uses: `null` (in type lists and
   * as an `anyOf` branch), the empty-string branch, and an open enumeration's "any string" branch.
   * The result is a plain schema without `$ref`s, `anyOf` or client rules.
   */
  clientView(input: Schema): Schema {
    const schema = this.resolve(input);
    if (typeof schema !== "object") return schema;
    let view: Record<string, unknown> = { ...schema };
    if (Array.isArray(view.anyOf)) {
      const branches = (view.anyOf as Schema[])
        .map((b) => this.resolve(b))
        .filter((b) => !isNullOnly(b) && !isEmptyStringOnly(b));
      const specific = branches.filter((b) => !isAnyString(b));
      const kept = specific.length > 0 ? specific : branches;
      if (kept.length !== 1) throw new Error(`an anyOf with ${kept.length} branches a client could use`);
      const { anyOf: _anyOf, ...rest } = view;
      view = { ...rest, ...(this.clientView(kept[0]!) as SchemaObject) };
    }
    if (Array.isArray(view.type)) {
      const types = (view.type as string[]).filter((t) => t !== "null");
      view.type = types.length === 1 ? types[0] : types;
    }
    if (view.properties) {
      view.properties = Object.fromEntries(
        Object.entries(view.properties as Record<string, Schema>).map(([n, sub]) => [n, this.clientView(sub)]),
      );
    }
    if (view.items !== undefined) view.items = this.clientView(view.items as Schema);
    // then/else assert what the client view already says (a present, non-null member), but for
    // the members a client rule forbids there (kept as they are, for `branches`).
    for (const part of ["then", "else"] as const)
      if (view[part] !== undefined) {
        const { properties = {} } = view[part] as { properties?: Record<string, unknown> };
        const forbidden = forbiddenOf(view[part]);
        view[part] = {
          required: requiredOf(view[part], true),
          ...(forbidden.length > 0 && { properties: Object.fromEntries(forbidden.map((n) => [n, properties[n]])) }),
        };
      }
    const rules = view["x-client-rules"];
    delete view["x-client-rules"];
    return rules === undefined ? (view as SchemaObject) : this.withRules(view as SchemaObject, rules as Schema);
  }

  /** `view` narrowed by client `rules`: their keywords win, `required` adds up, properties merge. */
  private withRules(view: SchemaObject, input: Schema): SchemaObject {
    const rules = this.resolve(input);
    if (rules === true) return view;
    if (rules === false) throw new Error("a client rule of false");
    const out: Record<string, unknown> = { ...view };
    for (const [keyword, value] of Object.entries(rules)) {
      if (keyword === "properties") {
        const properties = { ...((out.properties ?? {}) as Record<string, SchemaObject>) };
        for (const [name, sub] of Object.entries(value as Record<string, Schema>)) {
          if (sub === true) continue;
          if (!(name in properties)) throw new Error(`a client rule for ${name}, which the schema does not define`);
          // A member the clients never send (BEC's deprecated top-level adminPass): not generated.
          if (forbids(sub)) {
            delete properties[name];
            continue;
          }
          properties[name] = this.withRules(properties[name]!, sub);
        }
        out.properties = properties;
      } else if (keyword === "required") {
        out.required = [...new Set([...((out.required ?? []) as string[]), ...(value as string[])])];
      } else if ((keyword === "if" || keyword === "then" || keyword === "else") && view.if !== undefined) {
        // A rule on the condition the schema already has (KeyConfig's type): its branches add to
        // the schema's, as both apply. Another condition beside it is not supported.
        if (JSON.stringify(rules.if) !== JSON.stringify(view.if))
          throw new Error("a client rule's if differs from the schema's own if");
        if (keyword === "if") continue;
        const part = (out[keyword] ?? {}) as SchemaObject;
        const added = value as SchemaObject;
        out[keyword] = { ...part, properties: { ...(part.properties ?? {}), ...(added.properties ?? {}) } };
      } else if (!isAnnotation(keyword)) {
        out[keyword] = value;
      }
    }
    return out;
  }

  /** An arbitrary of values valid against the schema. */
  arbitrary(input: Schema): Arbitrary<Json> {
    const schema = this.resolve(input);
    if (schema === true) return fc.jsonValue() as Arbitrary<Json>;
    if (schema === false) throw new Error("nothing is valid against false");
    checkKeywords(schema);
    if (schema.if !== undefined) return fc.oneof(...this.branches(schema).map((branch) => this.arbitrary(branch)));
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
    if ("const" in schema) return fc.constant(schema.const as Json);
    switch (schema.type) {
      case "string":
        return this.string(schema);
      case "boolean":
        return fc.boolean();
      case "integer":
        return fc.integer({
          min: (schema.minimum as number | undefined) ?? -(2 ** 31),
          max: (schema.maximum as number | undefined) ?? 2 ** 31 - 1,
        });
      case "array": {
        const minLength = (schema.minItems as number | undefined) ?? 0;
        const maxLength = (schema.maxItems as number | undefined) ?? minLength + 3;
        return fc.array(this.arbitrary((schema.items as Schema | undefined) ?? true), { minLength, maxLength });
      }
      case "object": {
        const properties = (schema.properties ?? {}) as Record<string, Schema>;
        const required = (schema.required ?? []) as string[];
        const model = Object.fromEntries(Object.entries(properties).map(([name, sub]) => [name, this.arbitrary(sub)]));
        for (const name of required) if (!(name in model)) throw new Error(`required ${name} has no schema`);
        return fc.record(model, { requiredKeys: required }) as Arbitrary<Json>;
      }
      default:
        throw new Error(`unsupported type ${JSON.stringify(schema.type)}`);
    }
  }

  private string(schema: SchemaObject): Arbitrary<Json> {
    if (typeof schema.pattern === "string") {
      const arbitrary = patternArbitrary(schema.pattern);
      // A generator is written for its pattern, not for a length the schema sets beside it.
      const { minLength = 0, maxLength = Infinity } = schema as { minLength?: number; maxLength?: number };
      if (minLength === 0 && maxLength === Infinity) return arbitrary;
      return arbitrary.filter((value) => [...value].length >= minLength && [...value].length <= maxLength);
    }
    const minLength = (schema.minLength as number | undefined) ?? 0;
    const maxLength = schema.maxLength as number | undefined;
    // Graphemes may be several code points; keep to ASCII when a maximum must hold.
    return fc.string({
      minLength,
      ...(maxLength !== undefined ? { maxLength, unit: "grapheme-ascii" } : { unit: "grapheme" }),
    });
  }

  /**
   * An object schema with if/then/else as two plain schemas: the `if` must be a set of
   * `properties: { name: { const } }` (the shape KeyConfig uses), optionally with `required: [name]`;
   * the then branch fixes those properties to the constants, the else branch to the other enum
   * values (the other boolean, for a boolean), each adding its branch's `required` and dropping the
   * properties its branch forbids (`properties: { x: false }`, the shape RebuildInstanceRequest's
   * client rule uses for keepImageLogin).
   */
  branches(schema: SchemaObject): SchemaObject[] {
    const { if: condition, then: thenPart, else: elsePart, ...rest } = schema;
    const cond = condition as SchemaObject;
    const extra = Object.keys(cond).filter((k) => k !== "properties" && k !== "required");
    if (extra.length > 0) throw new Error(`unsupported if keywords: ${extra.join(", ")}`);
    const constants = Object.entries(cond.properties as Record<string, SchemaObject>).map(([name, sub]) => {
      if (!("const" in sub) || Object.keys(sub).length !== 1) throw new Error(`unsupported if on ${name}`);
      return [name, sub.const] as const;
    });
    if (constants.length !== 1) throw new Error("if must test exactly one property");
    const [[name, value]] = constants as [readonly [string, unknown]];
    const properties = rest.properties as Record<string, Schema>;
    const conditionRequired = (cond.required ?? []) as string[];
    if (conditionRequired.some((n) => n !== name)) throw new Error(`if may require only ${name}`);
    const discriminator = this.resolve(properties[name]!) as SchemaObject;
    const values = Array.isArray(discriminator.enum)
      ? (discriminator.enum as unknown[])
      : discriminator.type === "boolean"
        ? [true, false]
        : undefined;
    const others = values?.filter((v) => v !== value);
    if (!others || others.length === 0) throw new Error(`if on ${name} needs an enum with other values`);
    const branch = (part: unknown, narrowed: SchemaObject): SchemaObject => {
      const forbidden = forbiddenOf(part);
      const kept = Object.fromEntries(Object.entries(properties).filter(([n]) => !forbidden.includes(n)));
      // A required condition adds nothing to either branch: a body without the discriminator is
      // valid in both (it does not meet the condition, and the then branch only forbids members).
      const required = [...new Set([...((rest.required ?? []) as string[]), ...requiredOf(part)])];
      return {
        ...rest,
        properties: { ...kept, [name]: narrowed },
        required: required.filter((n) => !forbidden.includes(n)),
      };
    };
    // x-allEnum: the whole enumeration, so a mutation "outside the enum" stays outside it.
    const all = values;
    return [branch(thenPart, { const: value, "x-allEnum": all }), branch(elsePart, { enum: others, "x-allEnum": all })];
  }

  /** The plain schema that applies to `value`: for if/then/else, the branch its discriminator selects. */
  effective(input: Schema, value: unknown): Schema {
    const schema = this.resolve(input);
    if (typeof schema !== "object" || schema.if === undefined) return schema;
    const [thenBranch, elseBranch] = this.branches(schema) as [SchemaObject, SchemaObject];
    const [name] = Object.keys((schema.if as SchemaObject).properties as object) as [string];
    const chosen =
      (value as Record<string, unknown>)[name] === (thenBranch.properties as Record<string, SchemaObject>)[name]!.const;
    return chosen ? thenBranch : elseBranch;
  }

  /**
   * Every way this tool knows to make `value` invalid against `schema`, each applied lazily
   * (with a fast-check generator for its random parts).
   */
  mutations(input: Schema, value: Json, path: (string | number)[] = []): Mutation[] {
    const schema = this.effective(input, value);
    if (typeof schema !== "object") return [];
    const out: Mutation[] = [];
    const at = path.length === 0 ? "body" : `body.${path.join(".")}`;
    const add = (kind: string, make: (g: GeneratorValue) => Json) => out.push({ kind, field: at, path, make });
    const type = Array.isArray(schema.enum)
      ? typeof schema.enum[0]
      : schema.const !== undefined
        ? typeof schema.const
        : schema.type;

    if (path.length > 0) add(`wrong type (${String(type)})`, (g) => g(() => wrongType(type as string)));
    if (Array.isArray(schema.enum) || "const" in schema) {
      const allowed = (schema["x-allEnum"] ?? schema.enum ?? [schema.const]) as unknown[];
      add("value outside the enum", (g) => g(() => fc.string({ maxLength: 12 }).filter((s) => !allowed.includes(s))));
    }
    if (type === "string" && typeof value === "string") {
      const minLength = schema.minLength as number | undefined;
      const maxLength = schema.maxLength as number | undefined;
      if (minLength !== undefined && minLength > 0) add("string too short", () => value.slice(0, minLength - 1));
      if (maxLength !== undefined) {
        add("string too long", (g) =>
          typeof schema.pattern === "string" && PATTERNS[schema.pattern]
            ? (g(() => password(maxLength + 1, maxLength + 32)) as string)
            : value + "x".repeat(maxLength + 1 - value.length + g(fc.nat, 8)),
        );
      }
      if (typeof schema.pattern === "string") {
        for (const [kind, breaker] of PATTERN_BREAKERS[schema.pattern] ?? []) add(kind, (g) => breaker(value, g));
      }
    }
    if (type === "array" && Array.isArray(value)) {
      const minItems = schema.minItems as number | undefined;
      if (minItems !== undefined && minItems > 0) add("too few items", () => value.slice(0, minItems - 1));
      for (const [i, item] of value.entries()) {
        out.push(...this.mutations((schema.items as Schema | undefined) ?? true, item, [...path, i]));
      }
    }
    if (type === "object" && isRecord(value)) {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      for (const name of (schema.required ?? []) as string[]) {
        if (name in value) {
          out.push({ kind: "required field dropped", field: `${at}.${name}`, path, make: () => omit(value, name) });
        }
      }
      if (schema.additionalProperties === false) {
        add("unknown property", (g) => {
          const name = g(() =>
            fc.string({ minLength: 1, maxLength: 12 }).filter((n) => !(n in properties) && n !== "__proto__"),
          );
          return { ...value, [name]: g(fc.jsonValue) as Json };
        });
      }
      for (const [name, sub] of Object.entries(properties)) {
        if (name in value && value[name] !== undefined) out.push(...this.mutations(sub, value[name]!, [...path, name]));
      }
    }
    return out;
  }
}

export interface Mutation {
  kind: string;
  /** The field the mutation breaks, as the client names fields (`body.keyConfig.adminPass`). */
  field: string;
  /** Where in the value the replacement goes (the mutated node's own path). */
  path: (string | number)[];
  make: (g: GeneratorValue) => Json;
}

/** Apply a mutation to a whole body. */
export function applyMutation(body: Json, mutation: Mutation, g: GeneratorValue): Json {
  const replacement = mutation.make(g);
  if (mutation.path.length === 0) return replacement;
  const copy = structuredClone(body);
  let node = copy as Record<string | number, Json>;
  for (const key of mutation.path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[mutation.path[mutation.path.length - 1]!] = replacement;
  return copy;
}

function wrongType(type: string): Arbitrary<Json> {
  const candidates: Record<string, Arbitrary<Json>> = {
    string: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant<Json>([]), fc.constant<Json>({})),
    boolean: fc.oneof(fc.constantFrom("true", "false", 0, 1, null), fc.constant<Json>([])),
    integer: fc.oneof(fc.constant(1.5), fc.integer().map(String), fc.constant(null), fc.boolean()),
    number: fc.oneof(fc.integer().map(String), fc.constant(null), fc.boolean()),
    array: fc.oneof(fc.string(), fc.constant<Json>({}), fc.constant(null), fc.integer()),
    object: fc.oneof(fc.string(), fc.constant<Json>([]), fc.constant(null), fc.integer()),
  };
  const arbitrary = candidates[type];
  if (!arbitrary) throw new Error(`no wrong-type values for ${type}`);
  return arbitrary;
}

function checkKeywords(schema: SchemaObject): void {
  for (const keyword of Object.keys(schema)) {
    if (isAnnotation(keyword)) continue;
    if (!ASSERTIONS.has(keyword)) throw new Error(`unsupported JSON Schema keyword ${keyword}`);
  }
  if (typeof schema.format === "string" && !ANNOTATION_FORMATS.has(schema.format)) {
    throw new Error(`no generator for format ${schema.format}`);
  }
  if (schema.allOf !== undefined && schema.if === undefined)
    throw new Error("allOf outside if/then/else is not supported");
}

/**
 * A schema no value meets: `false`, or `{ not: {} }` with annotations beside it (an
 * `x-not-message` saying why).
 */
const forbids = (sub: unknown): boolean =>
  sub === false ||
  (isRecord(sub as Json) &&
    isRecord((sub as { not?: Json }).not as Json) &&
    Object.keys((sub as { not: object }).not).length === 0 &&
    Object.keys(sub as object).every((k) => k === "not" || k.startsWith("x-")));

/** The properties a then/else part forbids (`properties: { x: false }`, or `x: { not: {} }`). */
function forbiddenOf(part: unknown): string[] {
  const properties = (part as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return Object.entries(properties)
    .filter(([, sub]) => forbids(sub))
    .map(([name]) => name);
}

function requiredOf(part: unknown, clientView = false): string[] {
  if (part === undefined) return [];
  const {
    required = [],
    allOf = [],
    properties,
    ...rest
  } = part as { required?: string[]; allOf?: SchemaObject[]; properties?: Record<string, unknown> };
  // `properties: { x: false }` forbids members (forbiddenOf); it requires none.
  if (properties !== undefined && !Object.values(properties).every(forbids))
    (rest as Record<string, unknown>).properties = properties;
  // allOf entries that only say `properties: { x: true }` assert nothing; in a client view, one that
  // says a required member is not null (`{ type: string }`) asserts nothing either.
  for (const sub of allOf) {
    const props = sub.properties as Record<string, unknown> | undefined;
    const harmless = (v: unknown) =>
      v === true || (clientView && isRecord(v as Json) && Object.keys(v as object).every((k) => k === "type"));
    if (Object.keys(sub).some((k) => k !== "properties") || !props || !Object.values(props).every(harmless)) {
      throw new Error("unsupported allOf in then/else");
    }
  }
  const unsupported = Object.keys(rest).filter((k) => !isAnnotation(k));
  if (unsupported.length > 0) throw new Error(`unsupported then/else keywords: ${unsupported.join(", ")}`);
  return required;
}

const isNullOnly = (schema: Schema) =>
  typeof schema === "object" &&
  schema.type === "null" &&
  Object.keys(schema).every((k) => k === "type" || isAnnotation(k));
const isEmptyStringOnly = (schema: Schema) =>
  typeof schema === "object" && schema.type === "string" && schema.maxLength === 0;
const isAnyString = (schema: Schema) =>
  typeof schema === "object" &&
  schema.type === "string" &&
  Object.keys(schema).every((k) => k === "type" || isAnnotation(k));

function isAnnotation(keyword: string): boolean {
  return ANNOTATIONS.has(keyword) || keyword.startsWith("x-");
}

function isRecord(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function omit(value: Record<string, Json>, name: string): Json {
  const { [name]: _, ...rest } = value;
  return rest;
}
