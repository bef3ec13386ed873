// Mocks of one spec file share its parsed operations: Prism compiles a request's validators once per
// schema object and keeps them for the life of the process, so a mock per test that parsed the spec
// again left its validators behind every time (tens of MB over a long test run).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { defaultSpecPath, startMock } from "../src/index.js";
import { specParses } from "../src/spec-cache.js";
import { expectBceError, put, REINSTALL_PATH } from "./helpers.js";

// Counted from where each test starts: other test files of the worker start mocks of their own specs.
let before: number;
const parses = () => specParses - before;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bce-mock-spec-cache-"));
  before = specParses;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bundled = () => JSON.parse(readFileSync(defaultSpecPath(), "utf8"));

/** The MalformedJSON message a mock of `spec` answers with (the spec's example, read from its operations). */
async function malformedMessage(spec: string): Promise<string> {
  const mock = await startMock({ spec, auth: false, port: 0 });
  try {
    const answer = await put(`${mock.url}${REINSTALL_PATH}`, '{"imageId": ', true);
    return (await expectBceError(answer, 400, "MalformedJSON")).message;
  } finally {
    await mock.close();
  }
}

function writeSpec(message: string, extra: object = {}): string {
  const spec = bundled();
  spec.components.examples.ErrorMalformedJSON.value.message = message;
  Object.assign(spec.components.schemas, extra);
  const path = join(dir, "openapi.json");
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

it("parses a spec file once for every mock of it while its text is unchanged, and again once it changes", async () => {
  const path = writeSpec("First.");
  expect(await malformedMessage(path)).toBe("First.");
  expect(await malformedMessage(path)).toBe("First.");
  expect(parses()).toBe(1);
  // The same file, edited: the next mock answers as it says now.
  writeSpec("Second.");
  expect(await malformedMessage(path)).toBe("Second.");
  expect(parses()).toBe(2);
});

// A spec that refers to another file answers as that file says now, however its $ref is written.
it.each([
  ["JSON", "openapi.json", (text: string) => text],
  [
    "JSON, its key escaped",
    "openapi.json",
    (text: string) => text.replace('"$ref":"./example.json"', '"\\u0024ref":"./example.json"'),
  ],
  [
    "YAML, a comment before the value",
    "openapi.yaml",
    (text: string) => text.replace('"$ref":"./example.json"', '"$ref": # the example\n"./example.json"'),
  ],
])(
  "parses a spec with a $ref to another file (%s) for every mock: that file may change while the spec does not",
  async (_, name, form) => {
    const spec = bundled();
    spec.components.examples.ErrorMalformedJSON = { $ref: "./example.json" };
    const path = join(dir, name);
    writeFileSync(path, form(JSON.stringify(spec)));
    const example = (message: string) =>
      writeFileSync(join(dir, "example.json"), JSON.stringify({ value: { code: "MalformedJSON", message } }));
    example("First.");
    expect(await malformedMessage(path)).toBe("First.");
    example("Second.");
    expect(await malformedMessage(path)).toBe("Second.");
    expect(parses()).toBe(2);
  },
);

// A $ref is a URL: its escapes name the file's characters (`a%40b.json` is `a@b.json`), in a folder
// whose own name holds `?` or `#` too, and a file: URL names its file.
it.each([
  ["a%40b.json", "a@b.json"],
  ["a%2Cb%24c%26d.json", "a,b$c&d.json"],
  ["sub%20dir/x%23y.json", "sub dir/x#y.json"],
  ["./%E4%B8%AD.json", "中.json"],
])("follows a $ref %s to the file %s", async (ref, file) => {
  for (const folder of ["plain", "q?h#"]) {
    const spec = bundled();
    spec.components.examples.ErrorMalformedJSON = { $ref: ref };
    const base = join(dir, folder);
    mkdirSync(dirname(join(base, file)), { recursive: true });
    writeFileSync(join(base, file), JSON.stringify({ value: { code: "MalformedJSON", message: "Referred." } }));
    writeFileSync(join(base, "openapi.json"), JSON.stringify(spec));
    expect(await malformedMessage(join(base, "openapi.json"))).toBe("Referred.");
  }
});

it("follows a $ref that is a file: URL", async () => {
  const spec = bundled();
  writeFileSync(join(dir, "by-url.json"), JSON.stringify({ value: { code: "MalformedJSON", message: "By URL." } }));
  spec.components.examples.ErrorMalformedJSON = { $ref: pathToFileURL(join(dir, "by-url.json")).href };
  writeFileSync(join(dir, "openapi.json"), JSON.stringify(spec));
  expect(await malformedMessage(join(dir, "openapi.json"))).toBe("By URL.");
});

it("reads a spec that could not be read again, and says why each time", async () => {
  const path = join(dir, "openapi.json");
  writeFileSync(path, "not a spec");
  for (let i = 0; i < 2; i++)
    await expect(startMock({ spec: path, port: 0 })).rejects.toThrow(
      `startMock: cannot read the spec ${path} (the spec option)`,
    );
  expect(parses()).toBe(2);
  writeSpec("Fixed.");
  expect(await malformedMessage(path)).toBe("Fixed.");
});

// The mock reads files and fetches nothing: Prism would fetch a URL, and one that never answered
// crashed the process from inside its resolver, past any catch; an endless file was read until
// memory ran out. Each is refused before anything is read of it (no server is contacted: none
// listens), the spec's own path and every file its $refs name alike.
const withRef = (name: string, ref: string, into = dir) => {
  const spec = bundled();
  spec.components.examples.ErrorMalformedJSON = { $ref: ref };
  const path = join(into, name);
  writeFileSync(path, JSON.stringify(spec));
  return path;
};
it.each([
  [
    "a URL",
    () => "http://127.0.0.1:9/openapi.json",
    (p: string) => `${p} is a URL: give the path of a spec file (./${p} for a file whose name has a colon)`,
  ],
  [
    "a URL with one slash",
    () => "http:/127.0.0.1:9/openapi.json",
    (p: string) => `${p} is a URL: give the path of a spec file (./${p} for a file whose name has a colon)`,
  ],
  [
    "a file: URL",
    () => "file:/dev/zero",
    (p: string) => `${p} is a URL: give the path of a spec file (./${p} for a file whose name has a colon)`,
  ],
  ["a device, endless", () => "/dev/zero", (p: string) => `${p} is not a file`],
  ["a folder", () => dir, (p: string) => `${p} is not a file`],
  [
    "a spec with a $ref to a URL",
    () => withRef("remote-ref.json", "http://127.0.0.1:9/example.json"),
    () => "http://127.0.0.1:9/example.json is a URL: the mock fetches nothing (bundle the spec into files first)",
  ],
  [
    "a spec with a $ref to a URL, JSON-escaped",
    () => {
      const path = withRef("escaped-ref.json", "http://127.0.0.1:9/example.json");
      writeFileSync(path, readFileSync(path, "utf8").replace('"http://127.0.0.1:9/', '"\\u0068ttp://127.0.0.1:9/'));
      return path;
    },
    () => "http://127.0.0.1:9/example.json is a URL: the mock fetches nothing (bundle the spec into files first)",
  ],
  [
    "a spec with a $ref to a file with a $ref to a URL",
    () => {
      writeFileSync(join(dir, "example.json"), JSON.stringify({ $ref: "http://127.0.0.1:9/nested.json" }));
      return withRef("nested-ref.json", "./example.json");
    },
    () => "http://127.0.0.1:9/nested.json is a URL: the mock fetches nothing (bundle the spec into files first)",
  ],
  ["a spec with a $ref to a device", () => withRef("device-ref.json", "/dev/zero"), () => "/dev/zero is not a file"],
])("refuses %s, saying so", async (_, spec, reason) => {
  const path = spec();
  await expect(startMock({ spec: path, port: 0 })).rejects.toThrow(
    `startMock: cannot read the spec ${path} (the spec option): ${reason(path)}`,
  );
});

it.each(["100%.json", "a%20b.json", "x%23y.json", "x%40y.json", "x%2Cy%24%26.json", "a?b.json", "q?/spec.json"])(
  "reads a spec file named %s as that name, its percent sign (or question mark) a character",
  async (name) => {
    const spec = bundled();
    spec.components.examples.ErrorMalformedJSON.value.message = "Percent.";
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(spec));
    // What the name would spell decoded is not what is read (here a folder).
    if (name.includes("%20")) mkdirSync(join(dir, "a b.json"));
    expect(await malformedMessage(path)).toBe("Percent.");
  },
);

it("takes a spec whose prose mentions a $ref to a URL, in a file whose name has a colon", async () => {
  const spec = bundled();
  spec.info.description = 'To split a spec, write "$ref": "https://example.com/other.json".';
  spec.components.examples.ErrorMalformedJSON.value.message = "Prose.";
  const path = join(dir, "spec:v2.json");
  writeFileSync(path, JSON.stringify(spec));
  expect(await malformedMessage(path)).toBe("Prose.");
});
