// The two `#hmac` branches, imported directly: node:crypto (crypto.hash over key pads, or
// createHmac where crypto.hash is missing) and Web Crypto give node:crypto's createHmac result
// for any key and message, with and without a signing-key cache.
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as nodeBranch from "../src/signing/hmac-node.js";
import * as webBranch from "../src/signing/hmac-web.js";
import { createSigningKeyCache } from "../src/signing/key-cache.js";

const reference = (key: string, message: string) => createHmac("sha256", key).update(message).digest("hex");
const key = fc.oneof(
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 64 }), // ASCII within a block: the string pads
  fc.string({ unit: "grapheme-ascii", minLength: 65, maxLength: 200 }), // longer than a block: hashed first
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), // non-ASCII: byte pads
  fc.constantFrom("a".repeat(64), "a".repeat(65), "é".repeat(32), "é".repeat(33), "\u007f", "\u0080"),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString("hex")), // a signing key
);
const message = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.constant(""),
);

describe("#hmac branches", () => {
  afterEach(() => {
    vi.doUnmock("node:crypto");
    vi.resetModules();
  });

  it("name themselves", () => {
    expect([nodeBranch.HMAC_BRANCH, webBranch.HMAC_BRANCH]).toEqual(["node:crypto", "web-crypto"]);
  });

  it("hmacHex: both branches equal createHmac on random keys and messages", async () => {
    await fc.assert(
      fc.asyncProperty(key, message, async (k, m) => {
        const want = reference(k, m);
        expect(nodeBranch.hmacHex(k, m)).toBe(want); // synchronous: a string, not a Promise
        expect(await webBranch.hmacHex(k, m)).toBe(want);
      }),
      { numRuns: 400 },
    );
  });

  it("signCanonical: both branches, cached or not, equal the two-step createHmac", async () => {
    const caches = [createSigningKeyCache(2), createSigningKeyCache(2)];
    await fc.assert(
      fc.asyncProperty(key, fc.constantFrom("p1", "p2", "p3"), message, async (sk, prefix, canonical) => {
        const want = reference(reference(sk, prefix), canonical);
        expect(nodeBranch.signCanonical(sk, prefix, canonical)).toBe(want);
        expect(nodeBranch.signCanonical(sk, prefix, canonical, caches[0])).toBe(want);
        expect(await webBranch.signCanonical(sk, prefix, canonical)).toBe(want);
        expect(await webBranch.signCanonical(sk, prefix, canonical, caches[1])).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  it("the node:crypto branch falls back to createHmac where crypto.hash is missing (Node < 20.12, some Deno and Bun releases)", async () => {
    const used: string[] = [];
    vi.doMock("node:crypto", async (load) => {
      const real = await load<typeof import("node:crypto")>();
      return {
        ...real,
        hash: undefined,
        createHmac: (...args: Parameters<typeof real.createHmac>) => {
          used.push("createHmac");
          return real.createHmac(...args);
        },
      };
    });
    vi.resetModules();
    const fallback = await import("../src/signing/hmac-node.js");
    const { createSigningKeyCache: freshCache } = await import("../src/signing/key-cache.js");
    await fc.assert(
      fc.asyncProperty(key, message, async (k, m) => {
        expect(fallback.hmacHex(k, m)).toBe(reference(k, m));
      }),
      { numRuns: 50 },
    );
    expect(fallback.signCanonical("sk", "prefix", "canonical", freshCache())).toBe(
      reference(reference("sk", "prefix"), "canonical"),
    );
    expect(used.length).toBeGreaterThan(50);
  });

  it("an empty key is refused clearly by both", async () => {
    expect(() => nodeBranch.hmacHex("", "m")).toThrow(new TypeError("an HMAC key must not be empty"));
    await expect(webBranch.hmacHex("", "m")).rejects.toThrow(new TypeError("an HMAC key must not be empty"));
  });

  it("Node resolves the built package's #hmac to the node:crypto branch (package.json imports)", () => {
    // Run by Node itself, outside vitest's resolver, from the package's own directory (needs dist/).
    const cwd = fileURLToPath(new URL("..", import.meta.url));
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", 'import("#hmac").then((m) => console.log(m.HMAC_BRANCH))'],
      { cwd, encoding: "utf8" },
    );
    expect(out.trim()).toBe("node:crypto");
  });
});
