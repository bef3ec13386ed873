// Serve the built docs on loopback (`pnpm docs:serve`) and, with --mock, the mock beside them
// (`pnpm start`). Until stopped (Ctrl+C, SIGTERM, or with --stop-with-parent the end of the process
// that started it); a port that is taken or not a port ends it with
// a line that says which.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { serveStatic } from "./static-server.mjs";

// The process that started this one, read first: a parent that ends while the docs and the mock
// start has already handed this process to another by the time they listen.
const STARTED_BY = process.ppid;

const USAGE =
  "usage: serve.mjs [--port N] [--mock] [--mock-port N] [--stop-with-parent] [--help]   (N: 0 to 65535, 0 for any free port)";

function fail(message, code = 1) {
  process.stderr.write(`serve: ${message}\n`);
  process.exit(code);
}

let values;
let tokens;
try {
  ({ values, tokens } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      mock: { type: "boolean", default: false },
      "mock-port": { type: "string", default: "4010" },
      "stop-with-parent": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    tokens: true,
  }));
} catch (error) {
  fail(`${error.message}\n${USAGE}`, 2);
}
if (values.help) {
  process.stdout.write(
    `${USAGE}\n\nServes the built docs (docs/dist) on http://127.0.0.1:PORT (8080 by default); with --mock,\n` +
      "also the mock of @bce-openapi/mock (4010 by default). --stop-with-parent stops both when the\n" +
      "process that started it ends. Ctrl+C stops them.\n",
  );
  process.exit(0);
}
// An option given twice with different values (a script that appends its own --port) would
// otherwise take the last one without a word, as the mock's bin also refuses.
const given = new Map();
for (const token of tokens) {
  if (token.kind !== "option" || token.value === undefined) continue;
  const before = given.get(token.name);
  if (before !== undefined && before !== token.value)
    fail(`--${token.name} is given twice, as "${before}" and "${token.value}"; give it once\n${USAGE}`, 2);
  given.set(token.name, token.value);
}
const port = (option) => {
  const text = values[option];
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    fail(`--${option} must be an integer from 0 to 65535, got "${text}"\n${USAGE}`, 2);
  return Number(text);
};
// A mock port without the mock would be ignored without a word (the mock not started).
if (given.has("mock-port") && !values.mock)
  fail(`--mock-port is given without --mock, which starts the mock\n${USAGE}`, 2);
const docsPort = port("port");
const mockPort = values.mock ? port("mock-port") : undefined;

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
if (!existsSync(join(root, "index.html"))) fail("docs/dist is not built: run pnpm docs:build (pnpm start builds it)");

const servers = [];
const stop = (code) => Promise.allSettled(servers.map((s) => s.close())).then(() => process.exit(code));

/** Start one server; when it cannot listen, stop the others and say why. */
async function start(what, option, listen) {
  try {
    const server = await listen();
    servers.push(server);
    return server;
  } catch (error) {
    const requested = values[option];
    const reason =
      error?.code === "EADDRINUSE"
        ? `port ${requested} is in use (is it already being served?); choose another with --${option}, or 0 for any free port`
        : (error?.message ?? String(error));
    process.stderr.write(`serve: ${what} could not start: ${reason}\n`);
    await stop(1);
  }
}

if (mockPort !== undefined) {
  // Loaded only when asked for: Prism takes about a second to import.
  const { startMock } = await import("@bce-openapi/mock");
  const mock = await start("the mock", "mock-port", () => startMock({ port: mockPort }));
  console.log(`BCE mock (Prism, signatures checked) at ${mock.url}`);
}
const docs = await start("the docs", "port", () => serveStatic(root, { port: docsPort }));
console.log(`BCE API docs at ${docs.url}`);
console.log("Press Ctrl+C to stop.");
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => void stop(0));
if (values["stop-with-parent"]) whenParentEnds(() => void stop(0));

/**
 * `pnpm start` runs this under `sh -c`, which does not exec it: a signal to pnpm alone (`kill $!`
 * after `pnpm start &`) ends that shell, not this process, which the system gives to another parent
 * (Windows gives none: there the parent's pid is asked after). As the mock's bin does with the same flag.
 */
function whenParentEnds(then) {
  const parent = STARTED_BY;
  const timer = setInterval(() => {
    if (process.ppid === parent && isRunning(parent)) return;
    clearInterval(timer);
    then();
  }, 500);
  timer.unref();
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM"; // there, but not ours to signal
  }
}
