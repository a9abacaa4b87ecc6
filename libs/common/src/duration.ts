/** Exponential backoff with a cap: attempt 0 -> base, 1 -> 2*base, ... */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
}
