// Find Debian's Chromium, installing it with apt-get when it is missing and we are root; used by the
// docs tests and by `pnpm bench` (as "@bce-openapi/docs/chromium").
// No browser download of Playwright's own: the test machines reach only the npm and Debian registries.
// Also a Chinese font (fonts-wqy-microhei, 1.6 MB) for the docs tests when none is installed, so
// that the zh-CN screenshots show text rather than empty boxes.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Headless flags for these machines: no sandbox (root), no GPU, and nothing that reaches the network by itself. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

export const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

const found = () => CHROMIUM_PATHS.find((path) => existsSync(path));

const isRoot = () => process.getuid?.() === 0;

/**
 * One apt-get at a time across processes. On a new machine the docs tests and the bench's smoke test
 * (run side by side by `pnpm test`) may both install Chromium, and a second apt-get fails at once on
 * dpkg's lock; flock makes it wait for the first, and DPkg::Lock::Timeout waits for any other apt.
 */
const APT_LOCK = join(tmpdir(), "bce-openapi-apt.lock");
const APT_WAIT_SECONDS = "900";

function aptInstall(packages, log) {
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...packages]]) {
    log(`running apt-get ${args.join(" ")}`);
    const apt = ["apt-get", "-o", `DPkg::Lock::Timeout=${APT_WAIT_SECONDS}`, ...args];
    execFileSync("flock", ["--wait", APT_WAIT_SECONDS, APT_LOCK, ...apt], {
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

const docsLog = (message) => console.log(`docs tests: ${message}`);

/** For the docs tests: the path of a Chromium executable (see findChromium), and a Chinese font. */
export function ensureChromium({ log = docsLog } = {}) {
  const path = findChromium({ log });
  if (!hasChineseFont()) {
    if (isRoot()) aptInstall(["fonts-wqy-microhei"], log);
    else log("no Chinese font installed; zh-CN screenshots will show boxes (apt-get install fonts-wqy-microhei)");
  }
  return path;
}

/**
 * The path of a Chromium executable: CHROMIUM_PATH when set (it must exist), else Debian's, which
 * is installed first when missing and we are root. `log` is told what is installed.
 */
export function findChromium({ log = docsLog } = {}) {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const existing = found();
  if (existing) return existing;
  if (!isRoot()) {
    throw new Error(
      `Chromium not found (looked for ${CHROMIUM_PATHS.join(", ")}). Install Debian's package ` +
        "(sudo apt-get install -y chromium) or set CHROMIUM_PATH, then run again.",
    );
  }
  log("Chromium is missing, installing Debian's package");
  aptInstall(["chromium"], log);
  const installed = found();
  if (!installed) throw new Error(`apt-get installed chromium, but none of ${CHROMIUM_PATHS.join(", ")} exists`);
  log(`using ${installed}`);
  return installed;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureChromium());
