import { ApiError } from "../../../shared/errors.js";

export interface RetryPolicy {
  /** total attempts, the first included */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 4000 };

/** Exponential backoff with full jitter; attempt 1 is the first retry. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ApiError("cancelled", "The call was cancelled."));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new ApiError("cancelled", "The call was cancelled."));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Whether a failed attempt of a call that is safe to repeat should be tried again. */
export function shouldRetry(e: unknown, attempt: number, policy: RetryPolicy, signal?: AbortSignal): boolean {
  return e instanceof ApiError && e.retryable && attempt < policy.attempts && !signal?.aborted;
}

