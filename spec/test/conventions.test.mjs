// The spec's own conventions, checked on the bundles it ships: every source is public, open
// enumerations have one shape, and x-client-rules resolve in every bundle they are shipped in.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const bundles = Object.fromEntries(
  ["openapi", "bec", "bcc", "openapi.zh-CN"].map((name) => [
    name,
    JSON.parse(readFileSync(join(dist, `${name}.json`), "utf8")),
  ]),
);

/** [pointer, value] of every `key` anywhere in `node`. */
function collect(node, key, at = "#", out = []) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      collect(item, key, `${at}/${i}`, out);
    });
  } else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push([`${at}/${k}`, v]);
      collect(v, key, `${at}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`, out);
    }
  return out;
}

/** What a local `$ref` (`#/components/...`) points at in `doc`; undefined when nothing. */
const target = (doc, ref) =>
  ref
    .slice(2)
    .split("/")
    .reduce((node, key) => node?.[key], doc);

// Each part starts with its source: a page, or a repository, one path and a commit.
const PAGE = /^\s*https:\/\/(intl\.)?cloud\.baidu\.com\/\S+/;
const SDK_FILE = /^\s*baidubce\/bce-sdk-(go|java|python) [^\s/][^\s@]*@[0-9a-f]{40}\b/;
// A file of a release of the official JavaScript SDK as published on npm (a version is immutable).
const NPM_FILE = /^\s*https:\/\/unpkg\.com\/@baiducloud\/sdk@\d+\.\d+\.\d+\/\S+/;

describe("version", () => {
  // `pnpm version-packages` runs scripts/sync-version.mjs after `changeset version`.
  it("every bundle's info.version is the package's version", () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    for (const [name, bundle] of Object.entries(bundles)) expect(bundle.info.version, name).toBe(version);
  });
});

describe("languages", () => {
  // The English bundles' prose is English: Chinese belongs in the zh-CN overlay (quotes of a
  // Chinese page go in x-source, examples keep their values).
  it("no description, summary or title of the English bundles holds Chinese characters", () => {
    const han = /\p{Script=Han}/u;
    for (const name of ["openapi", "bec", "bcc"])
      for (const key of ["description", "summary", "title"])
        for (const [where, value] of collect(bundles[name], key))
          if (typeof value === "string") expect(han.test(value), `${name} ${where}: ${value}`).toBe(false);
  });
});

describe("sources", () => {
  const sources = collect(bundles.openapi, "x-source");

  it("every x-source part cites a public Baidu page, an SDK file by repository, path and commit, or a file of a published SDK release", () => {
    expect(sources.length).toBeGreaterThan(40);
    for (const [where, value] of sources) {
      expect(typeof value, where).toBe("string");
      for (const part of value.split(";"))
        expect(PAGE.test(part) || SDK_FILE.test(part) || NPM_FILE.test(part), `${where}: ${part}`).toBe(true);
    }
  });

  it("nothing shipped points at files outside the repository or says who decided", () => {
    for (const name of readdirSync(dist)) {
      const text = readFileSync(join(dist, name), "utf8");
      for (const banned of ["seeds/", "notes/", "bce-facts", "decided by", "the lead"])
        expect(text.includes(banned), `${name} mentions ${banned}`).toBe(false);
    }
  });
});

describe("open enumerations (x-bce-open-enum)", () => {
  const open = Object.entries(bundles.openapi.components.schemas).filter(([, s]) => s["x-bce-open-enum"]);

  it("are the known values or any string, with every known value described where values are described", () => {
    expect(open.map(([name]) => name).sort()).toEqual([
      "BceErrorCode",
      "BecImageType",
      "BecRegion",
      "DiskType",
      "ServiceProvider",
      "VmInstanceStatus",
    ]);
    for (const [name, schema] of open) {
      expect(schema.anyOf, name).toHaveLength(2);
      const [known, any] = schema.anyOf;
      // Titled alike, so that a reader sees "Known value" and "Any other value", not "string" and "string (2)".
      expect(known, name).toMatchObject({ title: "Known value", type: "string" });
      expect(known.enum.length, name).toBeGreaterThan(1);
      expect(any, name).toEqual({ title: "Any other value", type: "string", description: any.description });
      if (schema["x-enumDescriptions"])
        expect(Object.keys(schema["x-enumDescriptions"]).sort(), name).toEqual([...known.enum].sort());
      // What the clients send: the known values, listed here and nowhere else.
      if (schema["x-client-rules"]?.enum) expect(schema["x-client-rules"].enum, name).toEqual(known.enum);
    }
  });

  // The rule of a property that is one lists its known values again (as a rule of its own, it names
  // the field once, null included): the two lists went stale apart, unnoticed, and the client then
  // refused both the old value and the new one.
  it("are listed alike by the rules of a property that is one", () => {
    const doc = bundles.openapi;
    let compared = 0;
    for (const [pointer, rules] of collect(doc, "x-client-rules")) {
      const holder = target(doc, pointer.slice(0, -"/x-client-rules".length));
      for (const [property, rule] of Object.entries(rules?.properties ?? {})) {
        for (const [, ref] of collect(holder?.properties?.[property], "$ref")) {
          const values = target(doc, ref);
          if (!values?.["x-bce-open-enum"] || rule?.enum === undefined) continue;
          expect(rule.enum, `${pointer}/properties/${property}`).toEqual(values.anyOf[0].enum);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  // Redoc shows a referenced schema's own description on its page only: at a property it showed
  // just the known-value branch, not what the field is.
  it.each(["openapi", "openapi.zh-CN"])("%s: a property that is one says what it is, beside its $ref", (name) => {
    const doc = bundles[name];
    const refs = collect(doc, "$ref").filter(([, ref]) => target(doc, ref)?.["x-bce-open-enum"]);
    expect(refs.length).toBeGreaterThan(0);
    for (const [pointer] of refs) {
      const holder = pointer.slice(0, -"/$ref".length);
      if (!/\/properties\/[^/]+$/.test(holder)) continue;
      const property = target(doc, holder);
      expect(typeof property.description === "string" && property.description.trim() !== "", holder).toBe(true);
    }
  });
});

// Descriptions that state a length in words are held to the schema's, in both languages: a bound
// changed in the schema alone left the reference pages saying the old one. (Servers' region lists
// are held to their variables below.)
describe("rules said in words", () => {
  it.each(["openapi", "openapi.zh-CN"])(
    "%s: a length in a description (a range, or a most) is the schema's",
    (name) => {
      const doc = bundles[name];
      const said = collect(doc, "description").flatMap(([pointer, text]) =>
        [
          ...String(text).matchAll(
            /(\d+) to (\d+) characters|(\d+)~(\d+) 个字符|at most (\d+) characters|长度不超过 (\d+) 位|本规范取不超过 (\d+)/g,
          ),
        ].map((m) => [pointer, m[1] ?? m[3], m[2] ?? m[4] ?? m[5] ?? m[6] ?? m[7]].map((v, i) => (i ? Number(v) : v))),
      );
      expect(said.length).toBeGreaterThanOrEqual(3);
      for (const [pointer, min, max] of said) {
        const holder = target(doc, pointer.slice(0, -"/description".length));
        // The schema's own bounds, a parameter's schema's, its policy before encryption, or those of a
        // schema it refers to.
        const bounds = [
          holder,
          holder.schema,
          holder["x-bce-plaintext"],
          ...collect(holder, "$ref").map(([, ref]) => target(doc, ref)),
        ]
          .filter(Boolean)
          .map((schema) => [Number.isNaN(min) ? undefined : schema.minLength, schema.maxLength]);
        expect(bounds, pointer).toContainEqual([Number.isNaN(min) ? undefined : min, max]);
      }
    },
  );
});

describe("info", () => {
  // A viewer or generator given one service's bundle shows its title and summary: they name that
  // service, not the other one the bundle does not hold.
  it.each([
    ["bec", "BEC", "BCC"],
    ["bcc", "BCC", "BEC"],
  ])("the %s bundle's title and summary name %s alone", (name, own, other) => {
    const { title, summary } = bundles[name].info;
    for (const text of [title, summary]) {
      expect(text, name).toContain(own);
      expect(text, name).not.toContain(other);
    }
    expect(bundles.openapi.info.title).toContain(other);
  });
});

describe("servers", () => {
  // One service's bundle has one host, at its root, where tools that read only the root's look;
  // the bundle of both keeps each service's on its path items.
  it.each(["bec", "bcc"])("the %s bundle has its servers at the root, none on a path item", (name) => {
    const doc = bundles[name];
    expect(doc.servers).toEqual([expect.objectContaining({ url: expect.stringMatching(/^https:\/\//) })]);
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(item.servers, path).toBeUndefined();
      // The servers its path items have in the bundle of both services.
      expect(doc.servers, path).toEqual(bundles.openapi.paths[path].servers);
    }
  });

  // Redoc shows a server's description, not its variables' values: the description lists them, and
  // must list the enum's, in order, in both languages.
  it.each(["openapi", "openapi.zh-CN"])(
    "%s: a server variable's values are listed in its server's description",
    (name) => {
      let checked = 0;
      for (const [path, item] of Object.entries(bundles[name].paths))
        for (const server of item.servers ?? [])
          for (const [variable, { enum: values }] of Object.entries(server.variables ?? {})) {
            const list = /(?:Regions: |地域：)([\s\S]*)/.exec(server.description)?.[1] ?? "";
            const listed = [...list.matchAll(/\b([a-z]+)\s?[(（]/g)].map((m) => m[1]);
            expect(listed, `${path} ${variable}`).toEqual(values);
            checked++;
          }
      expect(checked).toBeGreaterThan(0); // BCC's region, at least
    },
  );

  it("the bundle of both services declares servers per path item, none at the root", () => {
    expect(bundles.openapi.servers).toBeUndefined();
    for (const [path, item] of Object.entries(bundles.openapi.paths)) expect(item.servers, path).toHaveLength(1);
  });
});

describe("x-client-rules", () => {
  // Rules with `additionalProperties: false` refuse every field their own `properties` do not
  // list: a field added to the schema alone would be typed, served by the mock, and refused by
  // the clients at run time.
  it("that refuse unlisted fields list every property of their schema", () => {
    const doc = bundles.openapi;
    const resolve = (schema) => (typeof schema?.$ref === "string" ? target(doc, schema.$ref) : schema);
    const unlisted = [];
    const check = (schema, rules, where) => {
      if (!schema || !rules || typeof rules !== "object") return;
      const listed = rules.properties ?? {};
      if (rules.additionalProperties === false)
        for (const name of Object.keys(schema.properties ?? {}))
          if (!(name in listed))
            unlisted.push(
              `${where}: add \`${name}: true\` to x-client-rules.properties (or the rule the clients keep for it)`,
            );
      for (const [name, rule] of Object.entries(listed))
        check(resolve(schema.properties?.[name]), rule, `${where}.${name}`);
    };
    const rules = collect(doc, "x-client-rules");
    for (const [where, value] of rules) {
      const pointer = where.slice(2, -"/x-client-rules".length);
      check(resolve({ $ref: `#/${pointer}` }), value, pointer.split("/").pop());
    }
    expect(unlisted).toEqual([]);
  });

  it.each(["openapi", "bec", "bcc"])("every $ref inside them resolves in the %s bundle", (name) => {
    const doc = bundles[name];
    const rules = collect(doc, "x-client-rules");
    expect(rules.length, name).toBeGreaterThan(0);
    for (const [where, value] of rules)
      for (const [, ref] of collect(value, "$ref")) expect(target(doc, ref), `${where}: ${ref}`).toBeTypeOf("object");
  });
});

// The "evolved" answer is the seed's answer changed: whatever of the seed's it leaves out, its
// description names (in each language), so that a reader knows the absence is on purpose.
describe.each(["openapi", "openapi.zh-CN"])("%s: the evolved BEC answer names what it leaves out", (name) => {
  const { examples } = bundles[name].components;
  const seed = examples.BecReinstallResponseExample.value;
  const evolved = examples.BecReinstallEvolvedResponseExample;
  /** Keys of `a` (nested objects walked) that `b` lacks, as their last names. */
  const missing = (a, b, out = []) => {
    for (const [key, value] of Object.entries(a)) {
      if (!b || typeof b !== "object" || !Object.hasOwn(b, key)) out.push(key);
      else if (value && typeof value === "object" && !Array.isArray(value)) missing(value, b[key], out);
    }
    return out;
  };
  const left = missing(seed, evolved.value);
  it("leaves some of the seed's properties out", () => {
    expect(left.length).toBeGreaterThan(0);
  });
  it.each(left)("names %s", (key) => {
    expect(evolved.description).toContain(`\`${key}\``);
  });
});
