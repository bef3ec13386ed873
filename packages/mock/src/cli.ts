import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { checkListen, startFailure } from "./cli-errors.js";
import { closestName } from "./closest-name.js";
import { type CorsOption, originOf } from "./cors.js";
import { LOG_LEVELS, type LogLevel } from "./log-levels.js";

// The process that started this one, read before anything slow (Prism loads in seconds): a parent
// that ends while the mock starts has already handed it to another by the time it listens.
const STARTED_BY = process.ppid;

const USAGE = `Usage: bce-openapi-mock [options]

Serves the BEC and BCC APIs from the OpenAPI spec with Prism (static examples, request validation).

Options:
  --port <n>         port to listen on, 0 for any free port (default 4010)
  --host <host>      interface to bind (default 127.0.0.1; IPv6 without brackets, ::1)
  --spec <path>      OpenAPI document (default: @bce-openapi/spec/openapi.json)
  --log-level <lvl>  Prism log level: ${LOG_LEVELS.join(", ")} (default silent)
  --no-auth          accept requests without checking their bce-auth-v1 signature
  --cors-origin <o>  a browser origin allowed to call the mock (repeat for more; * for any);
                     default: pages served from loopback (localhost, 127.0.0.1, [::1])
  --no-cors          send no CORS headers
  --stop-with-parent stop when the process that started this one ends (for a package script:
                     stopping the package manager alone, as \`kill $!\` does, stops the mock)
  -h, --help         show this help
  --version          print the version of @bce-openapi/mock

Signatures are checked against BCE_MOCK_ACCESS_KEY_ID / BCE_MOCK_SECRET_ACCESS_KEY,
else the documented default key pair (mock-access-key-id / mock-secret-access-key-0123456789).
With BCE_MOCK_SESSION_TOKEN, the pair is a temporary (STS) one: requests must also carry that
token in x-bce-security-token (else 403 AccessDenied).

Prefer: code=503, example=NAME, dynamic=true choose the answer (as in Prism). Loopback clients
can script faults and read the journal under /__mock/ (see the package README):
  curl -X POST {url}/__mock/faults -d '{"target":"reinstallVmInstance","steps":[{"status":503},{}]}'
  curl {url}/__mock/journal
`;

interface CliOptions {
  port: number;
  host: string;
  spec: string | undefined;
  logLevel: LogLevel;
  auth: boolean;
  cors: CorsOption;
  stopWithParent: boolean;
  help: boolean;
  version: boolean;
}

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  spec: { type: "string" },
  "log-level": { type: "string" },
  "no-auth": { type: "boolean" },
  "cors-origin": { type: "string", multiple: true },
  "no-cors": { type: "boolean" },
  "stop-with-parent": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/**
 * parseArgs's refusal, and for an unknown option near one of ours (`--prot`, `--no-ath`), the one
 * it likely meant, as startMock names its own.
 */
function withGuess(error: Error & { code?: string }): string {
  const given = error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && /'--([^'=]+)/.exec(error.message)?.[1];
  if (!given) return error.message;
  // Every option whose words hold the given ones (`--cors`: --cors-origin, --no-cors), else the nearest.
  const names = Object.keys(OPTIONS);
  const words = given.toLowerCase().split("-");
  const holding = names.filter((name) => words.every((word) => name.split("-").includes(word)));
  const meant = holding.length > 0 ? holding : [closestName(given, names)].filter((name) => name !== undefined);
  return meant.length > 0
    ? `unknown option --${given}; did you mean ${meant.map((name) => `--${name}`).join(" or ")}?`
    : error.message;
}

function parseOptions(argv: string[]) {
  // pnpm passes the `--` of `pnpm mock -- --port 5000` on to the script (npm drops it), after the
  // script's own options: the bin takes no positional arguments, so a `--` ends nothing.
  const args = argv.filter((arg) => arg !== "--");
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, tokens: true, options: OPTIONS });
  } catch (error) {
    throw new Error(withGuess(error as Error & { code?: string }));
  }
}

/** Throws a message meant for the user when the arguments are wrong. */
function parse(argv: string[]): CliOptions {
  const { values, tokens } = parseOptions(argv);
  // An option given twice with different values (a script that appends its own --port) would
  // otherwise take the last one without a word.
  const given = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.value === undefined || token.name === "cors-origin") continue;
    const before = given.get(token.name);
    if (before !== undefined && before !== token.value)
      throw new Error(`--${token.name} is given twice, as "${before}" and "${token.value}"; give it once`);
    given.set(token.name, token.value);
  }
  for (const name of ["host", "spec"] as const) {
    const value = values[name];
    if (value !== undefined && value.trim() === "")
      throw new Error(
        `--${name} must not be empty${name === "host" ? " (leave it out for 127.0.0.1)" : " (leave it out for the bundled spec)"}`,
      );
  }
  // Written as in a URL (`[::1]`), an IPv6 address was looked up as a host name, and not found.
  const bracketed = /^\[(.*)\]$/.exec(values.host ?? "");
  if (bracketed) throw new Error(`--host takes an IPv6 address without brackets: --host ${bracketed[1]}`);
  const port = values.port ?? "4010";
  if (!/^\d+$/.test(port) || Number(port) > 65535)
    throw new Error(`--port must be an integer from 0 to 65535, got "${port}"`);
  const logLevel = values["log-level"] ?? "silent";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new Error(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  const origins = values["cors-origin"];
  if (origins && values["no-cors"]) throw new Error("--cors-origin and --no-cors contradict each other");
  for (const origin of origins ?? []) {
    if (originOf(origin) === undefined) {
      throw new Error(
        `--cors-origin must be an origin such as http://localhost:5173 (scheme and host, no path) or *, got "${origin}"`,
      );
    }
  }
  return {
    port: Number(port),
    host: values.host ?? "127.0.0.1",
    spec: values.spec,
    logLevel: logLevel as LogLevel,
    auth: !values["no-auth"],
    cors: values["no-cors"] ? false : (origins ?? true),
    stopWithParent: values["stop-with-parent"] ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

async function main(argv: string[]): Promise<void> {
  // A stdout that can no longer be written (a reader that left, `| head -1`: EPIPE; a full disk,
  // ENOSPC; a closed terminal, EIO) fails the next write: the mock goes on serving, as its log
  // does, rather than crash on an unhandled 'error'.
  process.stdout.on("error", () => {});
  let options: CliOptions;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`bce-openapi-mock: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (options.version) {
    // The package's own manifest (always packed), beside dist/.
    const { version } = createRequire(import.meta.url)("../package.json") as { version: string };
    process.stdout.write(`${version}\n`);
    return;
  }

  // A port in use or a --host this machine cannot bind is found before Prism is loaded.
  await checkListen(options.host, options.port).catch((error: unknown) => {
    throw startFailure(error, options);
  });
  // Loaded only now: Prism takes about a second to import, too long for --help, a typo or a port in use.
  const { startMock, wildcardOf } = await import("./mock.js");
  // startMock refuses options it does not know: `help` and `version` are the bin's alone.
  const { help: _, version: __, stopWithParent, ...mockOptions } = options;
  const mock = await startMock(mockOptions).catch((error: unknown) => {
    throw startFailure(error, options);
  });
  // A wildcard --host is reported as a loopback URL (see urlFor): say what was bound, as it is
  // usually written (`--host 0` binds 0.0.0.0).
  const wildcard = wildcardOf(options.host);
  const bound = wildcard === undefined ? "" : ` (bound to ${wildcard})`;
  process.stdout.write(`BCE mock listening on ${mock.url}${bound}${options.auth ? "" : " (signatures not checked)"}\n`);

  const stop = () => {
    mock.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`bce-openapi-mock: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (stopWithParent) whenParentEnds(stop);
}

/**
 * A package script runs under a shell (`sh -c`, which does not exec its last command): a signal to
 * the package manager alone, as `kill $!` after `pnpm mock &` sends, ends that shell but not this
 * process, which the system then gives to another parent (Windows gives none: there the parent's
 * pid is asked after). No event says so, hence the poll; unref'd, it never keeps the process alive.
 */
function whenParentEnds(then: () => void): void {
  const parent = STARTED_BY;
  const timer = setInterval(() => {
    if (process.ppid === parent && isRunning(parent)) return;
    clearInterval(timer);
    then();
  }, 500);
  timer.unref();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // there, but not ours to signal
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bce-openapi-mock: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
