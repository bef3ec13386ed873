// A stranger's project: the packed tarballs installed with npm into a fresh folder outside the
// workspace (no workspace links, no pnpm), type-checked under strict TypeScript and run against the
// mock started from the installed @bce-openapi/mock, plus the mock's bin.
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalRegistry, type LocalRegistry } from "./local-registry.js";
import { packageNames, root } from "./packages.js";

const run = promisify(execFile);
const fixture = join(dirname(fileURLToPath(import.meta.url)), "../fixture");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A version from the workspace catalog, so the consumer uses the same tools as we do. */
function catalogVersion(name: string): string {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const match = new RegExp(`^\\s+"?${name.replace(/[/.]/g, "\\$&")}"?:\\s*(\\S+)\\s*$`, "m").exec(yaml);
  if (!match?.[1]) throw new Error(`${name} is not in the pnpm catalog`);
  return match[1];
}

/** The environment of a shell outside the workspace: no pnpm/npm config inherited from `pnpm test`. */
function strangerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|INIT_CWD$|PNPM_)/i.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => !dir.startsWith(root))
    .join(delimiter);
  env.SCARF_ANALYTICS = "false";
  env.NO_UPDATE_NOTIFIER = "1";
  return env;
}

let project: string;
let registry: LocalRegistry | undefined;
let temp: string;
// Without engines: npm prefers versions whose engines fit the running Node, so a decoy that asked
// for Node 24 would never be taken on Node 20, even with the mock's pin loosened to ^5.8.0. Taken,
// this one fails the install (its tarball is never served).
const PRISM_CORE_DECOY = { version: "5.99.0" };
const env = strangerEnv();
// The registry is on loopback: never through a proxy, even when one is configured.
env.NO_PROXY = env.no_proxy = [env.NO_PROXY ?? env.no_proxy, "127.0.0.1", "localhost"].filter(Boolean).join(",");
// tsc and npm take seconds alone and minutes on a machine the rest of the suite keeps busy: the
// bounds are generous, and a command they stop is said to have been stopped.
const inProject = (file: string, args: string[], timeout = 240_000) =>
  run(file, args, { cwd: project, env, timeout, maxBuffer: 16 * 1024 * 1024 }).catch((error) => {
    if (error.killed) error.stderr = `${error.stderr ?? ""}\n(stopped after ${timeout} ms: ${error.signal})`;
    throw error;
  });

beforeAll(async () => {
  const { tarballs } = inject("packed");
  temp = realpathSync(mkdtempSync(join(tmpdir(), "bce-openapi-consumer-")));
  project = join(temp, "project");
  cpSync(fixture, project, { recursive: true });
  // Third-party packages come from the workspace's pnpm store through a registry on loopback.
  // As on the public registry, a newer prism-core than the mock's exact 5.8.0 is there (the real
  // ones need Node 24): prism-http 5.12.0 asks for ^5.8.0, which it satisfies.
  registry = await startLocalRegistry(root, join(temp, "tarballs"), {
    "@stoplight/prism-core": PRISM_CORE_DECOY,
  });
  const ours = Object.fromEntries(packageNames.map((name) => [name, `file:${tarballs[name]}`]));
  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify(
      {
        name: "bce-openapi-consumer",
        private: true,
        type: "module",
        dependencies: ours,
        devDependencies: {
          "@types/node": catalogVersion("@types/node"),
          "openapi-typescript": catalogVersion("openapi-typescript"),
          typescript: catalogVersion("typescript"),
        },
        // bec, bcc and mock depend on core/spec by version: take those from the tarballs too.
        overrides: Object.fromEntries(packageNames.map((name) => [name, `$${name}`])),
      },
      null,
      2,
    )}\n`,
  );
  // engine-strict as on our machines (Node 20 must be enough for every package installed); our
  // scope points at a closed port, so any attempt to fetch @bce-openapi/* from a registry fails.
  writeFileSync(
    join(project, ".npmrc"),
    [
      "engine-strict=true",
      "@bce-openapi:registry=http://127.0.0.1:9/",
      "audit=false",
      "fund=false",
      "update-notifier=false",
      "",
    ].join("\n"),
  );
  // A fresh cache and --prefer-online: nothing may come from an earlier fetch from the network.
  // resolved URLs kept in the lockfile, whatever the user's npmrc says, so the test can check them.
  const npmArgs = ["install", "--registry", registry.url, "--cache", join(temp, "npm-cache"), "--prefer-online"];
  await inProject("npm", [
    ...npmArgs,
    "--no-audit",
    "--no-fund",
    "--omit-lockfile-registry-resolved=false",
    "--loglevel=error",
  ]).catch((error: { stderr?: string }) => {
    throw new Error(
      `npm install failed; not in the workspace store: ${registry?.missing.join(", ") || "nothing"}\n${error.stderr}`,
    );
  });
}, 300_000);

afterAll(async () => {
  await registry?.close();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe("npm install of the tarballs in a fresh project", () => {
  it("installs our packages as real folders from the tarballs, not links into the workspace", () => {
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; resolved?: string; link?: boolean }>;
    };
    for (const name of packageNames) {
      const dir = join(project, "node_modules", name);
      expect(lstatSync(dir).isSymbolicLink(), name).toBe(false);
      expect(realpathSync(dir).startsWith(root)).toBe(false);
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry?.link, name).toBeUndefined();
      expect(entry?.resolved, name).toMatch(/^file:.*\.tgz$/);
    }
    // Exactly one copy of each (no nested copy fetched for bec/bcc/mock's own dependencies).
    const nested = Object.keys(lock.packages).filter((path) =>
      /node_modules\/.+\/node_modules\/@bce-openapi\//.test(path),
    );
    expect(nested).toEqual([]);
  });

  it("gets every other package from the loopback registry, and nothing from anywhere else", () => {
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { resolved?: string }>;
    };
    const installed = Object.entries(lock.packages).filter(([path]) => path.includes("node_modules/"));
    expect(installed.length).toBeGreaterThan(packageNames.length);
    const elsewhere = installed.filter(
      ([, { resolved }]) =>
        !resolved?.startsWith(`${registry!.url}-/tarballs/`) && !/^file:.*\.tgz$/.test(resolved ?? ""),
    );
    expect(elsewhere).toEqual([]);
    expect(registry!.onlyLoopback()).toBe(true);
    expect(registry!.log.length).toBeGreaterThan(0);
  });

  it("gets the Prism versions that run on Node 20", () => {
    const version = (name: string) =>
      (JSON.parse(readFileSync(join(project, "node_modules", name, "package.json"), "utf8")) as { version: string })
        .version;
    expect(version("@stoplight/prism-core")).toBe("5.8.0");
    expect(version("@stoplight/prism-http")).toBe("5.12.0");
    // The newer prism-core the registry offered was seen and not taken, not even nested.
    expect(registry!.log.some((line) => line.includes("GET /@stoplight/prism-core 200"))).toBe(true);
    expect(registry!.log.filter((line) => line.includes(PRISM_CORE_DECOY.version))).toEqual([]);
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    const prismCores = Object.entries(lock.packages).filter(([path]) =>
      path.endsWith("node_modules/@stoplight/prism-core"),
    );
    expect(prismCores.map(([, p]) => p.version)).toEqual(["5.8.0"]);
    // The mock runs its own HTTP front, so Prism's server package is not installed at all.
    expect(existsSync(join(project, "node_modules", "@stoplight", "prism-http-server"))).toBe(false);
  });
});

/** Runs `step` once, whichever test asks first: each test below runs alone too (`-t`). */
const once = <T>(step: () => Promise<T>): (() => Promise<T>) => {
  let done: Promise<T> | undefined;
  return () => {
    done ??= step();
    return done;
  };
};

/** The consumer's own types, generated from the installed spec bundle; the path of that bundle. */
const generateTypes = once(async () => {
  const { stdout } = await inProject(process.execPath, ["-p", "require.resolve('@bce-openapi/spec/openapi.json')"]);
  const bundle = stdout.trim();
  // --default-non-nullable=false: a request field with a default (resetDataDisk) stays optional.
  await inProject(join(project, "node_modules/.bin/openapi-typescript"), [
    bundle,
    "--default-non-nullable=false",
    "--output",
    "src/generated/bce.ts",
  ]);
  return bundle;
});

/** A tsc program over the consumer's sources, once its types are generated. */
const typeCheck = (config: string) =>
  once(async () => {
    await generateTypes();
    await inProject(join(project, "node_modules/.bin/tsc"), ["-p", config]).catch((error) => {
      throw new Error(`tsc -p ${config} failed:\n${error.stdout}${error.stderr}`);
    });
  });
const compile = typeCheck("tsconfig.json"); // emits out/consumer.js
const compileNode10 = typeCheck("tsconfig.node10.json");

describe("the consumer program", () => {
  it("generates its own types from the installed spec bundle with openapi-typescript", async () => {
    const bundle = await generateTypes();
    expect(bundle.startsWith(join(project, "node_modules"))).toBe(true);
    expect(readFileSync(join(project, "src/generated/bce.ts"), "utf8")).toContain("VmInstanceReinstallRequest");
  });

  // The two type-checks are independent tsc programs (two configurations of the same sources): they
  // run side by side (it.concurrent). The run below waits for the first's output itself.
  // A Node project's lib (ES2022 and @types/node, no DOM): the declarations name no DOM-only type.
  it.concurrent("type-checks under strict TypeScript (exactOptionalPropertyTypes, skipLibCheck off, no DOM lib)", async ({
    expect,
  }) => {
    await compile();
    expect(existsSync(join(project, "out/consumer.js"))).toBe(true);
  });

  // The legacy `"moduleResolution": "node"` of many existing projects reads no package exports:
  // the clients' declarations must still resolve to full types (skipLibCheck off, so a declaration
  // that cannot resolve fails here instead of quietly turning into `any`).
  it.concurrent("type-checks under the legacy moduleResolution node (node10, module esnext, DOM lib) too", async ({
    expect,
  }) => {
    await expect(compileNode10()).resolves.toBeUndefined();
  });

  it("runs both clients against the installed mock (signatures checked)", async () => {
    await compile();
    const { stdout } = await inProject(process.execPath, ["out/consumer.js"]);
    const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as {
      reinstalled: { result?: unknown; action?: unknown };
      metadata: { httpStatusCode: number; requestId: string; attempts: number };
      rebuilt: {
        requestId: string;
        $metadata: { httpStatusCode: number; requestId: string; attempts: number; totalRetryDelay: number };
      };
      error?: { status: number; code: string; message: string; requestId?: string };
      ownStatus: number;
    };
    expect(result.reinstalled).toMatchObject({ result: expect.anything(), action: expect.anything() });
    expect(result.metadata).toMatchObject({ httpStatusCode: 200, requestId: expect.stringMatching(UUID), attempts: 1 });
    expect(result.rebuilt.requestId).toMatch(UUID);
    expect(result.rebuilt.$metadata).toEqual({
      httpStatusCode: 200,
      requestId: result.rebuilt.requestId,
      attempts: 1,
      totalRetryDelay: 0,
    });
    expect(result.error).toMatchObject({ code: "SignatureDoesNotMatch" });
    expect(result.error?.status).toBeGreaterThanOrEqual(400);
    expect(result.error?.status).toBeLessThan(500);
    expect(result.error?.requestId).toMatch(UUID);
    // signRequest's headers, given to fetch as they are, make a request the mock takes.
    expect(result.ownStatus).toBe(200);
  });
});

describe("CommonJS code", () => {
  // The packages are ES modules; Node 20.19 and later load them from `require()` (the READMEs say so).
  it("loads both clients with require() and makes a client of each", async () => {
    const script = [
      "const { createBecClient, BceError } = require('@bce-openapi/bec');",
      "const { createBccClient } = require('@bce-openapi/bcc');",
      "const credentials = { accessKeyId: 'ak', secretAccessKey: 'sk-0123456789abcdef' };",
      "const made = [createBecClient({ credentials }), createBccClient({ credentials, region: 'bj' })];",
      "console.log(JSON.stringify({ methods: made.map((c) => typeof (c.reinstallVmInstance ?? c.rebuildInstance)), error: typeof BceError }));",
    ].join("\n");
    const { stdout } = await inProject(process.execPath, ["--input-type=commonjs", "-e", script]);
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "")).toEqual({
      methods: ["function", "function"],
      error: "function",
    });
  });
});

describe("the installed mock in a team's vitest run", () => {
  // vitest's vmThreads and vmForks pools run CommonJS dependencies with another top-level `this`,
  // and Prism's path matcher (uri-template-lite) exports through it: the mock must still answer.
  it.each(["vmThreads", "vmForks"])("answers a per-file mock's request under the %s pool", async (pool) => {
    const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
    const { stdout } = await inProject(process.execPath, [
      vitest,
      "run",
      "--root",
      project,
      "--dir",
      "vitest-vm",
      "--pool",
      pool,
      "--globals",
      "--reporter",
      "json",
    ]).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`vitest (${pool}) failed:\n${error.stdout}${error.stderr}`);
    });
    const report = JSON.parse(stdout) as { numPassedTests: number; numTotalTests: number };
    expect(report).toMatchObject({ numPassedTests: 1, numTotalTests: 1 });
  });
});

describe("the public surface of @bce-openapi/core", () => {
  it("exports what users need; the plumbing only from @bce-openapi/core/internal, documented as internal", async () => {
    const script = [
      "const pub = Object.keys(await import('@bce-openapi/core')).sort();",
      "const internal = Object.keys(await import('@bce-openapi/core/internal'));",
      "const validation = Object.keys(await import('@bce-openapi/core/internal/validation'));",
      "console.log(JSON.stringify({ pub, internal, validation }));",
    ].join("\n");
    const { stdout } = await inProject(process.execPath, ["--input-type=module", "-e", script]);
    const { pub, internal, validation } = JSON.parse(stdout) as {
      pub: string[];
      internal: string[];
      validation: string[];
    };
    // The values of the public entry (types aside): the semver promise covers exactly these.
    expect(pub).toEqual([
      "BceAbortError",
      "BceError",
      "BceNetworkError",
      "BceResponseError",
      "BceServiceError",
      "BceTimeoutError",
      "BceValidationError",
      "CREDENTIAL_ENV_VARS",
      "CredentialsError",
      "DEFAULT_EXPIRATION_SECONDS",
      "DEFAULT_MAX_CLOCK_SKEW_SECONDS",
      "PasswordPolicyError",
      "buildAuthorization",
      "checkAdminPassPolicy",
      "createSigningKeyCache",
      "createSigningMiddleware",
      "decodeUserData",
      "encodeUserData",
      "encryptAdminPass",
      "formatBceDate",
      "isSafeToRetry",
      "signFetchRequest",
      "signRequest",
      "verifyRequest",
    ]);
    const plumbing = ["createServiceClient", "checkPathParameter", "unwrap", "Transport", "serverUrl", "requestIdOf"];
    expect(internal).toEqual(expect.arrayContaining([...plumbing, ...pub]));
    // The schema interpreter has a subpath of its own, so the clients' default bundles leave it out.
    expect(validation).toEqual(expect.arrayContaining(["checkRequestPart", "checkAnswer", "validateSchema"]));
    expect(internal).not.toContain("validateSchema");
    const dts = readFileSync(join(project, "node_modules/@bce-openapi/core/dist/internal/index.d.ts"), "utf8");
    expect(dts).toMatch(/@internal Not part of the public API and not covered by semantic versioning/);
  });
});

describe("the installed bce-openapi-mock bin", () => {
  it("starts on a free port, answers like BCE and stops on SIGTERM", async () => {
    const child = spawn(join(project, "node_modules/.bin/bce-openapi-mock"), ["--port", "0"], { cwd: project, env });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`no listening line in 90 s:\n${out}`)), 90_000);
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.on("exit", (code) => reject(new Error(`exited with ${code}:\n${out}`)));
      });
      // Unsigned: the bin checks bce-auth-v1 signatures like startMock does by default.
      const response = await fetch(`${url}/v2/instance/i-YufwpQAe?rebuild`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ imageId: "m-mRjO3cjs" }),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.headers.get("x-bce-request-id")).toMatch(UUID);
      const body = (await response.json()) as { code?: string; requestId?: string };
      expect(body.code).toEqual(expect.any(String));
      expect(body.requestId).toBe(response.headers.get("x-bce-request-id"));
    } finally {
      // A bin that exited already (it failed to start) is not waited for: no exit event comes.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    }
  });
});
