/** One problem with one field of an input, located by an RFC 6901 JSON pointer. */
export interface ErrorDetail {
  pointer: string;
  message: string;
}

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/**
 * Base of every error we raise on purpose. `retryable` tells the engine whether a task that threw it
 * may be tried again: bad input never is, a timeout or a throttled call is.
 */
export class GennakerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly retryable = false,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: never retried; the API answers 400 with the pointers. */
export class InputError extends GennakerError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('VALIDATION_FAILED', message, details, false);
  }
}

export class NotFoundError extends GennakerError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class ConflictError extends GennakerError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('CONFLICT', message, details);
  }
}

/** A fault worth retrying with backoff: a timeout, a throttled or unavailable remote end. */
export class TransientError extends GennakerError {
  constructor(message: string, override readonly cause?: unknown) {
    super('UNAVAILABLE', message, [], true);
  }
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof GennakerError) return err.retryable;
  // Unknown errors (a driver's ECONNRESET, a bug) are retried a bounded number of times by the
  // engine; only errors that say they are bad input fail at once.
  return true;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
