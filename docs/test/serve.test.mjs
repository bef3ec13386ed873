// scripts/serve.mjs, as `pnpm start` (with --mock) and `pnpm docs:serve` run it: a real process
// serving the built docs and the mock on loopback, stopped by SIGTERM or by the end of its parent; a port that is taken or is
// not a port ends it at once with one line that names it, never a stack trace.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { docsDir } from "./helpers.mjs";

const script = join(docsDir, "scripts", "serve.mjs");
const children = new Set();

/**
 * The --stop-with-parent tests: waits for `ended` (the stdout pipe serve.mjs holds too), failing if
 * serve.mjs still runs 60 s after its shell ended, with `detail` (what it printed) in the message.
 */
async function endedWithin60s(ended, detail) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`serve.mjs still runs 60 s after its shell ended${detail ? `: ${detail()}` : ""}`)),
      60_000,
    );
  });
  await Promise.race([ended, late]).finally(() => clearTimeout(timer));
}

/** Stops the process whose pid the shell printed (`pid N`), should a failed test leave it running. */
function killPrinted(stdout) {
  const pid = Number(/pid (\d+)/.exec(stdout)?.[1]);
  if (pid > 0) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {} // gone, as it should be
  }
}

afterEach(() => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
});

/** Start serve.mjs: `ready` resolves with its output once it says "Press Ctrl+C" or ends; `exited` when it ends. */
function serve(args) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, "exit").then(([code]) => {
    children.delete(child);
    return { code, stdout, stderr };
  });
  const ready = new Promise((resolve) => {
    child.stdout.on("data", () => stdout.includes("Press Ctrl+C") && resolve(stdout));
    exited.then(() => resolve(stdout));
  });
  return { child, ready, exited };
}

const urlOf = (stdout, label) => stdout.match(new RegExp(`${label} .*at (http://127\\.0\\.0\\.1:\\d+)`))?.[1];

test("serves the docs and the mock on loopback, and stops on SIGTERM", async () => {
  const { child, ready, exited } = serve(["--mock", "--port", "0", "--mock-port", "0"]);
  const stdout = await ready;
  const docs = urlOf(stdout, "BCE API docs");
  const mock = urlOf(stdout, "BCE mock");
  expect(docs, stdout).toBeDefined();
  expect(mock, stdout).toBeDefined();

  const page = await fetch(`${docs}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<html/i);
  // The mock checks signatures: an unsigned call is refused with the service's error body.
  const refused = await fetch(`${mock}/v1/vm/instance/vm-1/system/reinstall`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  expect(refused.status).toBe(400);
  expect(await refused.json()).toMatchObject({ code: expect.any(String), requestId: expect.any(String) });

  child.kill("SIGTERM");
  expect((await exited).code).toBe(0);
  await expect(fetch(`${docs}/`)).rejects.toThrow();
  await expect(fetch(mock)).rejects.toThrow();
}, 180_000);

test("--stop-with-parent stops it when the shell that started it ends while it is still starting", async () => {
  // The shell ends as soon as serve.mjs starts to load Prism, which it does after its first modules
  // (where it reads its parent's pid) and which takes over a second: a module-resolution hook given
  // to --import marks the moment (when @stoplight/prism-core is resolved). By the time serve.mjs
  // listens, the system has given it another parent, which must not be taken for the first.
  const work = mkdtempSync(join(tmpdir(), "bce-openapi-serve-parent-"));
  const marker = join(work, "started");
  const hooks = `import{writeFileSync}from"node:fs";export async function resolve(s,c,next){if(s==="@stoplight/prism-core")writeFileSync(process.env.STARTED_MARKER,"");return next(s,c)}`;
  const mark = `data:text/javascript,${encodeURIComponent(`import{register}from"node:module";register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)})`)}`;
  const shell = spawn(
    "sh",
    [
      "-c",
      '"$0" "$@" & echo "pid $!"; i=0; while [ ! -e "$STARTED_MARKER" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done',
      process.execPath,
      "--import",
      mark,
      script,
      "--mock",
      "--port",
      "0",
      "--mock-port",
      "0",
      "--stop-with-parent",
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, STARTED_MARKER: marker } },
  );
  children.add(shell);
  let stdout = "";
  shell.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  const ended = once(shell.stdout, "end"); // serve.mjs holds the pipe too: it ends when both have exited
  try {
    await once(shell, "exit");
    expect(existsSync(marker)).toBe(true);
    await endedWithin60s(ended, () => stdout);
    // It did start both (and stopped at once), rather than failing to start.
    expect(urlOf(stdout, "BCE API docs"), stdout).toBeDefined();
    expect(urlOf(stdout, "BCE mock"), stdout).toBeDefined();
  } finally {
    killPrinted(stdout);
    rmSync(work, { recursive: true, force: true });
  }
}, 180_000);

test("--stop-with-parent stops it when the shell that started it ends, as when only pnpm is signalled", async () => {
  // As `pnpm start` runs it: under `sh -c`, which does not exec it. The shell prints serve.mjs's pid
  // (to stop it should this test fail) and waits; SIGTERM ends the shell alone, as pnpm passes it on.
  const shell = spawn(
    "sh",
    ["-c", '"$0" "$@" & echo "pid $!"; wait', process.execPath, script, "--port", "0", "--stop-with-parent"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.add(shell);
  let stdout = "";
  shell.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  const ended = once(shell.stdout, "end"); // serve.mjs holds the pipe too: it ends when both have exited
  try {
    const docs = await new Promise((resolve, reject) => {
      shell.stdout.on("data", () => stdout.includes("Press Ctrl+C") && resolve(urlOf(stdout, "BCE API docs")));
      shell.once("exit", (code) => reject(new Error(`the shell exited with ${code}: ${stdout}`)));
    });
    expect((await fetch(`${docs}/`)).status).toBe(200);
    shell.kill("SIGTERM");
    await once(shell, "exit");
    await endedWithin60s(ended);
    await expect(fetch(`${docs}/`)).rejects.toThrow();
  } finally {
    killPrinted(stdout);
  }
}, 120_000);

test("a port in use ends it with one line naming the port and the option, the mock stopped too", async () => {
  const holder = createServer();
  holder.listen(0, "127.0.0.1");
  await once(holder, "listening");
  const busy = holder.address().port;
  try {
    const { exited } = serve(["--mock", "--mock-port", "0", "--port", String(busy)]);
    const { code, stdout, stderr } = await exited;
    expect(code).toBe(1);
    expect(stderr).toBe(
      `serve: the docs could not start: port ${busy} is in use (is it already being served?); choose another with --port, or 0 for any free port\n`,
    );
    // The mock had started; it went down with the process.
    const mock = urlOf(stdout, "BCE mock");
    expect(mock, stdout).toBeDefined();
    await expect(fetch(mock)).rejects.toThrow();
  } finally {
    holder.close();
  }
}, 180_000);

test.each([
  [["--mock", "--mock-port", "70000"], '--mock-port must be an integer from 0 to 65535, got "70000"'],
  [["--port", "80a"], '--port must be an integer from 0 to 65535, got "80a"'],
  [["--prot", "80"], "Unknown option '--prot'"],
  [["--mock-port", "abc"], "--mock-port is given without --mock, which starts the mock"],
  [["--port", "8081", "--port", "8082"], '--port is given twice, as "8081" and "8082"; give it once'],
])(
  "refuses %j with exit code 2 and the usage",
  async (args, message) => {
    const { code, stdout, stderr } = await serve(args).exited;
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`serve: ${message}`);
    expect(stderr).toContain("usage: serve.mjs [--port N] [--mock] [--mock-port N] [--stop-with-parent]");
    expect(stderr).not.toMatch(/^\s+at /m);
  },
  30_000,
);

test.each([["--help"], ["-h"]])(
  "%s prints the usage and exits 0, serving nothing",
  async (flag) => {
    const { code, stdout, stderr } = await serve([flag]).exited;
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(
      /^usage: serve\.mjs \[--port N\] \[--mock\] \[--mock-port N\] \[--stop-with-parent\] \[--help\]/,
    );
    expect(stdout).not.toContain("Press Ctrl+C");
  },
  30_000,
);
