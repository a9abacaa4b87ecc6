/** Polls `check` until it returns a truthy value (returned) or the time runs out (throws). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string | (() => string) } = {},
): Promise<NonNullable<T>> {
  const timeout = options.timeoutMs ?? 30_000;
  const interval = options.intervalMs ?? 50;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const msg = typeof options.message === 'function' ? options.message() : options.message;
      throw new Error(`timed out after ${timeout} ms waiting for ${msg ?? 'a condition'}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
