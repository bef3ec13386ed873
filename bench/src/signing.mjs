// 1. Signing: our bce-auth-v1 signer against @baiducloud/sdk's Auth.generateAuthorization, same inputs.
import { createRequire } from "node:module";
import { buildAuthorization, signRequest } from "@bce-openapi/core";
import { compare, timing } from "./harness.mjs";
import { CLIENT_TOKEN, CREDENTIALS, REINSTALL_PATH, specExamples } from "./fixtures.mjs";

const require = createRequire(import.meta.url);
const Auth = require("@baiducloud/sdk/src/auth.js");

export async function benchSigning({ smoke = false } = {}) {
  const body = JSON.stringify(specExamples().request);
  const seconds = Math.floor(Date.now() / 1000);
  const timestamp = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const host = "bec.baidubce.com";
  const headers = {
    host,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "x-bce-date": timestamp,
  };
  const query = { clientToken: CLIENT_TOKEN };
  const auth = new Auth(CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey);
  const input = {
    method: "PUT",
    path: REINSTALL_PATH,
    query,
    headers,
    accessKeyId: CREDENTIALS.accessKeyId,
    secretAccessKey: CREDENTIALS.secretAccessKey,
    timestamp,
    expirationInSeconds: 1800,
  };
  const url = `https://${host}${REINSTALL_PATH}?clientToken=${CLIENT_TOKEN}`;
  const requestHeaders = { "content-type": headers["content-type"], "content-length": headers["content-length"] };

  // Same inputs must give the same Authorization, or the comparison means nothing.
  const sdkAuthorization = auth.generateAuthorization("PUT", REINSTALL_PATH, query, headers, seconds, 1800);
  const ours = await buildAuthorization(input);
  const viaSignRequest = await signRequest({ method: "PUT", url, headers: requestHeaders }, CREDENTIALS, { timestamp: seconds * 1000 });
  const identical = ours.authorization === sdkAuthorization && viaSignRequest.authorization === sdkAuthorization;
  if (!identical) {
    throw new Error(`signers disagree on the same inputs:\n  sdk:  ${sdkAuthorization}\n  ours: ${ours.authorization}\n  signRequest: ${viaSignRequest.authorization}`);
  }

  let tick = 0;
  const tasks = [
    {
      name: "sdk",
      label: "@baiducloud/sdk `Auth.generateAuthorization` (node:crypto, sync)",
      fn: () => auth.generateAuthorization("PUT", REINSTALL_PATH, query, headers, seconds, 1800),
    },
    {
      name: "buildAuthorization",
      label: "ours `buildAuthorization` (@noble/hashes HMAC; signing key cached)",
      fn: () => buildAuthorization(input),
    },
    {
      name: "signRequest",
      label: "ours `signRequest` (URL + headers in, headers out; key cached)",
      fn: () => signRequest({ method: "PUT", url, headers: requestHeaders }, CREDENTIALS, { timestamp: seconds * 1000 }),
    },
    {
      name: "buildAuthorizationNewKey",
      label: "ours `buildAuthorization`, new timestamp every call (signing-key cache miss)",
      // A timestamp never seen before: the signing key is derived and imported again, as the SDK always does.
      fn: () => buildAuthorization({ ...input, timestamp: (seconds + ++tick) * 1000 }),
    },
  ];
  const results = await compare(tasks, timing(smoke, { time: 1500, iterations: 200, warmupTime: 300, warmupIterations: 100, rounds: 3 }));
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  const sdk = byName.sdk;
  const rows = tasks.map((t) => ({ ...byName[t.name], label: t.label, ratioVsSdk: byName[t.name].opsPerSec / sdk.opsPerSec }));
  const speedup = byName.buildAuthorization.opsPerSec / sdk.opsPerSec;
  return {
    identicalAuthorization: identical,
    inputs: { method: "PUT", path: REINSTALL_PATH, query, headers: Object.keys(headers), expirationInSeconds: 1800 },
    rows,
    speedup,
    speedupSignRequest: byName.signRequest.opsPerSec / sdk.opsPerSec,
    speedupCacheMiss: byName.buildAuthorizationNewKey.opsPerSec / sdk.opsPerSec,
    target: { atLeast: 1, aim: 2, met: speedup >= 1, aimMet: speedup >= 2 },
  };
}
