import { BceValidationError } from "./errors.js";
import { childPath, isOptions, optionNames } from "./internal/check-runtime.js";

/**
 * Edit distance counting a swap of neighbours as one edit (optimal string alignment), case
 * respected (lowercase both to ignore it): how far a misspelt option name is from a known one. The
 * clients' option check and the mock's share it.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        next[j] = Math.min(next[j]!, before[j - 2]! + 1);
    }
    before = row;
    row = next;
  }
  return row[b.length]!;
}

/**
 * A key that misspells an option (`endpiont`, `timeoutMS`, `header`, `clientTokn`) is refused:
 * ignored, it would send the call elsewhere than meant (to the production service, not the mock),
 * unbounded, or with a new idempotency token. A name may be nested (`credentials.accessKeyId`): a
 * key is compared with its last part, and the suggestion gives it whole. Other keys pass, so one
 * configuration object can serve several clients and hold other settings. `prefix` names the
 * object the keys belong to (`retry.`), in the error's field and its suggestion.
 */
export function checkOptionNames(keys: readonly string[], names: readonly string[], prefix = ""): void {
  for (const key of keys) {
    if (names.includes(key)) continue;
    const near = loose(key);
    for (const name of names) {
      const last = loose(name.slice(name.lastIndexOf(".") + 1));
      // One edit (a letter added, lost, changed or two swapped; case, "_" and "-" ignored), two for
      // long names. Lengths further apart are further apart than that: a long key is not compared.
      const most = last.length < 8 ? 1 : 2;
      if (Math.abs(near.length - last.length) <= most && editDistance(near, last) <= most)
        throw new BceValidationError(
          optionPath(prefix, key),
          "unknown",
          `is not an option; did you mean ${prefix}${name}?`,
        );
    }
  }
}

/** A caller's key as an error names it: one no identifier is, quoted as a body's (escaped, cut). */
const optionPath = (prefix: string, key: string): string =>
  prefix ? childPath(prefix.slice(0, -1), key) : childPath("", key).replace(/^\./, "");

/** A key as the name checks compare it: case, "_" and "-" ignored (`endpoint_url`, `Base-URL`, `baseUrl` alike). */
const loose = (key: string): string => key.toLowerCase().replace(/[-_]/g, "");

/**
 * What other SDKs and HTTP clients call an option of ours: too far from our names to be taken for
 * a typo, but ignored, such a key would send the call to the production service, as other keys, or
 * with other limits. Each entry: our option, the other names (as `loose` gives them), and names
 * refused only within our option's object (`retry.retries`, `signing.now`), generic at the top
 * (`now`, `timestamp`), where a shared configuration may hold them for other code (as it may `host`,
 * `url` and `retries`, refused only without the option of ours they name: see GENERIC_NAMES). Where they come from: the official BCE SDKs (`ak`, `sk`; Go's
 * `SignOptions.ExpireSeconds` and `.Timestamp` in baidubce/bce-sdk-go
 * auth/signer.go@de4b16ed428ef08f0d4acf579e8f66f182322441, and its retry policy's `maxErrorRetry`,
 * `maxDelayInMillis` and `baseIntervalInMillis` in baidubce/bce-sdk-go bce/retry.go@0518c3aaae332223fdf6be8cb5f08100cb8b4085;
 * Java's `connectionTimeoutInMillis` and `socketTimeoutInMillis` in baidubce/bce-sdk-java
 * src/main/java/com/baidubce/BceClientConfiguration.java@09bb8c53706e99c0027d1384ebc57b5593321755;
 * Python's `security_token` and `connection_timeout_in_mills` in baidubce/bce-sdk-python
 * baidubce/bce_client_configuration.py@02e906bb8d9d48a472c2954569a0e833ce6331a1; the JavaScript
 * SDK's `protocol`, `proxy` and `createSignature`, its `BceConfig` in @baiducloud/sdk 1.0.7
 * src/http_client.js (https://unpkg.com/@baiducloud/sdk@1.0.7/src/http_client.js), which its browser use signs temporary keys with), bce-auth-v1's
 * `expirationPeriodInSeconds` (https://intl.cloud.baidu.com/doc/Reference/s/qk0z0b75h-en), other
 * clouds' (`stsToken`, `secretKey`), HTTP clients' (`baseUrl`,
 * `base_url`, `endpoint_url`, `maxRetries`, `retries`), and the mock's own clock (`now`). Those
 * within an edit or two of ours, such as `accessKey` or `session_token`, are refused as
 * misspellings already. A `hint` says how ours does what theirs did, where that is not plain
 * (a `proxy` ignored would send the signed call around it).
 */
const OTHER_NAMES: readonly (readonly [ours: string, anywhere: string, within?: string, hint?: string])[] = [
  ["endpoint", "baseurl endpointurl protocol"],
  ["fetch", "proxy", "", "one that sends through the proxy, such as undici's fetch with a ProxyAgent dispatcher"],
  ["credentials", "createsignature", "", "a function that answers with temporary keys"],
  ["credentials.accessKeyId", "ak"],
  ["credentials.secretAccessKey", "sk secretkey"],
  ["credentials.sessionToken", "securitytoken ststoken"],
  ["retry.maxAttempts", "maxattempts maxretries maxerrorretry", "retries"],
  ["retry.baseDelayMs", "baseintervalinmillis"],
  ["retry.maxDelayMs", "maxdelayinmillis"],
  ["timeoutMs", "connectiontimeoutinmillis connectiontimeoutinmills sockettimeoutinmillis requesttimeout"],
  ["signing.expirationInSeconds", "expireseconds expirationperiodinseconds"],
  ["signing.clock", "", "now timestamp"],
];

/**
 * Refuse a key of `object` that is another SDK's name for one of ours (see OTHER_NAMES: case, "_"
 * and "-" ignored: `AK`, `BaseURL`, `endpoint_url`), naming ours; `prefix` names the object the
 * keys belong to (`credentials.`, `retry.`), and only our names under it are looked for (at the
 * top, all of them, `ak` beside `credentials`). A key left undefined sends nothing anywhere.
 */
export function refuseOtherNames(object: object, keys: readonly string[], prefix = ""): void {
  for (const key of keys)
    for (const [ours, anywhere, within = "", hint] of OTHER_NAMES)
      if (
        ours.startsWith(prefix) &&
        // Under `retry.`, `maxAttempts` is ours (at the top, it is another SDK's).
        key !== ours.slice(prefix.length) &&
        // (A key of only "_" and "-" is none of them.)
        (prefix ? `${anywhere} ${within}` : anywhere).split(" ").includes(loose(key) || " ") &&
        object[key as never] !== undefined
      )
        throw new BceValidationError(
          `${prefix}${key}`,
          "unknown",
          `is not an option; did you mean ${ours}${hint ? ` (${hint})` : ""}?`,
        );
}

/**
 * Generic names other code may give its settings, and the option of ours each would be taken for:
 * beside that option (its top-level name) they are left alone, so one configuration object can
 * serve a client and other code; without it they were meant as ours, and ignored, the calls would
 * go to the production service (`url: mock.url`), or be retried when the caller meant them not to
 * be (`retries: 0`).
 */
const GENERIC_NAMES = new Map([
  ["url", "endpoint"],
  ["host", "endpoint"],
  ["retries", "retry.maxAttempts (retries + 1)"],
]);

/**
 * Refuse a key of a client's `options` (each read once) that is a generic name for one of ours
 * (case, "_" and "-" ignored: `URL`, `Host`) while ours is not given (see GENERIC_NAMES).
 */
export function refuseGenericNames(options: Readonly<Record<string, unknown>>, keys: readonly string[]): void {
  for (const key of keys) {
    const ours = GENERIC_NAMES.get(loose(key));
    const top = ours?.split(/[. ]/)[0];
    if (top && options[key] !== undefined && options[top] === undefined)
      throw new BceValidationError(
        optionPath("", key),
        "unknown",
        `is not an option; did you mean ${ours}? Given with ${top}, it is left alone, as other code's setting.`,
      );
  }
}

/**
 * checkOptionNames for options made for one use (a call's, a middleware's), which nothing else
 * shares: any other key is refused too, naming the options there are (`what` names their owner).
 */
export function checkOnlyOptionNames(keys: readonly string[], names: readonly string[], what: string): void {
  checkOptionNames(keys, names);
  const unknown = keys.find((key) => !names.includes(key));
  if (unknown !== undefined)
    throw new BceValidationError(
      optionPath("", unknown),
      "unknown",
      `is not an option of ${what}; its options are ${names.join(", ")}`,
    );
}

/**
 * Refuse a nested options object (`retry`, `signing`, `hooks`, a mock's key pair: `field` names it)
 * that is not an object, or one of whose keys is another SDK's name for one of its `names`
 * (`retry.maxRetries`, see refuseOtherNames) or misspells one (see checkOptionNames). Absent, it passes.
 * `hint` follows "must be an object" (what turns the option off, say).
 */
export function checkNestedOptions(value: unknown, field: string, names: readonly string[], hint = ""): void {
  if (value === undefined) return;
  if (!isOptions(value)) throw new BceValidationError(field, "type", `must be an object${hint}`);
  const keys = optionNames(value);
  refuseOtherNames(value, keys, `${field}.`);
  checkOptionNames(keys, names, `${field}.`);
}

/** Refuse an option that is given but is not a function. */
export function checkFunction(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function")
    throw new BceValidationError(field, "type", "must be a function");
}

/** Refuse an option that is given but is not a positive integer. */
export function checkPositiveInteger(field: string, value: unknown): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) > 0))
    throw new BceValidationError(field, "range", "must be a positive integer");
}
