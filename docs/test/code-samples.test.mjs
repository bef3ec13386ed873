// Code samples cannot rot: every operation has a TypeScript and a curl sample; the TypeScript
// samples (and the TypeScript blocks of the guides, in every language, and of the READMEs) compile
// against the real client packages, and a translated guide's blocks are the English guide's, comments aside; the curl
// samples, signed as the authentication guide says, are accepted by the mock.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signRequest } from "@bce-openapi/core";
import { DEFAULT_CREDENTIALS, startMock } from "@bce-openapi/mock";
import { guidePages, guideSource, locales as siteLocales } from "../scripts/site.mjs";
import {
  docsDir,
  fencedBlocks,
  guidesDir,
  loadSpec,
  operations,
  resultsDir,
  SAMPLE_COMMENTS,
  splitComments,
} from "./helpers.mjs";

const run = promisify(execFile);
const locales = ["en", "zh-CN"];
const ops = operations(loadSpec("en"));
const samplesOf = (op, lang) => (op["x-codeSamples"] ?? []).filter((s) => s.lang === lang);
/** The TypeScript blocks of a guide in one language. */
const tsBlocks = (locale, slug) =>
  fencedBlocks(readFileSync(join(guidesDir, guideSource(locale, slug)), "utf8"))
    .filter((b) => b.lang === "ts")
    .map((b) => b.code);
const CJK = /[\u4e00-\u9fff]/;
const README_FILES = ["README.md", ...["core", "bec", "bcc", "mock"].map((name) => `packages/${name}/README.md`)];
const guideLocales = siteLocales.map((l) => l.code);

describe.each(locales)("x-codeSamples (%s)", (locale) => {
  test.each(operations(loadSpec(locale)).map(([, , op]) => [op.operationId, op]))(
    "%s has one TypeScript and one curl sample",
    (_, op) => {
      for (const lang of ["TypeScript", "curl"]) {
        const samples = samplesOf(op, lang);
        expect(samples, `${op.operationId}: ${lang}`).toHaveLength(1);
        expect(samples[0].source.trim().length).toBeGreaterThan(50);
        expect(samples[0].label).toBeTruthy();
      }
    },
  );
});

test("the TypeScript samples and the guides' and READMEs' TypeScript blocks type-check against @bce-openapi/*", async () => {
  // Inside docs/, so the workspace packages resolve from docs/node_modules, as a user's would.
  const dir = join(resultsDir, "typecheck");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (const [, , op] of ops) {
    const file = `sample-${op.operationId}.ts`;
    writeFileSync(join(dir, file), samplesOf(op, "TypeScript")[0].source);
    files.push(file);
  }
  for (const locale of guideLocales) {
    for (const { slug } of guidePages) {
      tsBlocks(locale, slug).forEach((code, i) => {
        const file = `guide-${locale === "en" ? "" : `${locale}-`}${slug}-${i + 1}.ts`;
        writeFileSync(join(dir, file), code);
        files.push(file);
      });
    }
  }
  // The READMEs a user reads first, the repository's and each published package's.
  for (const readme of README_FILES) {
    fencedBlocks(readFileSync(join(docsDir, "..", readme), "utf8"))
      .filter((b) => b.lang === "ts")
      .forEach(({ code }, i) => {
        const file = `readme-${readme.replace(/\/?README\.md$/, "").replace(/\W+/g, "-") || "root"}-${i + 1}.ts`;
        writeFileSync(join(dir, file), code);
        files.push(file);
      });
  }
  // Both languages' guides (8 blocks each today) and the READMEs' (10), besides one sample per operation.
  expect(files.length).toBeGreaterThanOrEqual(ops.length + 2 * 6 + 10);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          isolatedModules: true,
        },
        files,
      },
      null,
      2,
    ),
  );
  const tsc = join(docsDir, "node_modules", ".bin", "tsc");
  const result = await run(tsc, ["-p", join(dir, "tsconfig.json")], { cwd: dir }).then(
    () => "",
    (error) => `${error.stdout}${error.stderr}`,
  );
  expect(result, "tsc errors in the code samples").toBe("");
});

// The core README has the reader install the openapi-fetch core depends on: another version's
// Middleware type may not be the one createSigningMiddleware returns.
test("the core README installs the openapi-fetch version @bce-openapi/core depends on", () => {
  const readme = readFileSync(join(docsDir, "..", "packages/core/README.md"), "utf8");
  const catalog = readFileSync(join(docsDir, "..", "pnpm-workspace.yaml"), "utf8");
  const version = /^\s+openapi-fetch:\s*(\S+)\s*$/m.exec(catalog)?.[1];
  expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  expect(readme).toContain(`npm install openapi-fetch@${version} `);
});

// A reader copies the error handling too: a `catch` that handles one kind of error and drops the
// others hides a refused request or missing credentials (the call then seems to have done nothing).
test("every catch in the guides' and READMEs' TypeScript blocks rethrows what it does not handle", () => {
  const blocks = [
    ...guideLocales.flatMap((locale) => guidePages.flatMap(({ slug }) => tsBlocks(locale, slug))),
    ...README_FILES.flatMap((readme) =>
      fencedBlocks(readFileSync(join(docsDir, "..", readme), "utf8"))
        .filter((b) => b.lang === "ts")
        .map((b) => b.code),
    ),
  ];
  const catches = blocks.flatMap((code) => [...code.matchAll(/catch \((\w+)\) \{([^}]*)\}/g)]);
  expect(catches.length).toBeGreaterThanOrEqual(3);
  for (const [whole, name, body] of catches) expect(body, whole).toContain(`throw ${name}`);
});

describe.each(guideLocales.filter((l) => l !== "en"))(
  "the %s guides' TypeScript blocks are the English ones",
  (locale) => {
    test.each(guidePages.map((g) => [g.slug]))("%s: same blocks, same code; only prose comments translated", (slug) => {
      const english = tsBlocks("en", slug);
      const translated = tsBlocks(locale, slug);
      expect(translated.length, `${guideSource(locale, slug)}: number of ts blocks`).toBe(english.length);
      english.forEach((source, i) => {
        const [en, tr] = [splitComments("ts", source), splitComments("ts", translated[i])];
        expect(tr.code, `${guideSource(locale, slug)}, ts block ${i + 1}: code differs from the English guide's`).toBe(
          en.code,
        );
        expect(tr.comments.length, `${guideSource(locale, slug)}, ts block ${i + 1}: comments`).toBe(
          en.comments.length,
        );
        en.comments.forEach((comment, j) => {
          // A one-word comment (an expected output value) stays as it is; prose is translated.
          if (/^\/\/ \S+$/.test(comment)) expect(tr.comments[j]).toBe(comment);
          else expect(tr.comments[j], `untranslated comment in ${guideSource(locale, slug)}`).toMatch(CJK);
        });
      });
    });
  },
);

describe.each(locales.filter((l) => l !== "en"))("the %s reference's code samples are the English ones", (locale) => {
  const english = new Map(ops.map(([, , op]) => [op.operationId, op]));
  test.each(
    operations(loadSpec(locale)).flatMap(([, , op]) =>
      samplesOf(op, "TypeScript")
        .concat(samplesOf(op, "curl"))
        .map((s) => [op.operationId, s.lang, s]),
    ),
  )("%s, %s: same code; its comments translated", (operationId, lang, sample) => {
    const source = samplesOf(english.get(operationId), lang)[0].source;
    const [en, tr] = [
      splitComments(SAMPLE_COMMENTS[lang], source),
      splitComments(SAMPLE_COMMENTS[lang], sample.source),
    ];
    expect(tr.code, `${operationId} ${lang}: code differs from the English sample's`).toBe(en.code);
    expect(tr.comments.length).toBe(en.comments.length);
    expect(en.comments.length).toBeGreaterThan(0);
    for (const comment of tr.comments) expect(comment, `untranslated comment in ${operationId} ${lang}`).toMatch(CJK);
  });
});

/** The one curl command of a sample: method, URL, headers and body, with $VARS from `env`. */
function parseCurl(source, env) {
  const command = source
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ");
  const words = [...command.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)].map(
    ([, single, double, bare]) => single ?? (double ?? bare).replace(/\$([A-Z_]+)/g, (_, name) => env[name] ?? ""),
  );
  expect(words[0]).toBe("curl");
  const request = { method: "GET", url: "", headers: {}, body: undefined };
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (word === "-X") request.method = words[++i];
    else if (word === "-H") {
      const [name, ...value] = words[++i].split(":");
      request.headers[name.trim().toLowerCase()] = value.join(":").trim();
    } else if (word === "-d") request.body = words[++i];
    else if (/^https?:/.test(word)) request.url = word;
    else throw new Error(`unexpected curl argument ${word}`);
  }
  return request;
}

describe("curl samples against the mock (signatures checked)", () => {
  let mock;
  beforeAll(async () => {
    mock = await startMock({ port: 0, credentials: [DEFAULT_CREDENTIALS] });
  });
  afterAll(async () => {
    await mock?.close();
  });

  test.each(ops.map(([path, method, op, item]) => [op.operationId, path, method, op, item]))(
    "%s",
    async (_, path, method, op, item) => {
      const source = samplesOf(op, "curl")[0].source;
      const written = parseCurl(source, {});
      expect(written.method).toBe(method.toUpperCase());
      // The sample's URL is the operation's server and path, with example values filled in.
      const server = item.servers[0];
      const host = server.url.replace(/\{(\w+)\}/g, (_, name) => server.variables[name].default);
      const pathPattern = path.replace(/[.?]/g, "\\$&").replace(/\\?\{\w+\}/g, "[^/?]+");
      expect(written.url).toMatch(new RegExp(`^${host.replace(/\./g, "\\.")}${pathPattern}(\\?|$)`));
      // Its body is the operation's request example, as the example says (not a copy gone stale).
      const spec = loadSpec("en");
      const resolve = (node) =>
        node?.$ref
          ? node.$ref
              .slice(2)
              .split("/")
              .reduce((at, key) => at?.[key], spec)
          : node;
      const examples = Object.values(op.requestBody.content["application/json"].examples ?? {}).map(
        (example) => resolve(example).value,
      );
      expect(examples, `${op.operationId}: the curl sample's body`).toContainEqual(JSON.parse(written.body));

      // Point it at the mock, sign it as the authentication guide shows, and send it.
      const url = new URL(written.url);
      const target = new URL(`${url.pathname}${url.search}`, mock.url).toString();
      const signed = await signRequest(
        { method: written.method, url: target, headers: { "content-type": written.headers["content-type"] } },
        DEFAULT_CREDENTIALS,
      );
      const request = parseCurl(source, { BCE_DATE: signed["x-bce-date"], BCE_AUTHORIZATION: signed.authorization });
      const response = await fetch(target, { method: request.method, headers: request.headers, body: request.body });
      const text = await response.text();
      expect(response.status, text).toBe(200);
    },
  );
});
