// `#platform`, both branches imported directly: the server branch (Node, Deno, Bun) probes the
// runtime, reads credentials from the environment and names undici's system errors; the browser
// branch does none of that. The Chromium test (docs/test/runtime.test.mjs) shows a browser bundle
// takes the browser branch and what its clients then do.
import { defaultMaxListeners, getMaxListeners, setMaxListeners } from "node:events";
import { inspect } from "node:util";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  BceResponseError,
  CREDENTIAL_ENV_VARS,
  credentialsResolver,
  CredentialsError,
  userAgent,
} from "../src/internal/index.js";
import * as browser from "../src/platform/browser.js";
import * as server from "../src/platform/server.js";

const ENV = {
  [CREDENTIAL_ENV_VARS.accessKeyId]: "env-ak",
  [CREDENTIAL_ENV_VARS.secretAccessKey]: "env-secret-0123456789",
  [CREDENTIAL_ENV_VARS.sessionToken]: "env-session-token",
};

function stubEnv(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) vi.stubEnv(name, value);
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe("#platform branches", () => {
  it("name themselves", () => {
    expect([server.PLATFORM, browser.PLATFORM]).toEqual(["server", "browser"]);
  });

  it("server: the runtime for the user agent is Node's, Bun's or Deno's, and none without them", () => {
    expect(server.runtimeAgent()).toBe(`node/${process.versions.node}`);
    vi.stubGlobal("process", { versions: { node: "22.0.0", bun: "1.2.3" } });
    expect(server.runtimeAgent()).toBe("bun/1.2.3");
    vi.stubGlobal("process", undefined);
    vi.stubGlobal("Deno", { version: { deno: "2.1.0" } });
    expect(server.runtimeAgent()).toBe("deno/2.1.0");
    vi.stubGlobal("Deno", undefined);
    expect(server.runtimeAgent()).toBeUndefined();
  });

  // As Node's fetch does with the signal it is given: calls sharing one signal are no leak.
  it("server: a signal at Node's default listener limit gets room for 1500; a limit of the caller's own is kept", () => {
    const signal = new AbortController().signal;
    expect(getMaxListeners(signal)).toBe(defaultMaxListeners);
    server.makeRoomForListeners(signal);
    expect(getMaxListeners(signal)).toBe(1500);
    for (const limit of [20, Number.POSITIVE_INFINITY]) {
      const own = new AbortController().signal;
      setMaxListeners(limit, own);
      server.makeRoomForListeners(own);
      expect(getMaxListeners(own)).toBe(limit);
    }
    // No limit at all: Node 20's getMaxListeners throws for it, and it is left as it is.
    const unlimited = new AbortController().signal;
    setMaxListeners(0, unlimited);
    expect(() => server.makeRoomForListeners(unlimited)).not.toThrow();
    // A signal node:events does not know (another realm's, a polyfill) is left as it is.
    const foreign = { aborted: false, addEventListener() {}, removeEventListener() {} } as unknown as AbortSignal;
    expect(() => server.makeRoomForListeners(foreign)).not.toThrow();
  });

  it("browser: a signal's listener limit is left alone", () => {
    const signal = new AbortController().signal;
    browser.makeRoomForListeners(signal);
    expect(getMaxListeners(signal)).toBe(defaultMaxListeners);
  });

  it("browser: never a runtime, so the user agent goes as x-bce-user-agent", () => {
    expect(browser.runtimeAgent()).toBeUndefined();
  });

  it("server: credentials come from the environment variables, undefined when unset", () => {
    for (const name of Object.values(CREDENTIAL_ENV_VARS)) vi.stubEnv(name, undefined);
    expect(server.environmentCredentials()).toBeUndefined();
    stubEnv(ENV);
    expect(server.environmentCredentials()).toEqual({
      accessKeyId: "env-ak",
      secretAccessKey: "env-secret-0123456789",
      sessionToken: "env-session-token",
    });
  });

  it("server: malformed environment keys are a CredentialsError that names the variable, not its value", () => {
    stubEnv({ ...ENV, [CREDENTIAL_ENV_VARS.secretAccessKey]: "has space-secret" });
    let thrown: unknown;
    try {
      server.environmentCredentials();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CredentialsError);
    expect((thrown as Error).message).toBe(
      "environment: BCE_SECRET_ACCESS_KEY holds whitespace or non-ASCII characters",
    );
    expect((thrown as Error).message).not.toContain("has space-secret");
  });

  it("server: a key set without the other is a CredentialsError naming the variable that is missing", () => {
    stubEnv({ ...ENV, [CREDENTIAL_ENV_VARS.secretAccessKey]: "" });
    expect(() => server.environmentCredentials()).toThrow(
      new CredentialsError("environment: BCE_SECRET_ACCESS_KEY is missing or empty"),
    );
  });

  it("browser: no environment, even where a process.env is set", () => {
    stubEnv(ENV);
    expect(browser.environmentCredentials()).toBeUndefined();
  });

  it("each branch says where credentials can come from", () => {
    expect(server.NO_CREDENTIALS).toBe(
      "no credentials: pass { credentials } to the client or set BCE_ACCESS_KEY_ID and BCE_SECRET_ACCESS_KEY",
    );
    expect(browser.NO_CREDENTIALS).toBe(
      "no credentials: pass { credentials } to the client (a browser has no environment variables)",
    );
  });

  it("server: the system error code is found down undici's cause chain and in an AggregateError", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(server.networkFailure(new TypeError("fetch failed", { cause: refused }))).toEqual({
      errorCode: "ECONNREFUSED",
      notConnected: true,
    });
    const everyAddress = new AggregateError([refused, refused]);
    expect(server.networkFailure(new TypeError("fetch failed", { cause: everyAddress }))).toEqual({
      errorCode: "ECONNREFUSED",
      notConnected: true,
    });
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(server.networkFailure(new TypeError("fetch failed", { cause: reset }))).toEqual({
      errorCode: "ECONNRESET",
      notConnected: false,
    });
    expect(server.networkFailure(new TypeError("fetch failed"))).toEqual({ errorCode: "", notConnected: false });
  });

  it("browser: a failed fetch names no code and never proves the request stayed home", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(browser.networkFailure(new TypeError("Failed to fetch"))).toEqual({ errorCode: "", notConnected: false });
    // Even an error that carries a code (a fetch of the caller's): the browser branch reads none.
    expect(browser.networkFailure(refused)).toEqual({ errorCode: "", notConnected: false });
  });

  it("server: withoutBytes keeps each error's name, message and code, of another realm too, and nothing else", () => {
    const foreign = runInNewContext(
      `new TypeError("fetch failed", { cause: Object.assign(new Error("Parse Error: Expected HTTP/"), { code: "HPE_INVALID_CONSTANT", data: "x-bce-security-token: t0ken" }) })`,
    ) as Error;
    expect(foreign).not.toBeInstanceOf(Error);
    const bare = server.withoutBytes(foreign) as Error & { cause: Error & { code?: string } };
    expect(bare).toMatchObject({ name: "TypeError", message: "fetch failed" });
    expect(bare.cause).toMatchObject({
      name: "Error",
      message: "Parse Error: Expected HTTP/",
      code: "HPE_INVALID_CONSTANT",
    });
    expect(Object.keys(bare.cause).sort()).toEqual(["code", "name"]);
    expect(inspect(bare, { depth: Infinity, showHidden: true })).not.toContain("t0ken");
    // What cannot be read is left out, not thrown on; the browser's has no bytes to take out.
    const hostile = {
      get message(): string {
        throw new Error("getter");
      },
    };
    expect(server.withoutBytes(hostile)).toBeUndefined();
    expect(browser.withoutBytes(foreign)).toBe(foreign);
  });

  it("server: a parser's code or a decoder's names what came; other codes, and the browser, name nothing", () => {
    const parser = Object.assign(new Error("Parse Error"), { code: "HPE_INVALID_CONSTANT" });
    expect(server.unparsableAnswer(server.networkFailure(parser).errorCode, "example.com")).toBe(
      "an answer came from example.com but is not HTTP that can be read",
    );
    expect(server.unparsableAnswer("ECONNRESET", "example.com")).toBeUndefined();
    expect(browser.unparsableAnswer("HPE_INVALID_CONSTANT", "example.com")).toBeUndefined();
    const zlib = new TypeError("terminated", {
      cause: Object.assign(new Error("incorrect header check"), { code: "Z_DATA_ERROR" }),
    });
    const response = new Response("", {
      status: 200,
      headers: { "content-encoding": " GZIP ", "x-bce-request-id": "r-1" },
    });
    const refused = server.badCoding(zlib, response);
    expect(refused).toBeInstanceOf(BceResponseError);
    expect(refused?.message).toBe(
      "the answer does not match the API description: the answer body is not valid gzip (status 200: the service took the call, request id r-1)",
    );
    expect(server.badCoding(new TypeError("terminated"), response)).toBeUndefined();
    expect(browser.badCoding(zlib, response)).toBeUndefined();
  });
});

describe("a client given no credentials (server branch, as in Node)", () => {
  it("reads them from the environment on every call, so they may be set after the client is made", async () => {
    for (const name of Object.values(CREDENTIAL_ENV_VARS)) vi.stubEnv(name, undefined);
    const resolve = credentialsResolver(undefined);
    await expect(resolve()).rejects.toThrow(
      new CredentialsError(
        "no credentials: pass { credentials } to the client or set BCE_ACCESS_KEY_ID and BCE_SECRET_ACCESS_KEY",
      ),
    );
    stubEnv(ENV);
    await expect(resolve()).resolves.toMatchObject({ accessKeyId: "env-ak", sessionToken: "env-session-token" });
  });

  it("rejects with a CredentialsError when the runtime refuses to read the environment (Deno without --allow-env)", async () => {
    const refused = new Error('Requires env access to "BCE_ACCESS_KEY_ID", run again with the --allow-env flag');
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get() {
        throw refused;
      },
    });
    const original = Object.getOwnPropertyDescriptor(process, "env")!;
    Object.defineProperty(process, "env", { ...original, value: env });
    let rejection: unknown;
    try {
      await credentialsResolver(undefined)().catch((error: unknown) => {
        rejection = error;
      });
    } finally {
      Object.defineProperty(process, "env", original);
    }
    expect(rejection).toBeInstanceOf(CredentialsError);
    expect(rejection).toMatchObject({
      message: expect.stringMatching(/^no credentials: the environment could not be read .*--allow-env/),
      cause: refused,
    });
  });

  it("names the runtime in its User-Agent", () => {
    expect(userAgent("bec", undefined)).toEqual({
      header: "user-agent",
      value: expect.stringMatching(new RegExp(`^bce-openapi-js/\\S+ api/bec node/${process.versions.node}$`)),
    });
  });
});
