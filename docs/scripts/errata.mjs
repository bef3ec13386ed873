// The seed errata, one source (errata/errata.yaml) for both languages: each entry's title, what
// the source says, what the spec does and why, and the client rule where the clients stay
// stricter than the service. Rendered to Markdown per language; build.mjs turns it into pages.
// Each entry also carries `checks` (what its spec text claims, as assertions on the bundled spec,
// run by test/errata-checks.test.mjs) or, when the text claims nothing a pointer can reach,
// `unchecked` (why not). Neither is rendered.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";

export const errataSource = join(import.meta.dirname, "..", "errata", "errata.yaml");

/** The kinds of assertion a check makes; each check has `at` and exactly one of these. */
export const CHECK_KINDS = ["is", "absent", "includes", "excludes"];

/** Why a check is malformed, or undefined when it is well formed. */
function checkProblem(check) {
  if (typeof check !== "object" || check === null || Array.isArray(check)) return "is not a map";
  if (typeof check.at !== "string" || !check.at.startsWith("/"))
    return `has no JSON pointer \`at\` (starting with /): ${JSON.stringify(check.at)}`;
  const unknown = Object.keys(check).filter((key) => key !== "at" && !CHECK_KINDS.includes(key));
  if (unknown.length > 0) return `has unknown keys ${unknown.join(", ")}`;
  const kinds = CHECK_KINDS.filter((kind) => kind in check);
  if (kinds.length !== 1)
    return `needs exactly one of ${CHECK_KINDS.join(", ")} (it has ${kinds.join(", ") || "none"})`;
  if ("absent" in check && check.absent !== true) return "has `absent` other than true";
  return undefined;
}

/** The parsed errata, checked: every text in every language of `codes`, every id unique, and
 * every entry with a non-empty list of well-formed `checks` or an `unchecked` reason, not both. */
export function loadErrata(codes, source = errataSource) {
  const errata = parse(readFileSync(source, "utf8"));
  const ids = new Set();
  const need = (text, where) => {
    for (const code of codes)
      if (typeof text?.[code] !== "string" || !text[code].trim())
        throw new Error(`errata: ${where} has no ${code} text`);
  };
  need(errata.intro, "intro");
  for (const key of ["seed", "spec", "why", "client"]) need(errata.labels?.[key], `label ${key}`);
  for (const code of codes)
    if (typeof errata.labels?.colon?.[code] !== "string") throw new Error(`errata: label colon has no ${code} text`);
  for (const section of errata.sections) {
    need(section.title, `section ${section.id}`);
    for (const entry of section.entries) {
      if (!/^[a-z0-9-]+$/.test(entry.id ?? "") || ids.has(entry.id))
        throw new Error(`errata: missing, malformed or duplicate id ${entry.id}`);
      ids.add(entry.id);
      for (const key of ["title", "seed", "spec", "why"]) need(entry[key], `${entry.id} ${key}`);
      if (entry.client) need(entry.client, `${entry.id} client`);
      const hasChecks = entry.checks !== undefined;
      const hasUnchecked = entry.unchecked !== undefined;
      if (hasChecks === hasUnchecked)
        throw new Error(
          `errata: ${entry.id} needs exactly one of \`checks\` and \`unchecked\` (it has ${hasChecks ? "both" : "neither"})`,
        );
      if (hasUnchecked && (typeof entry.unchecked !== "string" || !entry.unchecked.trim()))
        throw new Error(`errata: ${entry.id} unchecked is not a reason (a non-empty text)`);
      if (hasChecks && (!Array.isArray(entry.checks) || entry.checks.length === 0))
        throw new Error(`errata: ${entry.id} checks is not a non-empty list`);
      if (
        entry.mentionedAt !== undefined &&
        !(
          Array.isArray(entry.mentionedAt) &&
          entry.mentionedAt.length > 0 &&
          entry.mentionedAt.every((at) => typeof at === "string" && at.startsWith("/"))
        )
      )
        throw new Error(`errata: ${entry.id} mentionedAt is not a non-empty list of JSON pointers`);
      for (const [index, check] of (entry.checks ?? []).entries()) {
        const problem = checkProblem(check);
        if (problem) throw new Error(`errata: ${entry.id} check ${index + 1} ${problem}`);
      }
    }
  }
  errataMentions(errata); // a node claimed by two entries is refused here
  return errata;
}

/**
 * By JSON pointer of a spec node whose description mentions the errata: the id of the entry it
 * means. A node in the `mentionedAt` of two entries is refused: its mention can link to one.
 */
export function errataMentions(errata) {
  const mentions = new Map();
  for (const section of errata.sections)
    for (const entry of section.entries)
      for (const at of entry.mentionedAt ?? []) {
        if (mentions.has(at))
          throw new Error(`errata: ${at} is in the mentionedAt of ${mentions.get(at)} and ${entry.id}`);
        mentions.set(at, entry.id);
      }
  return mentions;
}

/** Every entry, in page order: [{ id, section, number }]. */
export function errataEntries(errata) {
  let number = 0;
  return errata.sections.flatMap((section) =>
    section.entries.map((entry) => ({ id: entry.id, section: section.id, number: ++number, entry })),
  );
}

/** The errata page in one language, as Markdown; each entry is anchored by its id. */
export function renderErrata(errata, code, heading) {
  const label = (key) => `**${errata.labels[key][code]}**${errata.labels.colon[code]}`;
  const out = [`# ${heading}`, "", errata.intro[code].trim(), ""];
  let number = 0;
  for (const section of errata.sections) {
    out.push(`## ${section.title[code]}`, "");
    for (const entry of section.entries) {
      number += 1;
      out.push(`<a id="${entry.id}"></a>`, "", `### ${number}. ${entry.title[code]}`, "");
      out.push(`- ${label("seed")}${entry.seed[code].trim()}`);
      out.push(`- ${label("spec")}${entry.spec[code].trim()}`);
      out.push(`- ${label("why")}${entry.why[code].trim()}`);
      if (entry.client) out.push(`- ${label("client")}${entry.client[code].trim()}`);
      out.push("");
    }
  }
  return out.join("\n");
}

// ── Checks ───────────────────────────────────────────────────────────────────────────────────

/** The reference tokens of a JSON pointer (RFC 6901): "/a~1b/0" is ["a/b", "0"]. */
const tokens = (pointer) =>
  pointer === ""
    ? []
    : pointer
        .slice(1)
        .split("/")
        .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));

/**
 * The child `key` of `node` in `doc`: a local `$ref` (`#/...`) met on the way is followed unless
 * the node has `key` itself (so `.../schema/$ref` is the reference, `.../schema/type` its target's
 * type). `{ found: true, value }` or `{ found: false }`.
 */
function child(doc, node, key, depth = 0) {
  while (node !== null && typeof node === "object" && !Array.isArray(node) && !Object.hasOwn(node, key)) {
    if (typeof node.$ref !== "string") return { found: false };
    if (!node.$ref.startsWith("#/")) throw new Error(`not a local $ref: ${node.$ref}`);
    if (depth > 32) throw new Error(`$ref loop at ${node.$ref}`);
    const target = walk(doc, decodeURIComponent(node.$ref.slice(1)), depth + 1);
    if (!target.found) throw new Error(`dangling $ref ${node.$ref}`);
    node = target.value;
  }
  if (Array.isArray(node))
    return /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < node.length
      ? { found: true, value: node[Number(key)] }
      : { found: false };
  if (node === null || typeof node !== "object") return { found: false };
  return { found: true, value: node[key] };
}

/** A key as a JSON pointer spells it (RFC 6901: `~` as `~0`, `/` as `~1`). */
export const pointerToken = (key) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/** The value at `pointer` in `doc`, `$ref`s followed on the way (not at the end): { found, value, missing }. */
function walk(doc, pointer, depth = 0) {
  let node = doc;
  let at = "";
  for (const token of tokens(pointer)) {
    const next = child(doc, node, token, depth);
    at += `/${pointerToken(token)}`;
    if (!next.found) return { found: false, missing: at };
    node = next.value;
  }
  return { found: true, value: node };
}

const show = (value) => {
  const text = value === undefined ? "nothing" : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/** Why `check` fails on `doc` ("<pointer>: expected …, actual …"), or undefined when it holds. */
export function checkFailure(doc, check) {
  const fail = (expected, actual) => `${check.at}: expected ${expected}, actual ${actual}`;
  if (check.absent === true) {
    const parts = tokens(check.at);
    const parentPointer = check.at.slice(0, check.at.lastIndexOf("/"));
    const parent = walk(doc, parentPointer);
    if (!parent.found || parent.value === null || typeof parent.value !== "object")
      return fail("absent", `no parent (nothing at ${parent.missing ?? parentPointer})`);
    const value = child(doc, parent.value, parts.at(-1));
    return value.found && value.value !== undefined ? fail("absent", show(value.value)) : undefined;
  }
  const found = walk(doc, check.at);
  if (!found.found) return fail(describe(check), `nothing (first missing: ${found.missing})`);
  const { value } = found;
  if ("is" in check) return isDeepStrictEqual(value, check.is) ? undefined : fail(show(check.is), show(value));
  const wanted = "includes" in check;
  const item = wanted ? check.includes : check.excludes;
  let contains;
  if (Array.isArray(value)) contains = value.some((element) => isDeepStrictEqual(element, item));
  else if (typeof value === "string" && typeof item === "string") contains = value.includes(item);
  else return fail(`an array or a string to ${wanted ? "include" : "exclude"} ${show(item)}`, show(value));
  return contains === wanted ? undefined : fail(describe(check), show(value));
}

const describe = (check) =>
  "is" in check
    ? show(check.is)
    : "includes" in check
      ? `to include ${show(check.includes)}`
      : `to exclude ${show(check.excludes)}`;

/** Every failing check of an entry on `doc`, as messages; empty when all hold (or the entry is unchecked). */
export function checkFailures(doc, entry) {
  return (entry.checks ?? []).map((check) => checkFailure(doc, check)).filter(Boolean);
}
