// 1. Signing in Node: our bce-auth-v1 signer against @baiducloud/sdk's Auth.generateAuthorization,
// same inputs, side by side. "Uncached" gives every call a new timestamp, so its signing key is
// derived afresh (the normal case for requests more than a second apart); "cached" reuses the key
// of the second, as a client's own signing-key cache does within a second.
import { createRequire } from "node:module";
import { buildAuthorization, createSigningKeyCache, signRequest } from "@bce-openapi/core";
import { computeAuthorization, computeSignedHeaders, HMAC_BRANCH, signingHeaders } from "./core-internal.mjs";
import { interleave, ratioInterval } from "./harness.mjs";
import { CLIENT_TOKEN, CREDENTIALS, REINSTALL_PATH, specExamples } from "./fixtures.mjs";
import { judgeSigning, rateVsSdk } from "./targets.mjs";

const require = createRequire(import.meta.url);
const Auth = require("@baiducloud/sdk/src/auth.js");

/** The one request every signer signs, in each signer's own input form. */
export function signingInputs() {
  const body = JSON.stringify(specExamples().request);
  const seconds = Math.floor(Date.now() / 1000);
  const timestamp = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const host = "bec.baidubce.com";
  const contentLength = String(new TextEncoder().encode(body).byteLength);
  const headers = {
    host,
    "content-type": "application/json",
    "content-length": contentLength,
    "x-bce-date": timestamp,
  };
  const query = { clientToken: CLIENT_TOKEN };
  const input = {
    method: "PUT",
    path: REINSTALL_PATH,
    query,
    headers,
    ...CREDENTIALS,
    timestamp,
    expirationInSeconds: 1800,
  };
  const url = `https://${host}${REINSTALL_PATH}?clientToken=${CLIENT_TOKEN}`;
  const requestHeaders = { "content-type": "application/json", "content-length": contentLength };
  return { seconds, timestamp, headers, query, input, url, requestHeaders };
}

export async function benchSigning({ smoke = false } = {}) {
  const { seconds, headers, query, input, url, requestHeaders } = signingInputs();
  const auth = new Auth(CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey);
  const keys = createSigningKeyCache();

  // Same inputs must give the same Authorization, or the comparison means nothing.
  const sdkAuthorization = auth.generateAuthorization("PUT", REINSTALL_PATH, query, headers, seconds, 1800);
  const ours = [
    (await buildAuthorization(input)).authorization,
    computeAuthorization({ ...input, signingKeys: keys }).authorization,
    (await signRequest({ method: "PUT", url, headers: requestHeaders }, CREDENTIALS, { timestamp: seconds * 1000 }))
      .authorization,
    computeSignedHeaders({ method: "PUT", url, headers: requestHeaders }, CREDENTIALS, {
      timestamp: seconds * 1000,
      signingKeys: keys,
    }).authorization,
    signingHeaders(
      { method: "PUT", url, headers: requestHeaders },
      CREDENTIALS,
      { clock: () => seconds * 1000 },
      0,
      keys,
    ).authorization,
  ];
  const identical = ours.every((a) => a === sdkAuthorization);
  if (!identical)
    throw new Error(
      `signers disagree on the same inputs:\n  sdk:  ${sdkAuthorization}\n  ours: ${ours.join("\n        ")}`,
    );

  let tick = 0; // a new second for every uncached call
  const next = () => (seconds + ++tick) * 1000;
  const uncachedKeys = createSigningKeyCache();
  // Each task reuses one input object (the uncached ones set a new timestamp on it), as the SDK
  // is called with the same arguments: what is timed is the signer, not building its input.
  const uncachedInput = { ...input, timestamp: 0, signingKeys: uncachedKeys };
  const cachedInput = { ...input, timestamp: seconds * 1000, signingKeys: keys };
  const publicInput = { ...input, timestamp: 0, signingKeys: undefined };
  const request = { method: "PUT", url, headers: requestHeaders };
  // The transport's own call: its signing options (a clock), its clock offset, its key cache.
  const uncachedOptions = { clock: next };
  const cachedOptions = { clock: () => seconds * 1000 };
  const tasks = [
    {
      name: "sdk",
      label: "@baiducloud/sdk `Auth.generateAuthorization` (node:crypto `createHmac`, derives its key every call)",
      fn: () => auth.generateAuthorization("PUT", REINSTALL_PATH, query, headers, seconds, 1800),
    },
    {
      name: "uncached",
      label:
        "ours `computeAuthorization`, new timestamp every call (signing key derived every call; the secret key's HMAC pads kept from call to call, in the client's signing-key cache)",
      fn: () => {
        uncachedInput.timestamp = next();
        return computeAuthorization(uncachedInput);
      },
    },
    {
      name: "cached",
      label: "ours `computeAuthorization`, signing key cached (requests within one second)",
      fn: () => computeAuthorization(cachedInput),
    },
    {
      name: "signRequestUncached",
      label:
        "ours `signingHeaders` (URL + headers in, headers out: the public, argument-checking form of how the transport signs every attempt), new timestamp every call",
      fn: () => signingHeaders(request, CREDENTIALS, uncachedOptions, 0, uncachedKeys),
    },
    {
      name: "signRequestCached",
      label: "ours `signingHeaders`, signing key cached",
      fn: () => signingHeaders(request, CREDENTIALS, cachedOptions, 0, keys),
    },
    {
      name: "publicUncached",
      label:
        "ours public `buildAuthorization` (returns a Promise, awaited), new timestamp every call, no cache at all (the secret key's pads derived every call too)",
      fn: () => {
        publicInput.timestamp = next();
        return buildAuthorization(publicInput);
      },
    },
  ];
  // Interleaved in batches: a signature takes microseconds, so each sample times 200 calls of one
  // signer, and the signers' batches take turns (see interleave).
  const timing = smoke ? { iterations: 3, warmup: 0, batch: 1 } : { iterations: 1500, warmup: 20, batch: 200 };
  const results = await interleave(tasks, timing);
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  const sdk = byName.sdk;
  // Each figure with its 95 % interval: the SDK's time over ours, resampled by iteration.
  const rows = tasks.map(({ name, label }) => {
    const { times, ...row } = byName[name];
    return {
      ...row,
      label,
      ratioVsSdk: rateVsSdk(row.medianNs, sdk.medianNs),
      interval: ratioInterval(sdk.times, times),
    };
  });
  const ratio = (name) => rateVsSdk(byName[name].medianNs, sdk.medianNs);
  const interval = (name) => rows.find((row) => row.name === name).interval;
  return {
    hmacBranch: HMAC_BRANCH,
    identicalAuthorization: identical,
    inputs: { method: "PUT", path: REINSTALL_PATH, query, headers: Object.keys(headers), expirationInSeconds: 1800 },
    timing: { samples: timing.iterations, batch: timing.batch },
    rows,
    uncached: ratio("uncached"),
    uncachedInterval: interval("uncached"),
    cached: ratio("cached"),
    target: judgeSigning(ratio("uncached"), interval("uncached")),
  };
}
