// CORS at the HTTP level (the browser side is tested in Chromium, docs/test/mock-cors.test.mjs).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "../src/index.js";
import { expectBceError, REINSTALL_BODY, REINSTALL_PATH, signedPut } from "./helpers.js";

const preflight = (
  url: string,
  origin: string,
  headers = "authorization, content-type, x-bce-date, x-bce-security-token, prefer",
) =>
  fetch(`${url}${REINSTALL_PATH}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": headers },
  });

describe("default: loopback origins", () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock();
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  it.each(["http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000", "https://localhost"])(
    "answers %s's preflight without authentication",
    async (origin) => {
      const res = await preflight(mock.url, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      // Only what the spec serves: GET and HEAD would be answered 405.
      expect(res.headers.get("access-control-allow-methods")).toBe("PUT");
      const allowed = res.headers.get("access-control-allow-headers")!.split(", ");
      expect(allowed).toEqual(
        expect.arrayContaining(["authorization", "content-type", "prefer", "x-bce-date", "x-bce-security-token"]),
      );
      expect(res.headers.get("access-control-expose-headers")).toContain("x-bce-request-id");
      expect(res.headers.get("x-bce-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it("allows any requested header name (the mock takes any header), and leaves out what is not one", async () => {
    const res = await preflight(mock.url, "http://localhost:1", "authorization, x-my-trace-id, traceparent, bad:name");
    const allowed = res.headers.get("access-control-allow-headers")!.split(", ");
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "x-my-trace-id", "traceparent"]));
    expect(allowed.some((name) => name.includes(":"))).toBe(false);
  });

  // An answer never quotes a secret the mock knows: not even as a header name it allows.
  it("leaves out a requested header name that spells a secret of the mock's", async () => {
    const secret = DEFAULT_CREDENTIALS.secretAccessKey.toLowerCase();
    const res = await preflight(mock.url, "http://localhost:1", `authorization, x-${secret}, x-my-trace-id`);
    expect(res.status).toBe(204);
    const allowed = res.headers.get("access-control-allow-headers")!.split(", ");
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "x-my-trace-id"]));
    expect(res.headers.get("access-control-allow-headers")).not.toContain(secret);
  });

  it("puts Allow-Origin and Expose-Headers on answers, errors included", async () => {
    const ok = await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, {
      headers: { origin: "http://localhost:5173" },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(ok.headers.get("access-control-expose-headers")).toBe(
      "x-bce-request-id, date, retry-after, x-bce-error-code, x-bce-error-message",
    );
    const unsigned = await fetch(`${mock.url}${REINSTALL_PATH}`, {
      method: "PUT",
      headers: { origin: "http://localhost:5173" },
    });
    expect(unsigned.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    await expectBceError(unsigned, 400, "InvalidHTTPAuthHeader");
  });

  it.each(["http://example.com", "http://localhost.example.com", "http://127.0.0.1.nip.io", "null"])(
    "refuses %s with 403 and no CORS header, preflight or not",
    async (origin) => {
      const pre = await preflight(mock.url, origin);
      expect(pre.headers.get("access-control-allow-origin")).toBeNull();
      await expectBceError(pre, 403, "AccessDenied");
      const res = await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY, { headers: { origin } });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      await expectBceError(res, 403, "AccessDenied");
      expect(mock.actions()).toEqual({});
    },
  );

  it("without an Origin (not a browser) nothing changes", async () => {
    const res = await signedPut(mock.url, REINSTALL_PATH, REINSTALL_BODY);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("configured", () => {
  it("a list allows exactly those origins", async () => {
    const mock = await startMock({ cors: ["https://app.example.com"] });
    try {
      expect((await preflight(mock.url, "https://app.example.com")).status).toBe(204);
      expect((await preflight(mock.url, "http://localhost:5173")).status).toBe(403);
    } finally {
      await mock.close();
    }
  });

  it('"*" allows any origin; a function decides itself', async () => {
    const any = await startMock({ cors: ["*"] });
    try {
      expect((await preflight(any.url, "https://anything.example")).status).toBe(204);
    } finally {
      await any.close();
    }
    const fn = await startMock({ cors: (origin) => origin.endsWith(".test") });
    try {
      expect((await preflight(fn.url, "http://a.test")).status).toBe(204);
      expect((await preflight(fn.url, "http://localhost")).status).toBe(403);
    } finally {
      await fn.close();
    }
  });

  // Its Promise (always truthy) was taken as a yes: an async function that said no let every origin in.
  it("a function that answers anything but true or false lets no origin in: 500 naming the cors option", async () => {
    const fn = await startMock({ cors: (async () => false) as never });
    try {
      const res = await preflight(fn.url, "http://evil.example");
      const body = await expectBceError(res, 500, "InternalError");
      expect(body.message).toMatch(/cors function must return true or false, got a Promise/);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      const admin = await fetch(`${fn.url}/__mock/journal`, { headers: { origin: "http://evil.example" } });
      await expectBceError(admin, 500, "InternalError");
    } finally {
      await fn.close();
    }
  });

  // Refused, its Promise was left to reject unhandled, which ends the process the mock runs in.
  it("an async function that rejects is a 500 naming the option, and leaves no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", listener);
    const fn = await startMock({
      cors: (async () => {
        throw new Error("origin lookup failed");
      }) as never,
    });
    try {
      const res = await preflight(fn.url, "http://app.example");
      const body = await expectBceError(res, 500, "InternalError");
      expect(body.message).toMatch(/cors function must return true or false, got a Promise/);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", listener);
      await fn.close();
    }
  });

  it("a function that throws is a 500 naming the cors function and its message, on the API and the admin routes", async () => {
    const fn = await startMock({
      cors: () => {
        throw new Error("origin lookup failed");
      },
    });
    try {
      for (const res of [
        await preflight(fn.url, "http://app.example"),
        await fetch(`${fn.url}/__mock/journal`, { headers: { origin: "http://app.example" } }),
      ]) {
        const body = await expectBceError(res, 500, "InternalError");
        expect(body.message).toBe("startMock: the cors function threw: origin lookup failed");
        expect(res.headers.get("access-control-allow-origin")).toBeNull();
      }
    } finally {
      await fn.close();
    }
  });

  it("cors: false sends no CORS headers and treats OPTIONS like any request", async () => {
    const mock = await startMock({ cors: false });
    try {
      const res = await preflight(mock.url, "http://localhost:5173");
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      await expectBceError(res, 400, "InvalidHTTPAuthHeader");
    } finally {
      await mock.close();
    }
  });

  // No origin is allowed, so no web page may script faults with a simple POST (no preflight needed).
  it("cors: false lets no web page use the admin routes", async () => {
    const mock = await startMock({ cors: false });
    try {
      const res = await fetch(`${mock.url}/__mock/faults`, {
        method: "POST",
        headers: { origin: "http://localhost:5173", "content-type": "text/plain" },
        body: JSON.stringify({ target: "reinstallVmInstance", steps: [{ status: 500 }] }),
      });
      await expectBceError(res, 403, "AccessDenied");
      expect(mock.faults.pending()).toEqual({});
    } finally {
      await mock.close();
    }
  });

  it("refuses a malformed cors option", async () => {
    await expect(startMock({ cors: [""] })).rejects.toThrow(/cors must be/);
  });

  it("a list entry is read as a browser writes its Origin: default port dropped, case and a final slash ignored", async () => {
    const mock = await startMock({
      cors: ["HTTPS://App.Example.com:443/", "http://localhost:80", "http://localhost:05173"],
    });
    try {
      expect((await preflight(mock.url, "https://app.example.com")).status).toBe(204);
      expect((await preflight(mock.url, "http://localhost")).status).toBe(204);
      expect((await preflight(mock.url, "http://localhost:5173")).status).toBe(204);
      expect((await preflight(mock.url, "http://app.example.com")).status).toBe(403);
    } finally {
      await mock.close();
    }
  });

  // Scheme and host are case-insensitive: an Origin a non-browser client writes in capitals is the
  // same origin, as the default loopback policy takes it.
  it("a list matches an Origin sent in capitals", async () => {
    const mock = await startMock({ cors: ["https://app.example.com"] });
    try {
      expect((await preflight(mock.url, "HTTPS://APP.EXAMPLE.COM")).status).toBe(204);
      expect((await preflight(mock.url, "HTTPS://OTHER.EXAMPLE.COM")).status).toBe(403);
    } finally {
      await mock.close();
    }
  });

  it.each([
    "app.example.com",
    "http://app.test/path",
    "localhost:5173",
    "ftp://app.test",
    "http://localhost:5173?",
    "http://localhost:5173#x",
    "http://u:p@localhost:5173",
    "http://",
  ])(
    "refuses %j in the cors list, as the CLI refuses it in --cors-origin, instead of never matching it",
    async (origin) => {
      await expect(startMock({ cors: ["http://localhost:5173", origin] })).rejects.toThrow(
        `cors: "${origin}" is not an origin such as http://localhost:5173 (scheme and host, no path) or *`,
      );
    },
  );
});
