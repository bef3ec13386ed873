#!/usr/bin/env node
// Breaking-change gate: compares the bundled spec with the last released one (the committed
// baseline, spec/baseline/openapi.json) using `redocly diff`, and the rules only the clients
// enforce (x-client-rules, x-bce-plaintext), which redocly does not read, by itself. A breaking
// (major) change, or a client rule made tighter, passes only
// when the pending changesets give every affected package a major bump; otherwise it fails and
// says what broke and which packages need the major changeset.
//
//   node tests/breaking-change/gate.mjs [--base FILE] [--revision FILE] [--changesets DIR]
//   node tests/breaking-change/gate.mjs --update-baseline    (run by `pnpm version-packages`)
//   node tests/breaking-change/gate.mjs --update-baseline --unreleased   (before the first release)
//
// The same gate as a function: `runGate(options)` returns the exit code and what the command
// prints, without exiting (tests/consumer runs its cases through it, and the command once).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

// Which published packages a change to a service's operations affects. The spec and the mock
// (which serves it) are affected by every change; a client only by its own service's operations.
const SERVICE_PACKAGES = { BEC: "@bce-openapi/bec", BCC: "@bce-openapi/bcc" };
const ALWAYS = ["@bce-openapi/spec", "@bce-openapi/mock"];
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const defaults = {
  base: join(root, "spec/baseline/openapi.json"),
  revision: join(root, "spec/dist/openapi.json"),
  changesets: join(root, ".changeset"),
};

/** What stops the gate: its message goes to stderr and the exit code is 1. */
class GateFailure extends Error {}
function fail(message) {
  throw new GateFailure(`breaking-change gate: FAIL\n${message}`);
}

/** Runs `redocly diff` and returns its JSON report. */
export function redoclyDiff(base, revision, rel = (file) => file) {
  const redocly = join(dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")), "bin", "cli.js");
  const work = mkdtempSync(join(tmpdir(), "bce-openapi-diff-"));
  const output = join(work, "diff.json");
  try {
    // --fail-on none: the gate, not redocly, decides (a major change with a major changeset passes).
    execFileSync(
      process.execPath,
      [redocly, "diff", base, revision, "--format", "json", "--fail-on", "none", "--output", output],
      {
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    return JSON.parse(readFileSync(output, "utf8"));
  } catch (error) {
    fail(`redocly diff could not compare ${rel(base)} with ${rel(revision)}:\n${error.stderr ?? error.message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** "#/paths/~1v1~1vm/put/requestBody/..." -> { path: "/v1/vm", method: "put" } */
function operationOf(pointer) {
  const parts = pointer
    .replace(/^#\//, "")
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (parts[0] !== "paths" || parts.length < 2) return undefined;
  return { path: parts[1], method: METHODS.includes(parts[2]) ? parts[2] : undefined };
}

/** The services (tags) a change touches, looked up in both documents; every service if unknown. */
function servicesOf(change, docs) {
  const op = operationOf(change.path ?? "");
  const tags = new Set();
  if (op) {
    for (const doc of docs) {
      const item = doc.paths?.[op.path];
      if (!item) continue;
      for (const method of op.method ? [op.method] : METHODS) {
        for (const tag of item[method]?.tags ?? []) tags.add(tag);
      }
    }
  }
  const known = [...tags].filter((tag) => tag in SERVICE_PACKAGES);
  return known.length > 0 ? known : Object.keys(SERVICE_PACKAGES);
}

function describe(change) {
  const op = operationOf(change.path ?? "");
  const where = op ? `${op.method ? `${op.method.toUpperCase()} ` : ""}${op.path}` : change.path;
  const why = (change.verdicts ?? []).filter((v) => v.impact === "major").map((v) => `${v.message} (${v.ruleId})`);
  return `${where}: ${why.length > 0 ? why.join("; ") : `${change.kind} ${change.path}`}`;
}

const ANNOTATIONS = new Set([
  "description",
  "summary",
  "title",
  "example",
  "examples",
  "default",
  "deprecated",
  "x-source",
]);
const stripAnnotations = (node) =>
  Array.isArray(node)
    ? node.map(stripAnnotations)
    : node && typeof node === "object"
      ? Object.fromEntries(
          Object.entries(node)
            .filter(([k]) => !ANNOTATIONS.has(k))
            .map(([k, v]) => [k, stripAnnotations(v)]),
        )
      : node;
const at = (doc, pointer) =>
  pointer
    .replace(/^#\//, "")
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((node, key) => (node && typeof node === "object" ? node[key] : undefined), doc);

/**
 * redocly rates every `anyOf` added to a schema as breaking. In a request body, an `anyOf` one of
 * whose branches is the schema that was there before (e.g. `{ $ref: KeyConfig }` becoming
 * `anyOf: [{ $ref: KeyConfig }, { type: 'null' }]`) only lets the service accept more: no client
 * request that was valid becomes invalid. Such a change is rated minor here; a change to the
 * referenced schema itself is a separate entry of the diff and keeps redocly's rating. The same
 * change in a response stays breaking (readers must handle the new branches).
 */
function onlyWidensRequest(change, [base]) {
  const verdicts = change.verdicts ?? [];
  const pointer = change.revision?.pointer ?? "";
  if (change.kind !== "added" || !/\/requestBody\//.test(change.path ?? "") || !pointer.endsWith("/anyOf"))
    return false;
  if (verdicts.length === 0 || !verdicts.every((v) => v.ruleId === "schema-combinator-changed")) return false;
  const before = at(base, pointer.slice(0, -"/anyOf".length));
  if (!before || typeof before !== "object" || "anyOf" in before) return false;
  const former = JSON.stringify(stripAnnotations(before));
  return (change.revision.value ?? []).some((branch) => JSON.stringify(stripAnnotations(branch)) === former);
}

/** A server without its annotations (description, x-*): its url and variables' enum and default. */
const serverContract = (server) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(server ?? {})
        .filter(([k]) => k !== "description" && !k.startsWith("x-"))
        .map(([k, v]) => [
          k,
          k === "variables"
            ? Object.fromEntries(
                Object.entries(v ?? {}).map(([name, variable]) => [
                  name,
                  Object.fromEntries(
                    Object.entries(variable ?? {}).filter(([key]) => key !== "description" && !key.startsWith("x-")),
                  ),
                ]),
              )
            : v,
        ]),
    ),
  );

/**
 * redocly pairs the servers of both documents by likeness, so a server whose annotations alone grew
 * (a longer description, an x-source) is reported as removed, and another added. It is not
 * removed when the same list in the revision still has a server with the same url and the same
 * variables (enum and default): then nothing a client sends or where it sends it has changed.
 */
function serverOnlyReannotated(change, [base, revision]) {
  const verdicts = change.verdicts ?? [];
  const pointer = change.base?.pointer ?? "";
  if (change.kind !== "removed" || !/\/servers\/\d+$/.test(pointer)) return false;
  if (verdicts.length === 0 || !verdicts.every((v) => v.ruleId === "server-removed")) return false;
  const before = serverContract(at(base, pointer));
  const list = at(revision, pointer.replace(/\/\d+$/, ""));
  return Array.isArray(list) && list.some((server) => serverContract(server) === before);
}

// The rules the clients enforce (`x-client-rules`, and `x-bce-plaintext`: a password's policy
// before it is encrypted, which the mock also checks of a request it can decrypt), which `redocly
// diff` does not read: a tighter one refuses what a caller of the client sent before, as a tighter
// schema would.
const CLIENT_RULES = new Set(["x-client-rules", "x-bce-plaintext"]);
const UPPER = new Set(["maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"]);
const LOWER = new Set(["minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"]);
const RULE_ANNOTATIONS = new Set([...ANNOTATIONS, "x-pattern-message", "x-not-message", "x-required-message"]);
const isNode = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Every client rule of a document, by its JSON pointer. */
function clientRules(doc) {
  const rules = new Map();
  const walk = (node, pointer) => {
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      const where = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (CLIENT_RULES.has(key)) rules.set(where, value);
      else walk(value, where);
    }
  };
  walk(doc, "#");
  return rules;
}

/**
 * Where `after` refuses something `before` took, as "pointer: what changed": a bound moved
 * inwards, an enum value or a listed property gone, a name newly required, a constraint added, or
 * a keyword whose change cannot be rated (a pattern, a type, a condition) changed. Taken
 * conservatively: a change it cannot tell looser is rated tighter.
 */
function tightenings(before, after, pointer) {
  if (same(before, after) || after === true || after === undefined) return [];
  if (!isNode(after)) return [`${pointer}: now ${JSON.stringify(after)}`];
  const was = before === true || before === undefined ? {} : before;
  if (!isNode(was)) return [`${pointer}: was ${JSON.stringify(before)}`];
  const found = [];
  // Where the rule refuses what it does not list, the names it lists no longer are refused too.
  if (after.additionalProperties === false)
    for (const key of ["properties", "patternProperties"])
      if (isNode(was[key]) && after[key] === undefined)
        for (const name of Object.keys(was[key])) found.push(`${pointer}/${key}/${name}: no longer listed`);
  for (const key of Object.keys(after)) {
    const [old, now, where] = [was[key], after[key], `${pointer}/${key}`];
    if (RULE_ANNOTATIONS.has(key) || same(old, now)) continue;
    if (UPPER.has(key) && typeof old === "number" && now >= old) continue;
    if (LOWER.has(key) && typeof old === "number" && now <= old) continue;
    if ((key === "enum" || key === "required") && Array.isArray(old) && Array.isArray(now)) {
      const lost = key === "enum" ? old.filter((v) => !now.includes(v)) : now.filter((v) => !old.includes(v));
      if (lost.length > 0) found.push(`${where}: ${key === "enum" ? "no longer" : "now"} ${JSON.stringify(lost)}`);
    } else if (key === "properties" && isNode(now)) {
      const listed = isNode(old) ? old : {};
      for (const name of Object.keys(listed)) if (!(name in now)) found.push(`${where}/${name}: no longer listed`);
      // Newly listed where the rule refuses what it does not list: it was refused, now taken.
      for (const [name, schema] of Object.entries(now))
        if (name in listed || was.additionalProperties !== false)
          found.push(...tightenings(listed[name], schema, `${where}/${name}`));
    } else if (isNode(now) && (old === undefined || isNode(old)) && !["not", "if", "then", "else"].includes(key)) {
      found.push(...tightenings(old, now, where));
    } else
      found.push(old === undefined ? `${where}: added` : `${where}: ${JSON.stringify(old)} → ${JSON.stringify(now)}`);
  }
  return found;
}

/** The services whose operations reach `pointer`'s schema through `$ref`s (every service if none is found). */
function servicesReaching(doc, pointer) {
  const component = /^#\/components\/schemas\/[^/]+/.exec(pointer)?.[0];
  const services = new Set();
  for (const item of Object.values(doc.paths ?? {}))
    for (const method of METHODS) {
      const operation = item?.[method];
      if (!operation || !component) continue;
      const seen = new Set();
      const reach = (node) => {
        if (!node || typeof node !== "object") return;
        if (typeof node.$ref === "string" && !seen.has(node.$ref)) {
          seen.add(node.$ref);
          reach(at(doc, node.$ref));
        }
        for (const value of Object.values(node)) reach(value);
      };
      reach(operation);
      if (seen.has(component)) for (const tag of operation.tags ?? []) if (tag in SERVICE_PACKAGES) services.add(tag);
    }
  return services.size > 0 ? [...services] : Object.keys(SERVICE_PACKAGES);
}

/** The client rules the revision tightens, each with the services whose clients enforce it. */
function tighterClientRules([base, revision]) {
  const before = clientRules(base);
  const after = clientRules(revision);
  const component = (pointer) => /^#\/components\/schemas\/[^/]+/.exec(pointer)?.[0];
  // A rule whose schema was renamed is the same rule: at the same place in a schema the revision
  // added, in place of one it removed, with the same text. Matched once.
  const renamed = new Map(
    [...before].filter(([pointer]) => component(pointer) && at(revision, component(pointer)) === undefined),
  );
  const formerly = (pointer, rule) => {
    const name = component(pointer);
    if (!name || at(base, name) !== undefined) return undefined;
    for (const [old, was] of renamed)
      if (old.slice(component(old).length) === pointer.slice(name.length) && same(was, rule)) {
        renamed.delete(old);
        return was;
      }
    return undefined;
  };
  const changes = [];
  for (const [pointer, rule] of after)
    for (const what of tightenings(before.get(pointer) ?? formerly(pointer, rule), rule, pointer))
      changes.push({
        what: `${what} (${pointer.includes("/x-bce-plaintext") ? "a rule the clients and the mock enforce" : "a rule only the clients enforce"})`,
        services: servicesReaching(revision, pointer),
      });
  return changes;
}

/** Bump per package from the pending changesets, with fixed groups applied as changesets does. */
function pendingBumps(dir) {
  const order = { none: 0, patch: 1, minor: 2, major: 3 };
  const bumps = new Map();
  const raise = (name, type) => {
    if ((order[type] ?? 0) > (order[bumps.get(name)] ?? 0)) bumps.set(name, type);
  };
  if (!existsSync(dir)) return bumps;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(".md") || file === "README.md") continue;
    const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, file), "utf8"));
    for (const [name, type] of Object.entries((match && parseYaml(match[1])) ?? {})) raise(name, type);
  }
  const configFile = join(dir, "config.json");
  const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, "utf8")) : {};
  for (const group of config.fixed ?? []) {
    const highest = group
      .map((name) => bumps.get(name) ?? "none")
      .reduce((a, b) => (order[b] > order[a] ? b : a), "none");
    if (highest !== "none") for (const name of group) raise(name, highest);
  }
  return bumps;
}

/**
 * Runs the gate. Options as the command's flags (`base`, `revision`, `changesets`, `updateBaseline`, `unreleased`;
 * paths absolute or relative to `cwd`), plus `report`: the `redocly diff` JSON report of base
 * against revision when the caller already has it (from `redoclyDiff`). Returns the exit code
 * and what the command prints to stdout and stderr.
 */
export function runGate(options = {}) {
  const cwd = options.cwd ?? process.cwd();
  const args = {
    base: resolve(cwd, options.base ?? defaults.base),
    revision: resolve(cwd, options.revision ?? defaults.revision),
    changesets: resolve(cwd, options.changesets ?? defaults.changesets),
  };
  const rel = (file) => relative(cwd, file) || file;
  const stdout = [];
  const log = (line) => stdout.push(`${line}\n`);
  const result = (code, stderr = "") => ({ code, stdout: stdout.join(""), stderr });
  try {
    if (!existsSync(args.revision)) {
      fail(
        `${rel(args.revision)} does not exist: bundle the spec first (pnpm turbo run bundle --filter=@bce-openapi/spec)`,
      );
    }
    if (options.updateBaseline) {
      // The baseline is the last release's spec: it moves with a release, once `changeset version`
      // has moved the version (after the gate passed on the pending changesets), never in between,
      // where it would make an unreleased breaking change the norm the gate compares with.
      const version = (file) => JSON.parse(readFileSync(file, "utf8")).info?.version;
      if (existsSync(args.base) && readFileSync(args.base, "utf8") === readFileSync(args.revision, "utf8")) {
        log(`breaking-change gate: baseline ${rel(args.base)} is ${rel(args.revision)} already`);
        return result(0);
      }
      if (!options.unreleased && existsSync(args.base) && version(args.base) === version(args.revision)) {
        fail(
          `${rel(args.revision)} has the version of ${rel(args.base)} (${version(args.base)}): the baseline moves only with a ` +
            "release (pnpm version-packages, once changesets have moved the version); before the first release, add --unreleased",
        );
      }
      copyFileSync(args.revision, args.base);
      log(`breaking-change gate: baseline ${rel(args.base)} updated from ${rel(args.revision)}`);
      return result(0);
    }
    if (!existsSync(args.base)) fail(`no baseline at ${rel(args.base)}: nothing released to compare with`);

    const report = options.report ?? redoclyDiff(args.base, args.revision, rel);
    const docs = [args.base, args.revision].map((file) => JSON.parse(readFileSync(file, "utf8")));
    const rated = (report.changes ?? []).filter((change) => change.impact === "major");
    const widened = rated.filter((change) => onlyWidensRequest(change, docs));
    const reannotated = rated.filter((change) => serverOnlyReannotated(change, docs));
    const major = rated.filter((change) => !widened.includes(change) && !reannotated.includes(change));
    const tighter = tighterClientRules(docs);
    const summary =
      `${report.summary?.major ?? 0} major, ${report.summary?.minor ?? 0} minor, ${report.summary?.patch ?? 0} patch` +
      (widened.length > 0 ? `; ${widened.length} of the major only widen a request body, rated minor here` : "") +
      (reannotated.length > 0
        ? `; ${reannotated.length} of the major only re-annotate a server, rated patch here`
        : "");
    if (widened.length > 0)
      log(
        `breaking-change gate: request bodies that only accept more (not breaking):\n${widened.map((c) => `  - ${describe(c)}`).join("\n")}`,
      );
    if (reannotated.length > 0)
      log(
        `breaking-change gate: servers whose url and variables are unchanged, only annotated anew (not breaking):\n${reannotated.map((c) => `  - ${describe(c)}`).join("\n")}`,
      );

    if (major.length === 0 && tighter.length === 0) {
      log(`breaking-change gate: OK, no breaking change against ${rel(args.base)} (${summary})`);
      return result(0);
    }

    const affected = new Set(ALWAYS);
    for (const change of major) for (const service of servicesOf(change, docs)) affected.add(SERVICE_PACKAGES[service]);
    for (const change of tighter) for (const service of change.services) affected.add(SERVICE_PACKAGES[service]);
    const bumps = pendingBumps(args.changesets);
    const missing = [...affected].filter((name) => bumps.get(name) !== "major").sort();
    const broke = [...major.map(describe), ...tighter.map((change) => change.what)]
      .map((text) => `  - ${text}`)
      .join("\n");

    if (missing.length > 0) {
      fail(
        `${rel(args.revision)} breaks the last released spec ${rel(args.base)} (${summary}):\n${broke}\n` +
          `No major changeset for: ${missing.join(", ")}.\n` +
          "Either keep the change compatible, or run `pnpm changeset`, choose a major bump for those packages and say what broke.",
      );
    }
    log(
      `breaking-change gate: OK, ${major.length + tighter.length} breaking change(s), each affected package has a major changeset ` +
        `(${[...affected].sort().join(", ")}):\n${broke}`,
    );
  } catch (error) {
    if (!(error instanceof GateFailure)) throw error;
    return result(1, `${error.message}\n`);
  }
  return result(0);
}

const isMain = (() => {
  try {
    return realpathSync(process.argv[1] ?? "") === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
})();
if (isMain) {
  const { values } = parseArgs({
    options: {
      base: { type: "string" },
      revision: { type: "string" },
      changesets: { type: "string" },
      "update-baseline": { type: "boolean", default: false },
      unreleased: { type: "boolean", default: false },
    },
  });
  const { code, stdout, stderr } = runGate({ ...values, updateBaseline: values["update-baseline"] });
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = code;
}
