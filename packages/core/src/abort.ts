// Waiting on an AbortSignal: every listener the clients put on a signal, the caller's or their own.
import { makeRoomForListeners } from "#platform";
import { aborted, reasonOf } from "./errors.js";

/**
 * `promise`, or a rejection with `signal`'s reason once it aborts: for a wait on code that does not
 * heed the signal itself (a caller's fetch, a credentials provider).
 */
export function heed<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    // Stops listening once settled: a long-lived signal must not gather a listener per wait.
    promise.then(resolve, reject).finally(onAbort(signal, () => reject(reasonOf(signal))));
  });
}

/**
 * Call `stop` once `signal` aborts, or at once when it has aborted already (the caller's abort,
 * during a hook or the signing: an event would never come). Returns what stops listening.
 */
export function onAbort(signal: AbortSignal | undefined, stop: () => void): () => void {
  let now: boolean;
  try {
    now = signal?.aborted === true;
    if (signal && !now) {
      // Every listener the clients put on a signal is put here: calls that share one (a controller
      // for a page's requests) may be more than Node's default of 10 at once.
      makeRoomForListeners(signal);
      signal.addEventListener("abort", stop, { once: true });
    }
  } catch {
    // A caller's signal whose `aborted` or addEventListener throws: one that cannot be listened to,
    // as if there were none (never an error thrown where a timer is being set).
    return () => {};
  }
  if (now) stop();
  // (A caller's signal whose removeEventListener throws leaves the listener, never fails a call the service answered.)
  return () => {
    try {
      signal?.removeEventListener("abort", stop);
    } catch {}
  };
}

/**
 * `promise`, or a rejection once `signal` aborts (with BceAbortError) or `timeoutMs` passes (with
 * what `late` makes), whichever comes first: for a wait on code of the caller's (a hook, a retry
 * policy, a credentials provider). The listener and the timer go once it settles.
 */
export function within<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
  late: () => Error,
): Promise<T> {
  const stop = new AbortController();
  const unlisten = onAbort(signal, () => stop.abort(aborted(signal!)));
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => stop.abort(late()), timeoutMs);
  return heed(promise, stop.signal).finally(() => {
    clearTimeout(timer);
    unlisten();
  });
}

/**
 * What `run` resolves with, or, once `signal` has aborted and that has still not settled, a
 * rejection: for a wait on our own code, which heeds the signal, around code of the caller's that
 * may not (an openapi-fetch middleware that never settles). `abort` runs at once on the abort,
 * before `run` when the signal has aborted already (a signal of our own that follows the
 * caller's). The rejection waits for what `pending` gives (an attempt of ours in flight, which
 * ends on the signal with an error that says more), then a macrotask more, and is `error()` if
 * that gives one, else BceAbortError; so is a rejection of `run` with the signal's reason.
 */
export function settleOnAbort<T>(
  run: () => Promise<T>,
  signal: AbortSignal,
  {
    abort,
    pending,
    error,
  }: { abort?: () => void; pending?: () => Promise<unknown> | undefined; error?: () => Error | undefined } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let late: ReturnType<typeof setTimeout> | undefined;
    const unlisten = onAbort(signal, () => {
      abort?.();
      void Promise.resolve(pending?.()).then(() => {
        if (!settled) late = setTimeout(() => reject(error?.() ?? aborted(signal)), 0);
      });
    });
    // Stops listening before the caller goes on: a long-lived signal must not gather a listener per call.
    const settle = () => {
      settled = true;
      unlisten();
      clearTimeout(late);
    };
    run().then(
      (value) => {
        settle();
        resolve(value);
      },
      (failure: unknown) => {
        settle();
        // The signal's reason passed on (a middleware's fetch given the signal): the abort, whatever
        // the reason is (another call's BceError too), not an error of this call's.
        reject(abortedWith(signal, failure) ? (error?.() ?? aborted(signal)) : failure);
      },
    );
  });
}

/** Whether `signal` has aborted with `failure` as its reason (false for a caller's signal whose getters throw). */
function abortedWith(signal: AbortSignal, failure: unknown): boolean {
  try {
    return signal.aborted && failure === reasonOf(signal);
  } catch {
    return false;
  }
}
