// Find Chromium for the tests that run it (the docs tests, the contract tests' browser test, the
// bench, as "@bce-openapi/docs/chromium"). The tests only look for it: installing is a set-up step of
// its own, `pnpm setup:browser` (this file run as a program), which `pnpm test` and `pnpm bench` run
// first, so no test reaches beyond loopback.
// No browser download of Playwright's own: the test machines reach only the npm and Debian registries.
// Also a Chinese font (fonts-wqy-microhei, 1.6 MB) for the docs tests when none is installed, so
// that the zh-CN screenshots show text rather than empty boxes.
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Chromium's own resolver answers loopback names only, and the `hosts` given here as 127.0.0.1:
 * any other name is not found before a DNS query is sent. The flags below do not stop every request
 * Chromium makes by itself (it still looked up update.googleapis.com, accounts.google.com and
 * content-autofill.googleapis.com during a test run); with this rule they go nowhere.
 */
export const resolverRules = (...hosts) =>
  `--host-resolver-rules=${[...hosts.map((host) => `MAP ${host} 127.0.0.1`), "MAP * ~NOTFOUND", "EXCLUDE localhost", "EXCLUDE 127.0.0.1"].join(", ")}`;

/**
 * Headless flags for these machines: no sandbox (root), no GPU, and nothing that reaches the network
 * by itself; `hosts` resolve to 127.0.0.1 (`resolverRules`).
 */
export const chromiumArgs = (...hosts) => [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  resolverRules(...hosts),
];

/** The flags with loopback names alone resolved. */
export const CHROMIUM_ARGS = chromiumArgs();

export const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

const found = () => CHROMIUM_PATHS.find((path) => existsSync(path));

const isRoot = () => process.getuid?.() === 0;

/** apt-get waits for another apt (an unattended upgrade) to let go of dpkg's lock. */
const APT_WAIT_SECONDS = "900";

function aptInstall(packages, log) {
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...packages]]) {
    log(`running apt-get ${args.join(" ")}`);
    execFileSync("apt-get", ["-o", `DPkg::Lock::Timeout=${APT_WAIT_SECONDS}`, ...args], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  }
}

function hasChineseFont() {
  try {
    return execFileSync("fc-list", [":lang=zh"], { encoding: "utf8" }).trim() !== "";
  } catch {
    return false;
  }
}

const setupLog = (message) => console.log(`setup:browser: ${message}`);
const INSTALL = "sudo apt-get install -y chromium fonts-wqy-microhei";

/**
 * The set-up step (`pnpm setup:browser`): Debian's Chromium, and a Chinese font, installed with
 * apt-get when missing and we are root; otherwise it says what to install. Nothing to do when
 * CHROMIUM_PATH names a browser. It never fails the command that runs it (`pnpm test` goes on to
 * lint, type-check and every other test): what it could not do, it says, and the browser tests then
 * fail saying what is missing. Returns the browser's path, or undefined when there is none.
 */
export function installBrowser({ log = setupLog } = {}) {
  const tryInstall = (packages) => {
    try {
      aptInstall(packages, log);
    } catch (error) {
      log(`apt-get could not install ${packages.join(" ")}: ${error.message.split("\n")[0]}`);
    }
  };
  if (!hasChineseFont()) {
    if (isRoot()) tryInstall(["fonts-wqy-microhei"]);
    else log(`no Chinese font installed; zh-CN screenshots will show boxes (${INSTALL})`);
  }
  if (!process.env.CHROMIUM_PATH && !found() && isRoot()) {
    log("Chromium is missing, installing Debian's package");
    tryInstall(["chromium"]);
  }
  // findChromium's refusal says what is missing and how to install it.
  try {
    return findChromium();
  } catch (error) {
    log(`${error.message.replace(/\.$/, "")}: the browser tests will fail until it is there`);
    return undefined;
  }
}

/** The path of a Chromium executable: CHROMIUM_PATH when set (it must exist), else Debian's. */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const existing = found();
  if (existing) return existing;
  throw new Error(
    `Chromium not found (looked for ${CHROMIUM_PATHS.join(", ")}). Run \`pnpm setup:browser\` at the ` +
      `repository's root (as root it installs Debian's package), or ${INSTALL}, or set CHROMIUM_PATH; then run again.`,
  );
}

// Run as a program (`node docs/test/chromium.mjs`), through a symlink or a path with spaces too.
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) installBrowser();
