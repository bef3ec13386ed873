// The signing-key cache: one per client, bounded, the oldest dropped first, and never
// reusing a key derived from another secret. Runs on both `#hmac` branches.
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signCanonical } from "#hmac";
import * as webBranch from "../src/signing/hmac-web.js";
import { signingHeaders } from "../src/signed-fetch.js";
import { createSigningKeyCache, DEFAULT_SIGNING_KEY_CACHE_ENTRIES } from "../src/signing/key-cache.js";
import { computeAuthorization } from "../src/signing/sign.js";
import { verifyRequest } from "../src/signing/verify.js";

const prefixAt = (second: number) => `bce-auth-v1/ak/2026-01-01T00:00:${String(second).padStart(2, "0")}Z/1800`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createSigningKeyCache", () => {
  it("refuses a bound that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createSigningKeyCache(bad)).toThrow(new RangeError("maxEntries must be a positive integer"));
    }
    // The documented default, as a number: a constant the code reads would follow any change.
    expect(createSigningKeyCache().maxEntries).toBe(4);
    expect(DEFAULT_SIGNING_KEY_CACHE_ENTRIES).toBe(4);
  });

  it("has the own properties it has always had, in the same order: maxEntries, the size getter, clear, key", () => {
    const cache = createSigningKeyCache(2);
    expect(Object.keys(cache)).toEqual(["maxEntries", "size", "clear", "key"]);
    expect(typeof Object.getOwnPropertyDescriptor(cache, "size")?.get).toBe("function");
  });

  it("keeps at most maxEntries keys, the oldest dropped first", async () => {
    const cache = createSigningKeyCache(3);
    for (let s = 0; s < 10; s++) await signCanonical("sk", prefixAt(s), "c", cache);
    expect(cache.size).toBe(3);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it("gives the uncached signature, after eviction and for a changed secret under the same prefix", async () => {
    const cache = createSigningKeyCache(2);
    for (const [sk, s] of [
      ["sk1", 1],
      ["sk1", 2],
      ["sk1", 3],
      ["sk1", 1],
      ["sk2", 1],
      ["sk1", 1],
      ["sk2", 3],
    ] as const) {
      expect(await signCanonical(sk, prefixAt(s), `c${s}`, cache)).toBe(await signCanonical(sk, prefixAt(s), `c${s}`));
    }
  });

  it("is not shared: two caches hold their own keys", async () => {
    const a = createSigningKeyCache();
    const b = createSigningKeyCache();
    await signCanonical("sk", prefixAt(1), "c", a);
    expect([a.size, b.size]).toEqual([1, 0]);
  });

  it("Web Crypto: a failed derivation is not kept, so the next request derives the key again", async () => {
    const reference = (key: string, message: string) => createHmac("sha256", key).update(message).digest("hex");
    const cache = createSigningKeyCache();
    await webBranch.signCanonical("sk", prefixAt(1), "c", cache); // a good key already held
    const sign = vi.spyOn(globalThis.crypto.subtle, "sign").mockRejectedValueOnce(new Error("sign failed"));
    // Two requests of one second share the derivation, and both see it fail.
    const failed = [
      webBranch.signCanonical("sk", prefixAt(2), "c", cache),
      webBranch.signCanonical("sk", prefixAt(2), "d", cache),
    ];
    for (const attempt of failed) await expect(attempt).rejects.toThrow("sign failed");
    expect(sign).toHaveBeenCalled();
    expect(cache.size).toBe(0);
    const want = reference(reference("sk", prefixAt(2)), "c");
    expect(await webBranch.signCanonical("sk", prefixAt(2), "c", cache)).toBe(want);
    expect(await webBranch.signCanonical("sk", prefixAt(2), "c", cache)).toBe(want);
    expect(cache.size).toBe(1);
  });

  it("refuses an object that is not a cache", async () => {
    await expect(async () =>
      computeAuthorization({
        method: "GET",
        path: "/",
        accessKeyId: "ak",
        secretAccessKey: "sk",
        timestamp: 0,
        signingKeys: {} as never,
      }),
    ).rejects.toThrow(new TypeError("signing key cache must come from createSigningKeyCache"));
  });

  it("signingHeaders (what the transport calls) fills the cache it is given, and signs as without one", async () => {
    const cache = createSigningKeyCache();
    // As the transport calls it: the headers hold the content-length fetch will send.
    const request = {
      method: "PUT",
      url: "https://bec.baidubce.com/v1/vm/instance/vm-1/system/reinstall?clientToken=t",
      headers: { "content-type": "application/json", "content-length": "2" },
    };
    const credentials = { accessKeyId: "ak", secretAccessKey: "sk" };
    const options = { clock: () => Date.UTC(2026, 0, 1) };
    const cached = await signingHeaders(request, credentials, options, 0, cache);
    expect(cache.size).toBe(1);
    expect(cached).toEqual(await signingHeaders(request, credentials, options));
    const verified = await verifyRequest(
      {
        method: "PUT",
        path: "/v1/vm/instance/vm-1/system/reinstall",
        query: "clientToken=t",
        headers: { ...request.headers, host: "bec.baidubce.com", ...cached },
      },
      { getSecretAccessKey: () => "sk", now: Date.UTC(2026, 0, 1), signingKeys: createSigningKeyCache() },
    );
    expect(verified).toMatchObject({ ok: true });
  });
});
