// `#platform` for browser bundles (a bundler's "browser" condition) and runtimes that resolve
// neither `browser` nor `node` (edge runtimes): the page keeps its own User-Agent, there are no
// environment variables, requests go by fetch, and a failed fetch is a TypeError that names no
// system error. See types.ts.
export const PLATFORM = "browser";

export function runtimeAgent(): string | undefined {
  return undefined;
}

export function environmentCredentials(): undefined {
  return undefined;
}

export const NO_CREDENTIALS =
  "no credentials: pass { credentials } to the client (a browser has no environment variables)";

export function networkFailure(_error?: unknown): { errorCode: string; notConnected: boolean } {
  return { errorCode: "", notConnected: false };
}

/** No system error codes here (see networkFailure): no answer is known for one a parser refused. */
export function unparsableAnswer(_errorCode: string, _host: string): undefined {}

/** No answer is known here for one a parser refused (unparsableAnswer): nothing to take out. */
export const withoutBytes = (error: unknown): unknown => error;

/** No system error codes here (see networkFailure): no failure is known for a content coding. */
export function badCoding(_error: unknown, _response: Response): undefined {}

/** Browsers send with fetch. */
export const httpSend = undefined;

/** Browsers set no limit on a signal's listeners. */
export function makeRoomForListeners(_signal: AbortSignal): void {}
