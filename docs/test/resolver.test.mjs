// The tests' Chromium resolves loopback names only (chromium.mjs, resolverRules): Chromium makes
// requests of its own (component updates, autofill, sign-in) that its flags do not all stop, and
// with every other name not found they are never sent. Pages on loopback must still load, by
// address, as localhost, and as the name global-setup.mjs maps to 127.0.0.1.
import { createServer } from "node:http";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { CHROMIUM_ARGS, chromiumArgs, resolverRules } from "./chromium.mjs";
import { connectChromium, INSECURE_HOST } from "./global-setup.mjs";

let browser;
let server;
let port;

beforeAll(async () => {
  server = createServer((_request, response) => response.end("<!doctype html><title>loopback</title>"));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = server.address().port;
  browser = await connectChromium(inject);
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

test("every Chromium the tests launch maps every other name to not-found, loopback excepted", () => {
  const rules = (args) => args.filter((arg) => arg.startsWith("--host-resolver-rules="));
  expect(rules(CHROMIUM_ARGS)).toEqual([resolverRules()]);
  // One rule set only (Chromium keeps the last of a repeated flag), with the mapped host in it.
  expect(rules(chromiumArgs(INSECURE_HOST))).toEqual([resolverRules(INSECURE_HOST)]);
  expect(resolverRules()).toBe("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1");
  expect(resolverRules(INSECURE_HOST)).toBe(
    `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1`,
  );
});

test.each([["127.0.0.1"], ["localhost"], [INSECURE_HOST]])("a page on loopback loads as http://%s", async (host) => {
  const page = await browser.newPage();
  try {
    const response = await page.goto(`http://${host}:${port}/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe("loopback");
  } finally {
    await page.close();
  }
});
