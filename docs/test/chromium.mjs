// Find Debian's Chromium, installing it with apt-get when it is missing and we are root.
// No browser download of Playwright's own: the test machines reach only the npm and Debian registries.
// Also a Chinese font (fonts-wqy-microhei, 1.6 MB) when none is installed, so that the zh-CN
// screenshots show text rather than empty boxes.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

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

function aptInstall(packages, log) {
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...packages]]) {
    log(`docs tests: running apt-get ${args.join(" ")}`);
    execFileSync("apt-get", args, {
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

/** Path of a Chromium executable; runs `apt-get install chromium` first if needed (root only). */
export function ensureChromium({ log = console.log } = {}) {
  const path = findOrInstallChromium(log);
  if (!hasChineseFont()) {
    if (isRoot()) aptInstall(["fonts-wqy-microhei"], log);
    else
      log(
        "docs tests: no Chinese font installed; zh-CN screenshots will show boxes (apt-get install fonts-wqy-microhei)",
      );
  }
  return path;
}

function findOrInstallChromium(log) {
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
        "(sudo apt-get install -y chromium) or set CHROMIUM_PATH, then rerun the docs tests.",
    );
  }
  log("docs tests: Chromium is missing, installing Debian's package");
  aptInstall(["chromium"], log);
  const installed = found();
  if (!installed) throw new Error(`apt-get installed chromium, but none of ${CHROMIUM_PATHS.join(", ")} exists`);
  log(`docs tests: using ${installed}`);
  return installed;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureChromium());
