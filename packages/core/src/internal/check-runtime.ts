/**
 * The few helpers the generated request checks call (packages/codegen emits them as plain
 * JavaScript from the spec's schemas). Each mirrors a piece of the schema interpreter in
 * ../validation/schema.ts, which stays the oracle: a property test in packages/codegen shows the
 * generated checks report the same field, rule and message as the interpreter.
 *
 * The small JSON helpers below (isObject, has, childPath, codePoints, equal) are the interpreter's
 * twins on purpose: the oracle does not share code with what it checks, and the interpreter loads
 * in its own chunk (opt-in response checks), so sharing a module would move it into every client bundle.
 */
import { BceValidationError, quoted } from "../errors.js";
import type { SchemaIssue } from "../validation/schema.js";

/** Issues found so far (`i`) and how many to keep (`m`). */
export interface CheckContext {
  readonly i: SchemaIssue[];
  readonly m: number;
}

/** Issues kept by a request check, as validateSchema's default. */
export const MAX_ISSUES = 10;

/** A fresh context. */
export const newContext = (max = MAX_ISSUES): CheckContext => ({ i: [], m: max });

/** Record an issue, up to the context's limit; the same issue twice (a schema and its client rules) once. */
export function report(c: CheckContext, path: string, rule: string, message: string): void {
  if (c.i.length < c.m && !c.i.some((i) => i.path === path && i.rule === rule && i.message === message))
    c.i.push({ path, rule, message });
}

/**
 * The `pattern` keyword: `message` (the schema's `x-pattern-message`) or `must match the pattern`,
 * with the pattern as the spec writes it (`spec`: the RegExp's source unless escaping changed it).
 * A string the RegExp cannot be run on is refused as too long: a pattern that repeats a group
 * (`^(?:[0-9a-f]{32})+$`) overflows V8's regexp stack on one of some megabytes, a RangeError.
 */
export function pattern(v: string, p: string, c: CheckContext, re: RegExp, message?: string, spec = re.source): void {
  let matched: boolean | undefined;
  try {
    matched = re.test(v);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  if (!matched)
    report(
      c,
      p,
      "pattern",
      matched === false
        ? (message ?? `must match the pattern ${spec}`)
        : `is too long to be checked against the pattern ${spec}`,
    );
}

/** A generated check: records the issues of value `v` at path `p` in `c`. */
export type Check = (v: unknown, p: string, c: CheckContext) => void;
/** The `properties` keyword: each property the schema names, to its check (0: nothing to check). */
export type Properties = Readonly<Record<string, Check | 0>>;

/**
 * The `anyOf` keyword. When no branch matches and exactly one branch accepts the value's type,
 * that branch's own issues; otherwise the generic `anyOf` issue (as the interpreter reports it).
 */
export function anyOf(v: unknown, p: string, c: CheckContext, branches: readonly Check[]): void {
  const results = branches.map((check) => {
    const scratch = newContext(c.m);
    check(v, p, scratch);
    return scratch.i;
  });
  if (results.some((issues) => issues.length === 0)) return;
  const typed = results.filter((issues) => !issues.some((i) => i.rule === "type" && i.path === p));
  if (typed.length === 1) for (const issue of typed[0]!) report(c, issue.path, issue.rule, issue.message);
  else report(c, p, "anyOf", `must match at least one of ${branches.length} schemas`);
}

/** Whether `check` finds nothing (for anyOf, oneOf, not and if): issues discarded. */
export function passes(check: Check, v: unknown, p: string): boolean {
  const probe = newContext(1);
  check(v, p, probe);
  return probe.i.length === 0;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Options (a client's or a call's) are an object whose own keys are their names: not a primitive,
 * nor an object whose entries are no keys of its own (an array, a Map, a Date, a boxed string),
 * which reads as no options at all. Such an object is told by the kind
 * `Object.prototype.toString` names (a Proxy's is its target's; a revoked one throws): an
 * instance of a class of the caller's (unless it names a kind of its own with
 * `Symbol.toStringTag`), an object of another realm, or a module's namespace, is taken. Nested
 * options (`retry`, `signing`, `hooks`) are held to the same.
 */
export function isOptions(options: unknown): options is Record<string, unknown> {
  if (typeof options !== "object" || options === null) return false;
  const kind = Object.prototype.toString.call(options);
  return kind === "[object Object]" || kind === "[object Module]";
}

/** A property set to `undefined` is absent: JSON.stringify drops it. */
export const has = (o: Record<string, unknown>, name: string): boolean =>
  Object.hasOwn(o, name) && o[name] !== undefined;

/**
 * Whether `p` is an Object.prototype, this realm's or another's: the root of an object's chain, which
 * a polluting assignment reaches. (A caller's object without a prototype, `Object.create(null)`, is
 * none: it has no `isPrototypeOf` of its own.)
 */
const isObjectPrototype = (p: object): boolean =>
  p === Object.prototype ||
  (Object.getPrototypeOf(p) === null && Object.hasOwn(p, "isPrototypeOf") && Object.hasOwn(p, "propertyIsEnumerable"));

/** The objects of `o`'s chain above its root, `o` first: at most 64 (a Proxy may give a chain with no end). */
function chainOf(o: object): object[] {
  const chain: object[] = [];
  for (let p: object | null = o; p !== null && !isObjectPrototype(p); p = Object.getPrototypeOf(p)) {
    if (chain.length === 64) throw new TypeError("the object's prototype chain is longer than 64 (a cycle?)");
    chain.push(p);
  }
  return chain;
}

/**
 * Whether `name` reaches `o` only from the root of its prototype chain: an Object.prototype, this
 * realm's or another's (options made in an iframe or a vm context), which a polluting assignment
 * gave it. An own property, a class's getter, or a value of a prototype `o` was made from
 * (`Object.create(defaults)`, with or without a prototype of its own) is the caller's. An object
 * that answers through a getter alone (a runtime's or a shim's environment, a Proxy) holds nothing
 * in its chain: read as it answers, unless the root holds the name.
 */
export function onlyInherited(o: object, name: string): boolean {
  if (Object.hasOwn(o, name)) return false; // the common case (a checked copy's own keys), with no walk
  const chain = chainOf(o);
  if (chain.some((p) => Object.hasOwn(p, name))) return false;
  const root = Object.getPrototypeOf(chain.at(-1) ?? o) as object | null;
  return root !== null && Object.hasOwn(root, name);
}

/** An option as `o[name]` reads it (its own, a class's getter, a prototype's), unless only a polluted Object.prototype holds it. */
export const option = (o: object, name: string): unknown =>
  onlyInherited(o, name) ? undefined : (o as Record<string, unknown>)[name];

/**
 * The names of the options `options` gives, as `options.name` reads them: its own (enumerable or
 * not), then those of a class's prototype (its getters and methods, `constructor` aside) or of a
 * prototype it was made from, never those of the chain's root (an Object.prototype, this realm's or
 * another's, polluted or not). Every one is checked as a name, so a misspelt getter is refused as a
 * misspelt key is. Read by own enumerable keys alone, an instance of a class of options was no
 * options at all: its calls went to the default endpoint, signed with the environment's keys.
 */
export function optionNames(options: object): string[] {
  const names = new Set<string>();
  for (const p of chainOf(options))
    for (const name of Object.getOwnPropertyNames(p)) if (p === options || name !== "constructor") names.add(name);
  return [...names];
}

/** `optionNames` with each option's value, each read once. */
export const optionEntries = (options: object): [string, unknown][] =>
  optionNames(options).map((name) => [name, (options as Record<string, unknown>)[name]]);

/**
 * `value`, read from `o`, called on `o` as `o.name(…)` would call it (a class's method may read its
 * fields) when it is a function; any other value as it is, for its check to name.
 */
export const boundTo = (value: unknown, o: object): unknown => (typeof value === "function" ? value.bind(o) : value);

/** `o[name]` when it is o's own: one inherited from a polluted Object.prototype is none of the caller's. */
export const own = <T extends object, K extends keyof T>(o: T, name: K): T[K] | undefined =>
  Object.hasOwn(o, name) ? o[name] : undefined;

/** Any other name (or a longer one) quoted: escaped, and cut at 100 characters (a 1 MB key is no error's field). */
export const childPath = (path: string, name: string): string =>
  /^[A-Za-z_$][\w$]{0,99}$/.test(name) ? `${path}.${name}` : `${path}[${quoted(JSON.stringify(name), 100)}]`;

/** Code points, as JSON Schema counts string length (surrogate pairs counted in place: a string of megabytes fits no array). */
export function codePoints(s: string): number {
  if (!/[\uD800-\uDFFF]/.test(s)) return s.length;
  let n = s.length;
  // A high surrogate (0xD800-0xDBFF) and a low one (0xDC00-0xDFFF) after it: one code point.
  for (let i = 0; i < s.length - 1; i++)
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  return n;
}

/** JSON equality, for enum and const values that are not primitives. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
}

/**
 * The object keywords, when `v` is an object: `required` (0: none), then `properties` and
 * `additionalProperties` over its own keys in order: `known` gives the check of each property the
 * schema names (0: none named); the others get `additional` (false: not allowed, 0: nothing to check).
 * `needed`: what a missing member is told (the schema's `x-required-message`).
 */
export function checkObject(
  v: unknown,
  p: string,
  c: CheckContext,
  required: readonly string[] | 0,
  known: Properties | 0 = 0,
  additional: Check | 0 | false = 0,
  needed = "is required",
): void {
  if (!isObject(v)) return;
  if (required) for (const name of required) if (!has(v, name)) report(c, childPath(p, name), "required", needed);
  for (const k of Object.keys(v)) {
    if (c.i.length >= c.m) return;
    if (!has(v, k)) continue;
    const f = known && Object.hasOwn(known, k) ? known[k] : additional;
    if (f) f(v[k], childPath(p, k), c);
    else if (f === false) report(c, childPath(p, k), "additionalProperties", "is not allowed (unknown property)");
  }
}

/**
 * Check one part of a request (`field`: its name in errors); refuse the request when issues were
 * found: the first names the field and the rule, never the value.
 */
export function checkPart(check: Check | 0, value: unknown, field: string): void {
  if (!check) return;
  const c = newContext();
  check(value, field, c);
  const error = refusal(c.i);
  if (error) throw error;
}

/**
 * The refusal of a request part with these issues, undefined when there are none. The first names
 * the field and the rule; the others follow in its message (`path: message`, the path left out
 * where it is the first's). A value that breaks a rule comes before a member found missing
 * (`required`) or present where it may not be (`not`, a branch's refusal): a wrong
 * `keyConfig.type` is named before the member another type would call for or refuse.
 */
export function refusal(issues: readonly SchemaIssue[]): BceValidationError | undefined {
  // A value's kind is named once per path: a type or anyOf issue at a path an earlier issue already
  // names adds nothing (`must be string or null` after the client rule's `must be string`, or
  // "must match at least one of 2 schemas" after "must be one of: bec, bcc, rds"). The client
  // rules come first, so the narrower word is the one kept.
  const named = new Set<string>();
  // A member missing whatever the others hold (`is required`) comes before one only another
  // member's value calls for or refuses: a missing `keyConfig.type` is what to fix first.
  const rank = (i: SchemaIssue) =>
    i.rule === "required" || i.rule === "not" ? (i.message === "is required" ? 1 : 2) : 0;
  const [first, ...rest] = [0, 1, 2]
    .flatMap((r) => issues.filter((i) => rank(i) === r))
    .filter((i) => !((i.rule === "type" || i.rule === "anyOf") && named.has(i.path)) && named.add(i.path));
  if (!first) return undefined;
  const also = rest.map((i) => (i.path === first.path ? "" : `${i.path}: `) + i.message).join("; ");
  return new BceValidationError(first.path, first.rule, `${first.message}${also && ` (also: ${also})`}`);
}

/** A path parameter: a non-blank string before its schema is even looked at, then its schema. */
export function checkPath(check: Check | 0, value: unknown, field: string): void {
  if (typeof value !== "string") throw new BceValidationError(field, "type", "must be a string");
  if (value.trim() === "") throw new BceValidationError(field, "minLength", "must not be empty or blank");
  checkPart(check, value, field);
}

/** A query parameter: checked when given, refused when missing and `required`. */
export function checkQuery(check: Check | 0, value: unknown, field: string, required?: boolean): void {
  if (value !== undefined) checkPart(check, value, field);
  else if (required) throw new BceValidationError(field, "required", "is required");
}
