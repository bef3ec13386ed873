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

/** Bytes as kB (1000 bytes). */
export const kiloBytes = (bytes) => bytes / 1000;

/** A signer's rate as a multiple of the SDK's, from the two medians of time per call: more is faster. */
export const rateVsSdk = (oursMedianNs, sdkMedianNs) => sdkMedianNs / oursMedianNs;

/** A path's time as a multiple of another's, from their medians: less is faster. */
export const timeRatio = (medianNs, baseMedianNs) => medianNs / baseMedianNs;

export function judgeSigning(uncachedVsSdk) {
  return { met: uncachedVsSdk >= TARGETS.signingMinVsSdk };
}

export function judgeRoundTrip(vsRaw, vsSdk) {
  const withinRaw = vsRaw <= TARGETS.roundTripMaxVsRaw;
  const fasterThanSdk = vsSdk < TARGETS.roundTripBelowVsSdk;
  return { withinRaw, fasterThanSdk, met: withinRaw && fasterThanSdk };
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
