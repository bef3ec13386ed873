// The breaking-change gate (tests/breaking-change/gate.mjs, `pnpm check:breaking`): redocly diff of
// the bundled spec against the committed baseline of the last release, and the pending changesets.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiffReport, redoclyDiff, runGate } from "../../breaking-change/gate.mjs";
import { root } from "./packages.js";

const run = promisify(execFile);
const gateCommand = join(root, "tests/breaking-change/gate.mjs");
const current = join(root, "spec/dist/openapi.json");
const REINSTALL = "/v1/vm/instance/{vmID}/system/reinstall";
const REBUILD = "/v{version}/instance/{instanceId}";

type Outcome = { code: number; output: string };
/** `node tests/breaking-change/gate.mjs ARGS` (`pnpm check:breaking`), as CI runs it. */
async function gateCli(args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [gateCommand, ...args], { cwd: root });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}
/**
 * The same gate in this process (its `runGate`, which the command runs): one Node and one module
 * graph for the cases below, not two processes each. Only `redocly diff` is still a process.
 */
function gate(options: { base: string; revision: string; changesets: string; report?: DiffReport }): Outcome {
  const { code, stdout, stderr } = runGate({ ...options, cwd: root });
  return { code, output: stdout + stderr };
}

let work: string;
let changesets: string;
// The deliberate breaks below are compared with the current spec (`--base current`), so that what
// the pending changesets already cover does not count among them.
const spec = (name: string, edit: (doc: any) => void) => {
  const doc = JSON.parse(readFileSync(current, "utf8"));
  edit(doc);
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
};
/** A .changeset folder with the real config and the given changesets; returns its path. */
const withChangesets = (entries: Record<string, string>) => {
  rmSync(changesets, { recursive: true, force: true });
  mkdirSync(changesets);
  copyFileSync(join(root, ".changeset/config.json"), join(changesets, "config.json"));
  for (const [name, bumps] of Object.entries(entries))
    writeFileSync(join(changesets, `${name}.md`), `---\n${bumps}\n---\n\nWhat changed.\n`);
  return changesets;
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "bce-openapi-gate-"));
  changesets = join(work, "changeset");
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The command itself, with its defaults: the other cases call the same gate in this process.
it("passes for the current spec against the committed baseline, with the real changesets", async () => {
  const { code, output } = await gateCli([]);
  expect(output, output).toContain("breaking-change gate: OK");
  expect(code).toBe(0);
});

describe("a deliberately broken spec (a path removed, a required property added)", () => {
  let broken: string;
  // The three cases differ only in the changesets: redocly compares the same two documents once.
  let report: DiffReport;
  beforeAll(() => {
    broken = spec("broken.json", (doc) => {
      delete doc.paths[REBUILD];
      doc.components.schemas.VmInstanceReinstallRequest.required.push("resetDataDisk");
    });
    report = redoclyDiff(current, broken);
  });

  it("fails without a changeset, saying what broke and which packages need a major one", () => {
    const { code, output } = gate({ base: current, revision: broken, changesets: withChangesets({}), report });
    expect(code).toBe(1);
    expect(output).toContain("breaking-change gate: FAIL");
    expect(output).toContain(`Path \`${REBUILD}\` was removed. (path-removed)`);
    expect(output).toContain(
      `PUT ${REINSTALL}: Properties of \`VmInstanceReinstallRequest\` became required: \`resetDataDisk\``,
    );
    expect(output).toContain(
      "No major changeset for: @bce-openapi/bcc, @bce-openapi/bec, @bce-openapi/mock, @bce-openapi/spec",
    );
  });

  it("fails with only a minor changeset", () => {
    const { code, output } = gate({
      base: current,
      revision: broken,
      changesets: withChangesets({ small: '"@bce-openapi/spec": minor' }),
      report,
    });
    expect(code).toBe(1);
    expect(output).toContain("No major changeset for:");
  });

  it("passes with a major changeset (the fixed group carries it to every package)", () => {
    const { code, output } = gate({
      base: current,
      revision: broken,
      changesets: withChangesets({ big: '"@bce-openapi/spec": major' }),
      report,
    });
    expect(output, output).toContain("breaking-change gate: OK, 2 breaking change(s)");
    expect(code).toBe(0);
  });
});

it("names only the affected client when one service breaks (without the fixed group)", () => {
  const broken = spec("bcc-broken.json", (doc) => {
    delete doc.paths[REBUILD];
  });
  const dir = withChangesets({});
  const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, fixed: [] }));
  const { code, output } = gate({ base: current, revision: broken, changesets: dir });
  expect(code).toBe(1);
  expect(output).toContain("No major changeset for: @bce-openapi/bcc, @bce-openapi/mock, @bce-openapi/spec.");
});

it("passes a compatible change (a new optional response property) without any changeset", () => {
  const added = spec("added.json", (doc) => {
    doc.components.schemas.VmInstanceReinstallResult.properties.note = { type: "string" };
  });
  const { code, output } = gate({ base: current, revision: added, changesets: withChangesets({}) });
  expect(output, output).toContain("breaking-change gate: OK, no breaking change");
  expect(code).toBe(0);
});

// Rules only the clients enforce, which redocly diff does not read: a tighter one refuses what a
// caller of the client sent before.
describe("a client rule (x-client-rules, x-bce-plaintext)", () => {
  const unfixed = () => {
    const dir = withChangesets({});
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, fixed: [] }));
    return dir;
  };

  it("tightened (a shorter password policy) is breaking for the client that enforces it", () => {
    const tighter = spec("bcc-password-shorter.json", (doc) => {
      doc.components.schemas.RebuildInstanceRequest.properties.adminPass["x-bce-plaintext"].maxLength = 30;
    });
    const { code, output } = gate({ base: current, revision: tighter, changesets: unfixed() });
    expect(code).toBe(1);
    expect(output).toContain(
      "#/components/schemas/RebuildInstanceRequest/properties/adminPass/x-bce-plaintext/maxLength: 32 → 30 (a rule the clients and the mock enforce)",
    );
    expect(output).toContain("No major changeset for: @bce-openapi/bcc, @bce-openapi/mock, @bce-openapi/spec.");
  });

  it("with a value gone from an enum, or a property no longer listed, is breaking", () => {
    const tighter = spec("bec-rules-narrower.json", (doc) => {
      const rules = doc.components.schemas.VmInstanceReinstallRequest["x-client-rules"];
      rules.properties.imageType.enum = ["bec", "bcc"];
      delete rules.properties.cudaVersion;
    });
    const { code, output } = gate({ base: current, revision: tighter, changesets: unfixed() });
    expect(code).toBe(1);
    expect(output).toContain('x-client-rules/properties/imageType/enum: no longer ["rds"]');
    expect(output).toContain("x-client-rules/properties/cudaVersion: no longer listed");
    expect(output).toContain("No major changeset for: @bce-openapi/bec, @bce-openapi/mock, @bce-openapi/spec.");
  });

  it("with its list of properties gone, where it refuses what it does not list, is breaking", () => {
    const tighter = spec("bec-rules-unlisted.json", (doc) => {
      delete doc.components.schemas.VmInstanceReinstallRequest["x-client-rules"].properties;
    });
    const { code, output } = gate({ base: current, revision: tighter, changesets: unfixed() });
    expect(code).toBe(1);
    expect(output).toContain("VmInstanceReinstallRequest/x-client-rules/properties/imageId: no longer listed");
  });

  it("moved with its schema (a renamed component) is the same rule", () => {
    const renamed = spec("rules-renamed.json", (doc) => {
      const schemas = doc.components.schemas;
      schemas.KeyConfigRenamed = schemas.KeyConfig;
      delete schemas.KeyConfig;
      const text = JSON.stringify(doc).replaceAll(
        '"#/components/schemas/KeyConfig"',
        '"#/components/schemas/KeyConfigRenamed"',
      );
      for (const key of Object.keys(doc)) delete doc[key];
      Object.assign(doc, JSON.parse(text));
    });
    const { output } = gate({ base: current, revision: renamed, changesets: withChangesets({}) });
    expect(output, output).not.toContain("(a rule only the clients enforce)");
  });

  it("moved to another schema's field is a new rule there, not the one it was", () => {
    const moved = spec("rules-moved.json", (doc) => {
      const schemas = doc.components.schemas;
      const rule = schemas.BecImageType["x-client-rules"];
      delete schemas.BecImageType["x-client-rules"];
      schemas.RebuildInstanceRequest.properties.userData["x-client-rules"] = rule;
    });
    const { code, output } = gate({ base: current, revision: moved, changesets: unfixed() });
    expect(code).toBe(1);
    expect(output).toContain("RebuildInstanceRequest/properties/userData/x-client-rules/enum: added");
  });

  it("loosened where it no longer refuses the unlisted, a property listed in the same edit, needs no changeset", () => {
    const looser = spec("rules-open.json", (doc) => {
      const rules = doc.components.schemas.RebuildInstanceRequest["x-client-rules"];
      delete rules.additionalProperties;
      rules.properties.newFlag = { type: "boolean" };
    });
    const { code, output } = gate({ base: current, revision: looser, changesets: withChangesets({}) });
    expect(output, output).toContain("breaking-change gate: OK, no breaking change");
    expect(code).toBe(0);
  });

  it("loosened (a longer password, a property newly listed, a rule's message reworded) needs no changeset", () => {
    const looser = spec("rules-looser.json", (doc) => {
      const schemas = doc.components.schemas;
      schemas.RebuildInstanceRequest.properties.adminPass["x-bce-plaintext"].maxLength = 40;
      // Listed where the rule refuses what it does not list: a field that was refused is taken.
      schemas.RebuildInstanceRequest["x-client-rules"].properties.newFlag = { type: "boolean" };
      schemas.VmInstanceReinstallRequest["x-client-rules"].properties.imageId["x-pattern-message"] = "must hold text";
    });
    const { code, output } = gate({ base: current, revision: looser, changesets: withChangesets({}) });
    expect(output, output).toContain("breaking-change gate: OK, no breaking change");
    expect(code).toBe(0);
  });
});

describe("an anyOf around what a schema was", () => {
  const wrap = (doc: any, where: "request" | "response") => {
    const schemas = doc.components.schemas;
    if (where === "request")
      schemas.RebuildInstanceRequest.properties.userData = {
        anyOf: [schemas.RebuildInstanceRequest.properties.userData, { type: "integer" }],
      };
    else
      schemas.VmInstanceDetailsVo.properties.osImage = {
        anyOf: [schemas.VmInstanceDetailsVo.properties.osImage, { type: "integer" }],
      };
  };

  it("in a request body only lets the service accept more: rated minor, no changeset needed", () => {
    const widened = spec("widened-request.json", (doc) => wrap(doc, "request"));
    const { code, output } = gate({ base: current, revision: widened, changesets: withChangesets({}) });
    expect(output, output).toContain("request bodies that only accept more (not breaking)");
    expect(output, output).toContain(`PUT ${REBUILD}: \`anyOf\` of \`userData\` was added.`);
    expect(output, output).toContain("breaking-change gate: OK, no breaking change");
    expect(code).toBe(0);
  });

  it("in a response is breaking: readers must handle the new branch", () => {
    const widened = spec("widened-response.json", (doc) => wrap(doc, "response"));
    const { code, output } = gate({ base: current, revision: widened, changesets: withChangesets({}) });
    expect(code).toBe(1);
    expect(output).toContain("No major changeset for: @bce-openapi/bec, @bce-openapi/mock, @bce-openapi/spec.");
  });
});

describe("a server annotated anew (redocly pairs servers by likeness, and reports it removed)", () => {
  // The last release's server had short annotations; the revision documents it at length.
  const plain = (doc: any) => {
    const server = doc.paths[REBUILD].servers[0];
    server.description = "BCC regional endpoint.";
    delete server["x-source"];
    for (const variable of Object.values(server.variables) as any[]) {
      variable.description = "Region.";
      delete variable["x-source"];
    }
  };

  it("is not breaking when its url and variables are the same", () => {
    const base = spec("server-plain.json", plain);
    const { code, output } = gate({ base: base, revision: current, changesets: withChangesets({}) });
    expect(output, output).toContain(`${REBUILD}: Server \`https://bcc.{region}.baidubce.com\` was removed.`);
    expect(output, output).toContain("only annotated anew (not breaking)");
    expect(output, output).toContain("breaking-change gate: OK, no breaking change");
    expect(code).toBe(0);
  });

  it("is breaking when a variable lost a value as well", () => {
    const base = spec("server-plain.json", plain);
    const fewer = spec("server-fewer-regions.json", (doc) => {
      const region = doc.paths[REBUILD].servers[0].variables.region;
      region.enum = region.enum.filter((value: string) => value !== "fsh");
    });
    const { code, output } = gate({ base: base, revision: fewer, changesets: withChangesets({}) });
    expect(code).toBe(1);
    expect(output).toContain("No major changeset for: @bce-openapi/bcc, @bce-openapi/mock, @bce-openapi/spec.");
  });
});

// The baseline is the last release's spec: `pnpm version-packages` replaces it once changesets have
// moved the version (after the gate passed on them). Replaced between releases, it made an
// unreleased breaking change the norm, and the gate then passed a patch release of it.
describe("--update-baseline", () => {
  const withVersion = (name: string, version: string) =>
    spec(name, (doc) => {
      doc.info.version = version;
    });

  it("refuses a spec of the baseline's version, naming both and the way before a first release", () => {
    const base = withVersion("base-same.json", "1.0.0");
    // An unreleased change, the version not moved.
    const revision = spec("revision-same.json", (doc) => {
      doc.info.version = "1.0.0";
      doc.info.description = `${doc.info.description} (changed)`;
    });
    const before = readFileSync(base, "utf8");
    const { code, stdout, stderr } = runGate({
      base,
      revision,
      changesets: withChangesets({}),
      updateBaseline: true,
      cwd: root,
    });
    expect(code).toBe(1);
    expect(stdout + stderr).toMatch(/has the version of .*base-same\.json \(1\.0\.0\)/);
    expect(stdout + stderr).toContain("--unreleased");
    expect(readFileSync(base, "utf8")).toBe(before);
  });

  it("leaves a baseline that is the spec already as it is (a second version-packages with nothing to release)", () => {
    const base = withVersion("base-same-text.json", "1.0.0");
    const { code, stdout } = runGate({
      base,
      revision: base,
      changesets: withChangesets({}),
      updateBaseline: true,
      cwd: root,
    });
    expect(code).toBe(0);
    expect(stdout).toContain("already");
  });

  it("replaces the baseline once the version moved, or before the first release with unreleased", () => {
    for (const [name, version, unreleased] of [
      ["moved", "1.0.1", false],
      ["unreleased", "1.0.0", true],
    ] as const) {
      const base = withVersion(`base-${name}.json`, "1.0.0");
      const revision = withVersion(`revision-${name}.json`, version);
      const { code } = runGate({
        base,
        revision,
        changesets: withChangesets({}),
        updateBaseline: true,
        unreleased,
        cwd: root,
      });
      expect(code, name).toBe(0);
      expect(readFileSync(base, "utf8")).toBe(readFileSync(revision, "utf8"));
    }
  });
});
