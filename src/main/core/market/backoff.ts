// Exponential backoff with full jitter, shared by the REST client and the websocket reconnect loop.
// Full jitter (a uniform wait in [0, cap]) spreads retries of many clients apart; the cap doubles per
// attempt up to `maxMs`, so a failing exchange sees fewer and fewer requests, never a storm.

export interface BackoffPolicy {
  /** Cap of the first wait, in ms. */
  baseMs: number;
  /** Largest cap, in ms. */
  maxMs: number;
}

/** The cap of the wait before retry number `attempt` (0-based): min(maxMs, baseMs * 2^attempt). */
export function backoffCap(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(0, attempt), 30);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}

/** A wait in [0, cap] for retry number `attempt`; `random` returns [0, 1). */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  return Math.round(backoffCap(attempt, policy) * clamp01(random()));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Resolves after `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(): Error {
  const err = new Error('The operation was aborted.');
  err.name = 'AbortError';
  return err;
}
