// scripts/static-server.mjs: a directory asked for without its trailing slash (`/en`, `/zh-CN`)
// is redirected to the slash form, where its index.html is served, as static servers do.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { serveStatic } from "../scripts/static-server.mjs";

let dir;
let server;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "static-server-"));
  mkdirSync(join(dir, "zh-CN"));
  writeFileSync(join(dir, "index.html"), "root");
  writeFileSync(join(dir, "zh-CN", "index.html"), "zh");
  writeFileSync(join(dir, "zh-CN", "seed-errata.md"), "# 勘误");
  server = await serveStatic(dir, { port: 0 });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a directory without its trailing slash redirects to it, keeping the query", async () => {
  const response = await fetch(new URL("zh-CN?x=1", server.url), { redirect: "manual" });
  expect(response.status).toBe(301);
  expect(response.headers.get("location")).toBe("/zh-CN/?x=1");
  const followed = await fetch(new URL("zh-CN", server.url));
  expect(followed.status).toBe(200);
  expect(await followed.text()).toBe("zh");
});

test("the redirect stays on this host: /.//zh-CN (pathname //zh-CN) is not sent to a host named zh-CN", async () => {
  const { port } = new URL(server.url);
  const response = await new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/.//zh-CN" }, resolve).on("error", reject);
  });
  response.resume();
  expect(response.statusCode).toBe(301);
  expect(response.headers.location).toBe("/zh-CN/");
});

test("a missing path is still 404", async () => {
  expect((await fetch(new URL("nope", server.url))).status).toBe(404);
});

test("the site's Markdown (the errata's source pages) is shown as UTF-8 text, not downloaded", async () => {
  const response = await fetch(new URL("zh-CN/seed-errata.md", server.url));
  expect(response.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
  expect(await response.text()).toBe("# 勘误");
});

test.each([
  ["//zh-CN/index.html?x=1", "/zh-CN/index.html?x=1"],
  ["/\\zh-CN/index.html", "/zh-CN/index.html"],
  ["//\\evil.example/x", "/evil.example/x"],
])("a request target %s is redirected to %s, not read as a host", async (path, location) => {
  const { port } = new URL(server.url);
  const response = await new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path }, resolve).on("error", reject);
  });
  response.resume();
  expect(response.statusCode).toBe(301);
  expect(response.headers.location).toBe(location);
});

test("serves files to GET and HEAD only: another method is 405 with Allow", async () => {
  for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
    const response = await fetch(new URL("index.html", server.url), { method });
    expect(response.status, method).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(await response.text()).toBe("method not allowed");
  }
  const head = await fetch(new URL("index.html", server.url), { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-length")).toBe("4");
});
