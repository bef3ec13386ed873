import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signRequest } from "@bce-openapi/core";
import { afterAll, afterEach, expect, it, vi } from "vitest";
import { checkListen, startFailure } from "../src/cli-errors.js";
import { startMock } from "../src/index.js";
import { FIXTURE } from "./helpers.js";

const bin = fileURLToPath(new URL("../bin/bce-openapi-mock.js", import.meta.url));

/**
 * The --stop-with-parent tests: waits for `ended` (the stdout pipe the bin holds too), failing if
 * the bin still runs 120 s after its shell ended, with `detail` (what it printed) in the message.
 * Generous: the bin may still be loading Prism (20 s was seen on a busy two-core machine).
 */
async function endedWithin120s(ended: Promise<unknown>, detail?: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the bin still runs 120 s after its shell ended${detail ? `: ${detail()}` : ""}`)),
      120_000,
    );
  });
  await Promise.race([ended, late]).finally(() => clearTimeout(timer));
}

/** Stops the process whose pid the shell printed (`pid N`), should a failed test leave it running. */
function killPrinted(stdout: string): void {
  const pid = Number(/pid (\d+)/.exec(stdout)?.[1]);
  if (pid > 0) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {} // gone, as it should be
  }
}

let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

// The key pair the spawned mock takes from its environment.
const CLI_KEYS = { accessKeyId: "cli-test-ak", secretAccessKey: "cli-test-secret-access-key" };
// Preloaded into a spawned CLI: on exit, it writes "prism loaded: true|false" to stderr.
const PRISM_PROBE = ["--import", fileURLToPath(new URL("./fixtures/report-prism-loaded.mjs", import.meta.url))];

function run(args: string[], nodeArgs: string[] = []) {
  child = spawn(process.execPath, [...nodeArgs, bin, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      BCE_MOCK_ACCESS_KEY_ID: CLI_KEYS.accessKeyId,
      BCE_MOCK_SECRET_ACCESS_KEY: CLI_KEYS.secretAccessKey,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return { child, output: () => ({ stdout, stderr }) };
}

// The normal run and the faults/journal run share one spawned bin (Prism takes seconds to import):
// started by whichever test needs it first, again after a test has stopped it. Each test resets the
// mock's state (POST /__mock/reset) before its requests, and the faults test again after them (the
// signature test stops the bin), so neither sees the other's faults or journal, in either order.
// The options are both tests' (--cors-origin affects only requests that carry an Origin).
let shared: { child: ChildProcess; output: () => { stdout: string; stderr: string }; url: Promise<string> } | undefined;

function sharedRun() {
  if (shared === undefined || shared.child.exitCode !== null || shared.child.signalCode !== null) {
    const started = run(["--port", "0", "--spec", FIXTURE, "--cors-origin", "http://app.test:8080"], PRISM_PROBE);
    child = undefined; // not for afterEach to stop: afterAll does, or the test that means to
    shared = { ...started, url: listening(started.child, started.output) };
  }
  return shared;
}

afterAll(() => {
  if (shared && shared.child.exitCode === null) shared.child.kill("SIGKILL");
  shared = undefined;
});

async function resetMock(url: string) {
  expect((await fetch(`${url}/__mock/reset`, { method: "POST" })).status).toBe(200);
}

it("scripts faults and reads the journal through /__mock/, and takes --cors-origin", async () => {
  const url = await sharedRun().url;
  await resetMock(url);
  try {
    const queued = await fetch(`${url}/__mock/faults`, {
      method: "POST",
      body: JSON.stringify({ target: "/v2/instance/i-1", steps: [{ status: 503 }, {}] }),
    });
    expect(queued.status).toBe(201);

    const target = `${url}/v2/instance/i-1?rebuild`;
    const headers = { "content-type": "application/json" };
    const body = JSON.stringify({ imageId: "m-1" });
    const send = async () =>
      fetch(target, {
        method: "PUT",
        headers: { ...headers, ...(await signRequest({ method: "PUT", url: target, headers }, CLI_KEYS)) },
        body,
      });
    expect((await send()).status).toBe(503);
    expect((await send()).status).toBe(200);
    const journal = (await (await fetch(`${url}/__mock/journal`)).json()) as {
      entries: { answer: { status: number }; signature: string }[];
    };
    expect(journal.entries.map((e) => [e.answer.status, e.signature])).toEqual([
      [503, "verified"],
      [200, "verified"],
    ]);

    const preflight = (origin: string) =>
      fetch(target, { method: "OPTIONS", headers: { origin, "access-control-request-method": "PUT" } }).then(
        (r) => r.status,
      );
    expect(await preflight("http://app.test:8080")).toBe(204);
    expect(await preflight("http://localhost:5173")).toBe(403); // a list replaces the loopback default
  } finally {
    await resetMock(url);
  }
}, 180_000); // generous: the bin imports Prism, which takes seconds on a busy two-core machine

it("prints its URL, checks signatures with the keys from its environment, and exits cleanly on SIGTERM", async () => {
  const { child, output, url: listened } = sharedRun();
  const url = await listened;
  expect(url).not.toMatch(/:0$/);
  await resetMock(url);

  const target = `${url}/v2/instance/i-1?rebuild`;
  const headers = { "content-type": "application/json" };
  const body = JSON.stringify({ imageId: "m-1" });
  const unsigned = await fetch(target, { method: "PUT", headers, body });
  expect(unsigned.status).toBe(400);
  const signed = await signRequest({ method: "PUT", url: target, headers }, CLI_KEYS);
  const res = await fetch(target, { method: "PUT", headers: { ...headers, ...signed }, body });
  expect(res.status).toBe(200);

  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
  // The probe that finds Prism unloaded after --help (below) finds it loaded here.
  expect(output().stderr).toContain("prism loaded: true\n");
}, 180_000); // generous: the bin imports Prism, which takes seconds on a busy two-core machine

it("--stop-with-parent stops it when the shell that started it ends, as a package script's does when only the package manager is signalled", async () => {
  // As `pnpm mock` runs it: under `sh -c`, which does not exec it. The shell prints the bin's pid (to
  // stop it should this test fail) and waits; SIGTERM ends the shell alone, as pnpm passes it on.
  const shell = spawn(
    "sh",
    [
      "-c",
      '"$0" "$@" & echo "pid $!"; wait',
      process.execPath,
      bin,
      "--port",
      "0",
      "--spec",
      FIXTURE,
      "--no-auth",
      "--stop-with-parent",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  shell.stdout!.on("data", (chunk) => (stdout += chunk));
  const ended = once(shell.stdout!, "end"); // the bin holds the pipe too: it ends when both have exited
  try {
    const url = await new Promise<string>((resolve, reject) => {
      shell.stdout!.on("data", () => {
        const match = /BCE mock listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      shell.once("exit", (code) => reject(new Error(`the shell exited with ${code}: ${stdout}`)));
    });
    expect(
      (
        await fetch(`${url}/v2/instance/i-1?rebuild`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: '{"imageId":"m-1"}',
        })
      ).status,
    ).toBe(200);
    shell.kill("SIGTERM");
    await once(shell, "exit");
    await endedWithin120s(ended);
    await expect(fetch(url)).rejects.toThrow();
  } finally {
    killPrinted(stdout);
    shell.kill("SIGKILL");
  }
}, 180_000); // generous: the bin imports Prism, which takes seconds on a busy two-core machine

it("--stop-with-parent stops it when the shell that started it ends while it is still starting", async () => {
  // The shell ends as soon as the bin starts to load Prism, which it does after its first modules
  // (where it reads its parent's pid) and which takes over a second: a module-resolution hook given
  // to --import marks the moment (when @stoplight/prism-core is resolved). By the time the bin
  // listens, the system has given it another parent, which must not be taken for the first.
  const work = mkdtempSync(join(tmpdir(), "bce-openapi-mock-parent-"));
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
      bin,
      "--port",
      "0",
      "--spec",
      FIXTURE,
      "--no-auth",
      "--stop-with-parent",
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, STARTED_MARKER: marker } },
  );
  let stdout = "";
  shell.stdout!.on("data", (chunk) => (stdout += chunk));
  const ended = once(shell.stdout!, "end"); // the bin holds the pipe too: it ends when both have exited
  try {
    await once(shell, "exit");
    expect(existsSync(marker)).toBe(true);
    await endedWithin120s(ended, () => stdout);
    // It did start (and stopped at once): the pipe did not end with a failure to start.
    expect(stdout).toMatch(/BCE mock listening on http:\/\/127\.0\.0\.1:\d+/);
  } finally {
    killPrinted(stdout);
    rmSync(work, { recursive: true, force: true });
  }
}, 180_000); // generous: the bin imports Prism, which takes seconds on a busy two-core machine

it.each(["a pipe whose reader left (EPIPE)", "a full disk (ENOSPC, /dev/full)"])(
  "goes on serving when its stdout cannot be written when it says it listens: %s",
  async (kind) => {
    // Its line cannot be read, so the port is chosen here: a free one on a loopback address no other
    // test binds, so that no server another test starts on 127.0.0.1 during the bin's seconds of
    // start-up can take it (or be asked in its place).
    const host = "127.77.0.1";
    const free = createServer().listen(0, host);
    await once(free, "listening");
    const { port } = free.address() as AddressInfo;
    await new Promise((resolve) => free.close(resolve));
    const args = ["--port", String(port), "--host", host, "--spec", FIXTURE, "--no-auth"];
    let stderr = "";
    if (kind.includes("EPIPE")) {
      const started = run(args);
      started.child.stdout!.destroy();
      child = started.child;
    } else {
      const full = openSync("/dev/full", "w");
      child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", full, "pipe"] });
      closeSync(full);
    }
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const exited = once(child, "exit");
    const url = `http://${host}:${port}`;
    // Answering, it has written its line (and had its error, which comes before this round trip ends).
    await vi.waitFor(async () => expect((await fetch(`${url}/__mock/actions`)).status).toBe(200), {
      timeout: 120_000,
      interval: 200,
    });
    expect(child.exitCode).toBe(null);
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|ENOSPC|Unhandled/);
  },
  180_000, // generous: the bin imports Prism, which takes seconds on a busy two-core machine
);

async function listening(child: ChildProcess, output: () => { stdout: string; stderr: string }): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", () => {
      const match = /BCE mock listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(output().stdout);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output().stderr}`)));
  });
}

it("--log-level debug shows Prism's request log with the signature, the session token and passwords hidden", async () => {
  const { child, output } = run(["--port", "0", "--spec", FIXTURE, "--no-auth", "--log-level", "debug"]);
  const url = await listening(child, output);
  await fetch(`${url}/v2/instance/i-1?rebuild`, {
    method: "PUT",
    headers: {
      "content-type": "application/json",
      authorization: "bce-auth-v1/cli-test-ak/2026-01-01T00:00:00Z/1800/host/5ec12e7516a7ea7b0b1e7a5c0d6c2f9e",
      "x-bce-security-token": "session-token-never-logged",
    },
    body: JSON.stringify({ imageId: "m-1", adminPass: "Plaintext-Pass-1" }),
  });
  // The mock's own secret key, wherever a request puts it, and a secret named in brackets (as a
  // form writes nested fields). A form body itself is refused before Prism sees it.
  await fetch(`${url}/v2/instance/i-1?rebuild`, {
    method: "PUT",
    headers: { "content-type": "application/json", "x-debug": CLI_KEYS.secretAccessKey },
    body: JSON.stringify({ imageId: "m-1", "creds[secretKey]": "bracketed-secret-never-logged" }),
  });
  // An access key id the mock does not know (a production secret key, the keys swapped), and the
  // mock's secret key spelt with percent escapes.
  const escaped = [...CLI_KEYS.secretAccessKey].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("");
  await fetch(`${url}/v2/instance/i-1?rebuild`, {
    method: "PUT",
    headers: {
      "content-type": "application/json",
      authorization: "bce-auth-v1/prod-secret-key-never-logged/2026-01-01T00:00:00Z/1800/host/00",
      "x-note": escaped,
    },
    body: JSON.stringify({ imageId: "m-1" }),
  });
  child.kill("SIGTERM");
  await once(child, "exit");
  const { stdout } = output();
  // The lines are there (debug logs every header and the body), with the secrets hidden.
  expect(stdout).toContain("authorization: bce-auth-v1/cli-test-ak/2026-01-01T00:00:00Z/1800/host/<redacted>");
  expect(stdout).toContain("x-bce-security-token: <redacted>");
  expect(stdout).toContain('Body: {\\"imageId\\":\\"m-1\\",\\"adminPass\\":\\"<redacted>\\"}');
  expect(stdout).toContain("x-debug: <redacted>");
  expect(stdout).toContain('\\"creds[secretKey]\\":\\"<redacted>\\"');
  expect(stdout).toContain("authorization: bce-auth-v1/<redacted>/2026-01-01T00:00:00Z/1800/host/<redacted>");
  expect(stdout).toContain("x-note: <redacted>");
  expect(stdout).not.toContain(escaped);
  for (const secret of [
    "5ec12e7516a7ea7b0b1e7a5c0d6c2f9e",
    "session-token-never-logged",
    "Plaintext-Pass-1",
    CLI_KEYS.secretAccessKey,
    "bracketed-secret-never-logged",
    "prod-secret-key-never-logged",
  ])
    expect(stdout).not.toContain(secret);
}, 180_000); // generous: the bin imports Prism, which takes seconds on a busy two-core machine

it.each([
  [["--cors-origin", "app.test"], /--cors-origin must be an origin/],
  [["--cors-origin", "http://a.test/path"], /--cors-origin must be an origin/],
  [["--cors-origin", "*", "--no-cors"], /contradict/],
  [["--port", "abc"], /--port must be an integer/],
  [["--port", "70000"], /--port must be an integer/],
  [["--bogus"], /Unknown option '--bogus'/],
  // Near one of the options: named, as startMock names a misspelt option of its own.
  [["--prot", "1"], /^bce-openapi-mock: unknown option --prot; did you mean --port\?$/m],
  [["--no-ath"], /^bce-openapi-mock: unknown option --no-ath; did you mean --no-auth\?$/m],
  // Words of an option, not the nearest spelling (--port is two edits from --cors).
  [["--cors"], /^bce-openapi-mock: unknown option --cors; did you mean --cors-origin or --no-cors\?$/m],
  [["--origin", "x"], /^bce-openapi-mock: unknown option --origin; did you mean --cors-origin\?$/m],
  // The last value was taken without a word. (Each row gives --port 0 first: unfixed, the mock would
  // start, on a free port.)
  [["--port", "0", "--port", "00"], /--port is given twice, as "0" and "00"/],
  [["--port", "0", "--log-level", "silent", "--log-level=info"], /--log-level is given twice/],
  [["--port", "0", "--host", "127.0.0.1", "--host", "127.0.0.2"], /--host is given twice/],
  [["--port", "0", "--host", ""], /--host must not be empty/],
  [["--port", "0", "--spec", " "], /--spec must not be empty/],
  [["--port", "0", "--host", "[::1]"], /--host takes an IPv6 address without brackets: --host ::1$/m],
])("exits 2 on bad arguments %j", async (args, message) => {
  const { child, output } = run(args);
  const [code] = await once(child, "exit");
  expect(code).toBe(2);
  expect(output().stderr).toMatch(message);
  expect(output().stderr).toContain("Usage: bce-openapi-mock");
});

it("a port in use: exits 1 with one line that names the port and --port", async () => {
  const holder = createServer();
  holder.listen(0, "127.0.0.1");
  await once(holder, "listening");
  const { port } = holder.address() as AddressInfo;
  try {
    const { child, output } = run(["--port", String(port), "--spec", FIXTURE]);
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(output().stderr).toBe(
      `bce-openapi-mock: port ${port} is in use (is a mock already running?); choose another with --port, or 0 for any free port\n`,
    );
  } finally {
    holder.close();
  }
}, 180_000);

it("a --host it cannot bind: exits 1 with one line naming --host and --port", async () => {
  // 192.0.2.1 (TEST-NET-1) is no address of this machine: listen fails with EADDRNOTAVAIL, no packet is sent.
  const { child, output } = run(["--host", "192.0.2.1", "--port", "0", "--spec", FIXTURE]);
  const [code] = await once(child, "exit");
  expect(code).toBe(1);
  expect(output().stderr).toMatch(
    /^bce-openapi-mock: cannot listen on --host 192\.0\.2\.1 --port 0: listen EADDRNOTAVAIL[^\n]*\n$/,
  );
}, 180_000);

it("a --host that does not resolve: exits 1 naming --host, not startMock's option", async () => {
  // "a..b" has an empty label: the resolver refuses it without asking a name server.
  const { child, output } = run(["--host", "a..b", "--port", "0", "--spec", FIXTURE]);
  const [code] = await once(child, "exit");
  expect(code).toBe(1);
  expect(output().stderr).toMatch(
    /^bce-openapi-mock: cannot listen on --host a\.\.b --port 0: getaddrinfo [A-Z_]+ a\.\.b\n$/,
  );
}, 180_000);

// The bin finds a port in use or a host it cannot bind or resolve before it imports Prism (the
// tests above). Should startMock's own listen fail (the port taken in between), the bin says the same.
it("startMock's own listen failures are reported as the bin's check reports them", async () => {
  const holder = createServer();
  holder.listen(0, "127.0.0.1");
  await once(holder, "listening");
  const { port } = holder.address() as AddressInfo;
  const failure = async (host: string, port: number) => {
    const error = await startMock({ host, port, spec: FIXTURE }).then(
      (mock) => mock.close().then(() => expect.fail(`startMock listened on ${host}:${port}`)),
      (error: unknown) => error,
    );
    const reported = startFailure(error, { host, port, spec: FIXTURE });
    expect(reported).not.toBe(error); // reworded, not passed on
    const viaCheck = await checkListen(host, port).then(
      () => expect.fail(`checkListen listened on ${host}:${port}`),
      (error: unknown) => startFailure(error, { host, port, spec: FIXTURE }),
    );
    expect((viaCheck as Error).message).toBe((reported as Error).message);
    return (reported as Error).message;
  };
  try {
    expect(await failure("127.0.0.1", port)).toBe(
      `port ${port} is in use (is a mock already running?); choose another with --port, or 0 for any free port`,
    );
  } finally {
    holder.close();
  }
  expect(await failure("192.0.2.1", 0)).toMatch(
    /^cannot listen on --host 192\.0\.2\.1 --port 0: listen EADDRNOTAVAIL[^\n]*$/,
  );
  expect(await failure("a..b", 0)).toMatch(/^cannot listen on --host a\.\.b --port 0: getaddrinfo [A-Z_]+ a\.\.b$/);
}, 180_000);

it.each([
  [
    "a file that does not exist",
    "/nonexistent/openapi.json",
    /Error opening file "\/nonexistent\/openapi\.json" ENOENT/,
  ],
  [
    "a JSON file that is no OpenAPI document",
    fileURLToPath(new URL("../package.json", import.meta.url)),
    /Unsupported document format/,
  ],
])(
  "a --spec it cannot read (%s): exits 1 with one line naming --spec and the file",
  async (_, spec, reason) => {
    const { child, output } = run(["--port", "0", "--spec", spec]);
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    const { stderr } = output();
    expect(stderr.startsWith(`bce-openapi-mock: cannot read --spec ${spec}: `), stderr).toBe(true);
    expect(stderr).toMatch(reason);
    expect(stderr.trimEnd()).not.toContain("\n");
  },
  180_000,
);

it("answers --help and bad arguments without loading Prism, which takes seconds to import", async () => {
  for (const [args, exitCode] of [
    [["--help"], 0],
    [["--port", "abc"], 2],
    // A host it cannot bind or resolve is found before Prism is loaded too (the tests above: what it says).
    [["--host", "192.0.2.1", "--port", "0", "--spec", FIXTURE], 1],
    [["--host", "a..b", "--port", "0", "--spec", FIXTURE], 1],
  ] as const) {
    const { child, output } = run([...args], PRISM_PROBE);
    const [code] = await once(child, "exit");
    expect(code).toBe(exitCode);
    expect(output().stderr).toContain("prism loaded: false\n");
  }
}, 180_000);

it.each([["--help"], ["-h"]])("prints help for %s and exits 0", async (flag) => {
  const { child, output } = run([flag]);
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
  expect(output().stdout).toContain("--port <n>");
});

it("skips a -- (pnpm passes on the one of `pnpm mock -- --version`, after the script's --stop-with-parent)", async () => {
  for (const args of [
    ["--", "--version"],
    ["--stop-with-parent", "--", "--version"],
  ]) {
    const { child, output } = run(args);
    const [code] = await once(child, "exit");
    expect(code, args.join(" ")).toBe(0);
    expect(output().stdout).toMatch(/^\d+\.\d+\.\d+/);
  }
});

it("prints its version for --version and exits 0", async () => {
  const { child, output } = run(["--version"]);
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  expect(output().stdout).toBe(`${version}\n`);
});
