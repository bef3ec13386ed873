// A tiny read-only npm registry on 127.0.0.1 that serves the packages the workspace already has
// installed in pnpm's virtual store, so tests that run `npm install` or `pnpm publish --dry-run`
// never reach the public registry (house rule: tests talk to loopback only).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The manifest fields npm needs to resolve a version; the rest it reads from the tarball. */
const FIELDS = [
  "name",
  "version",
  "dependencies",
  "optionalDependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "bin",
  "engines",
  "os",
  "cpu",
];

export interface LocalRegistry {
  /** With a trailing slash, as npm's --registry wants it. */
  url: string;
  /** Every request, as `<remote address> <method> <path> <status>`. */
  log: string[];
  /** Names asked for that the store does not have (answered 404). */
  missing: string[];
  /** Whether every request came from loopback (it listens on 127.0.0.1 only, so it should). */
  onlyLoopback(): boolean;
  close(): Promise<void>;
}

/** name -> version -> package folder, from <root>/node_modules/.pnpm/<entry>/node_modules/<name>. */
function indexStore(root: string): Map<string, Map<string, string>> {
  const store = join(root, "node_modules/.pnpm");
  const index = new Map<string, Map<string, string>>();
  for (const entry of readdirSync(store)) {
    const modules = join(store, entry, "node_modules");
    let children: import("node:fs").Dirent[];
    try {
      children = readdirSync(modules, { withFileTypes: true });
    } catch {
      continue; // lock.yaml, or the hoisted node_modules/ of symlinks
    }
    // The entry's own package is the one real folder; its dependencies are symlinks next to it.
    const dirs = children.flatMap((child) =>
      child.name.startsWith("@") && child.isDirectory()
        ? readdirSync(join(modules, child.name), { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .map((d) => join(modules, child.name, d.name))
        : child.isDirectory() && !child.name.startsWith(".")
          ? [join(modules, child.name)]
          : [],
    );
    for (const dir of dirs) {
      const { name, version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name: string;
        version: string;
      };
      if (!index.has(name)) index.set(name, new Map());
      if (!index.get(name)!.has(version)) index.get(name)!.set(version, dir); // same files for every peer variant
    }
  }
  return index;
}

/** Highest stable version (numeric compare is enough here: dist-tags.latest is only a hint). */
function latest(versions: string[]): string {
  const key = (v: string) => v.split(/[.+-]/).slice(0, 3).map(Number);
  const stable = versions.filter((v) => !v.includes("-"));
  return (stable.length ? stable : versions)
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
    })
    .at(-1)!;
}

/** A version a packument lists beside the store's, as the public registry lists newer releases; it has no tarball. */
export interface Decoy {
  version: string;
  engines?: Record<string, string>;
}

/**
 * Starts the registry on 127.0.0.1:<free port>, serving the store of the workspace at `root`.
 * Tarballs are built (once) into `cacheDir` when a packument needs their integrity. `decoys` lists,
 * per package, a newer version that the packument offers (as `latest`) but whose tarball is never
 * served: an install that takes it fails.
 */
export async function startLocalRegistry(
  root: string,
  cacheDir: string,
  decoys: Record<string, Decoy> = {},
): Promise<LocalRegistry> {
  const index = indexStore(root);
  const log: string[] = [];
  const missing: string[] = [];
  const remotes = new Set<string>();
  const tarballs = new Map<string, Promise<{ file: string; integrity: string }>>();
  let base = "";

  const tarball = (name: string, version: string) => {
    const id = `${name}@${version}`;
    if (!tarballs.has(id)) {
      const file = join(cacheDir, `${id.replace("/", "+")}.tgz`);
      // package/ prefix as npm packs; no node_modules (pnpm's .bin of the deps); the store's files
      // are hard links, and npm drops link entries on extract, so hard links are stored as files.
      // gzip -1: a registry's tarballs are gzip like any other, but these are made for one install
      // and thrown away, and level 6 took a third more CPU (typescript's alone: 0.9 s, not 0.3 s).
      const packed = run("tar", [
        "--use-compress-program=gzip -1",
        "-cf",
        file,
        "--exclude=./node_modules",
        "--hard-dereference",
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "--transform",
        "s,^\\.,package,",
        "-C",
        index.get(name)!.get(version)!,
        ".",
      ])
        // Another pnpm install linking the same store files (a second clone) changes their ctime
        // as tar reads them: GNU tar then exits 1, "file changed as we read it". The bytes of a
        // store file never change, so the archive is whole; any other failure still fails.
        .catch((error: { code?: unknown; stderr?: unknown }) => {
          const stderr = String(error.stderr ?? "");
          const changedOnly = stderr
            .split("\n")
            .every((line) => line === "" || /file changed as we read it/.test(line));
          if (error.code !== 1 || !changedOnly) throw error;
        })
        .then(() => ({
          file,
          integrity: `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`,
        }));
      tarballs.set(id, packed);
    }
    return tarballs.get(id)!;
  };

  const packument = async (name: string) => {
    const versions: Record<string, unknown> = {};
    for (const [version, dir] of index.get(name)!) {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, any>;
      const manifest = Object.fromEntries(FIELDS.filter((f) => pkg[f] !== undefined).map((f) => [f, pkg[f]]));
      // Platform binaries (esbuild, rollup, ...) for other machines and optional peers nobody
      // installed (node-fetch's encoding) are not in the store. npm skips a 404 on those, but
      // leaving them out keeps `missing` to real gaps.
      const optionalPeer = (dep: string) => pkg.peerDependenciesMeta?.[dep]?.optional === true;
      for (const field of ["optionalDependencies", "peerDependencies"]) {
        if (!manifest[field]) continue;
        const kept = Object.entries(manifest[field]).filter(
          ([dep]) => index.has(dep) || (field === "peerDependencies" && !optionalPeer(dep)),
        );
        manifest[field] = Object.fromEntries(kept);
      }
      const { integrity } = await tarball(name, version);
      versions[version] = { ...manifest, dist: { tarball: `${base}-/tarballs/${name}/${version}.tgz`, integrity } };
    }
    const decoy = decoys[name];
    if (decoy) {
      const newest = versions[latest(Object.keys(versions))] as Record<string, any>;
      versions[decoy.version] = {
        ...newest,
        version: decoy.version,
        ...(decoy.engines && { engines: decoy.engines }),
        dist: {
          tarball: `${base}-/tarballs/${name}/${decoy.version}.tgz`,
          integrity: `sha512-${createHash("sha512").update(decoy.version).digest("base64")}`,
        },
      };
    }
    return { name, "dist-tags": { latest: latest(Object.keys(versions)) }, versions };
  };

  mkdirSync(cacheDir, { recursive: true });
  const server = createServer((req, res) => {
    remotes.add(req.socket.remoteAddress ?? "?");
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const send = (status: number, body: unknown, type = "application/json") => {
      log.push(`${req.socket.remoteAddress} ${req.method} ${path} ${status}`);
      res.writeHead(status, { "content-type": type });
      res.end(type === "application/json" ? JSON.stringify(body) : body);
    };
    const tgz = /^\/-\/tarballs\/(.+)\/([^/]+)\.tgz$/.exec(path);
    const name = path.slice(1);
    (async () => {
      if (req.method !== "GET") return send(405, { error: "read-only registry" });
      if (tgz && index.get(tgz[1]!)?.has(tgz[2]!))
        return send(200, readFileSync((await tarball(tgz[1]!, tgz[2]!)).file), "application/octet-stream");
      if (!tgz && index.has(name)) return send(200, await packument(name));
      missing.push(name);
      return send(404, { error: "not found in the workspace store" });
    })().catch((error: Error) => send(500, { error: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url: base,
    log,
    missing,
    onlyLoopback: () => [...remotes].every((address) => /^(127\.|::1$|::ffff:127\.)/.test(address)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
