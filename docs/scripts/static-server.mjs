// A small static file server for the built docs: loopback only, no dependencies.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".yaml": "text/yaml; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Serve `root` on host:port; resolves to { url, close }. */
export function serveStatic(root, { port = 8080, host = "127.0.0.1" } = {}) {
  const server = createServer((req, res) => {
    // Files are read, not changed: another method is refused as such (RFC 9110, section 15.5.6).
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed");
      return;
    }
    const target = req.url ?? "/";
    // `//en` (or `/\en`: a URL parser reads `\` as `/`) is read as the host `en`: redirected to
    // `/en`, where its page's relative links resolve as they should (every leading slash and
    // backslash dropped, so that the redirect itself names no host).
    if (/^[/\\]{2}/.test(target)) {
      res.writeHead(301, { location: target.replace(/^[/\\]+/, "/") }).end();
      return;
    }
    let pathname;
    let url;
    try {
      url = new URL(target, "http://x");
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end("bad path");
      return;
    }
    const file = normalize(join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    let size;
    try {
      const st = statSync(file);
      if (st.isDirectory() && !pathname.endsWith("/")) {
        // `/en` for `/en/`: redirect, so that the page's relative links resolve under the directory.
        // One leading slash only: `/.//en` (pathname `//en`) must not become `//en/`, another host.
        res.writeHead(301, { location: `/${url.pathname.replace(/^\/+/, "")}/${url.search}` }).end();
        return;
      }
      if (!st.isFile()) throw new Error("not a file");
      size = st.size;
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": size });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        url: `http://${host}:${address.port}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
