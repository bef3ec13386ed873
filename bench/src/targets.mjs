// Issue 14's targets, and how a run's figures are judged against them: one place, so that the
// report's verdicts, the summary's target column and the tests all read the same numbers.
// Sizes are in kB of 1000 bytes.

export const TARGETS = Object.freeze({
  /** Uncached signing: at least this many times the official signer's rate. */
  signingMinVsSdk: 2,
  /** A signed call: at most this many times raw fetch's time. */
  roundTripMaxVsRaw: 1.25,
  /** A signed call: less than this many times the official SDK's time (faster). */
  roundTripBelowVsSdk: 1,
  /** Each client's bundle, gzip -9: at most this many bytes; the aim below it. */
  bundleBudgetBytes: 10_000,
  bundleAimBytes: 8_000,
  /** A fully cached `pnpm build`, in seconds. */
  cachedBuildMaxSeconds: 3,
  /** `pnpm test`, the whole suite, in seconds. */
  suiteMaxSeconds: 120,
});

/**
 * Not a target: the size, gzip -9, past which a change may not grow either client's bundle
 * without raising this number in the same commit (the smoke test checks it), so that what a change
 * adds to every browser that loads a client is a decision, not a drift. Set about 3 % above the
 * bundles' size (bec 19,442 bytes, bcc 19,246) at 20,000; raised to 20,200 by BCC's password rule of
 * three kinds of characters of four, which brought bec to 20,056 bytes and bcc to 19,846 (the
 * policies of both services are in each client's core); raised to 20,300 by header values signed as
 * the bytes sent, secrets hidden in their form-encoded form too, a call's options refused when given
 * to the client and errors' JSON with their message, which brought bec to 20,227 and bcc to 19,976;
 * raised to 20,600 by an error body's message kept without its code, a gateway's UTF-8 error message
 * read as such and a bad header value named with what is wrong, which brought bec to 20,476 and bcc
 * to 20,229; raised to 20,900 by a `raw` path's dot segment before a query refused, a `raw` call's
 * throwing getters named, an abort's answer status and a secret's fully escaped forms (percent and
 * JSON), which brought bec to 20,647 and bcc to 20,388; raised to 21,500 by the error that ends a
 * call after several attempts telling what the earlier ones came to (the service may have acted on
 * one: `requestSent`, an earlier 2xx's `answerStatus`; a copy, a native Error, also of an error answer
 * a middleware rebuilt or threw at) and a `raw` path template's parameters checked for what leaves
 * the base path, which brought bec to 21,285 and bcc to 21,019; raised to 21,800 by a refused
 * request naming what to fix first (the body's shape before the password policy, a missing
 * `keyConfig.type` before the members it chooses, `{ encrypted }` checked before credentials are
 * asked for and named at the key written) and credentials read past a polluted Object.prototype,
 * which brought bec to 21,516 and bcc to 21,260; raised to 22,100 by the caller's abort told as
 * one whatever its reason (another call's error too) and wherever it surfaces (the transport, a
 * middleware, a body read), strings of megabytes refused with typed errors (code points counted in
 * place, a pattern V8 cannot run told as too long), a non-JSON `content-type` in the headers option
 * refused, and an attempt that never left not counted, which brought bec to 21,804 and bcc to 21,541;
 * raised to 22,700 by percent-escapes that are not UTF-8 signed as their bytes, options read as
 * `options.name` reads them (a class's getters, a prototype's, every name checked) but never from
 * any realm's polluted Object.prototype (hooks, signing, logger, retry, a session token included),
 * a caller's misbehaving signal kept from failing an answered call or ending the process, hooks and
 * a call's retry read once, and a `raw` call's refused header named before credentials are asked,
 * which brought bec to 22,471 and bcc to 22,200.
 */
export const BUNDLE_CEILING_BYTES = 22_700;

/** Bytes as kB (1000 bytes). */
export const kiloBytes = (bytes) => bytes / 1000;

/** A signer's rate as a multiple of the SDK's, from the two medians of time per call: more is faster. */
export const rateVsSdk = (oursMedianNs, sdkMedianNs) => sdkMedianNs / oursMedianNs;

/** A path's time as a multiple of another's, from their medians: less is faster. */
export const timeRatio = (medianNs, baseMedianNs) => medianNs / baseMedianNs;

/**
 * A target judged on a ratio's 95 % interval (`ratioInterval`): true when the whole interval meets
 * it, false when none of it does, "inconclusive" when it straddles the target. Without an interval
 * the point figure alone decides.
 * @param {{ low: number, high: number }} interval
 * @param {(ratio: number) => boolean} meets
 * @returns {true | false | "inconclusive"}
 */
export function verdict(interval, meets) {
  const low = meets(interval.low);
  const high = meets(interval.high);
  return low && high ? true : !low && !high ? false : "inconclusive";
}

const point = (ratio) => ({ low: ratio, high: ratio });

export function judgeSigning(uncachedVsSdk, interval = point(uncachedVsSdk)) {
  return { met: verdict(interval, (r) => r >= TARGETS.signingMinVsSdk) };
}

export function judgeRoundTrip(vsRaw, vsSdk, intervals = {}) {
  const withinRaw = verdict(intervals.vsRaw ?? point(vsRaw), (r) => r <= TARGETS.roundTripMaxVsRaw);
  const fasterThanSdk = verdict(intervals.vsSdk ?? point(vsSdk), (r) => r < TARGETS.roundTripBelowVsSdk);
  const met =
    withinRaw === true && fasterThanSdk === true ? true : !withinRaw || !fasterThanSdk ? false : "inconclusive";
  return { withinRaw, fasterThanSdk, met };
}

export function judgeBundle(gzipBytes) {
  return { underBudget: gzipBytes <= TARGETS.bundleBudgetBytes, underAim: gzipBytes <= TARGETS.bundleAimBytes };
}

/** `cached` and `suite` are the steps' { seconds, ok }, `suite` null when the suite was not run. */
export function judgeBuildTime(cached, suite) {
  return {
    cachedMet: cached.ok && cached.seconds <= TARGETS.cachedBuildMaxSeconds,
    suiteMet: suite ? suite.ok && suite.seconds <= TARGETS.suiteMaxSeconds : null,
  };
}
