import { GennakerError, type ErrorDetail } from '@gennaker/common';
import type { Principal } from '@gennaker/auth-policy';

export const unauthorized = (message: string): GennakerError => new GennakerError('UNAUTHORIZED', message);
export const forbidden = (message: string, details: ErrorDetail[] = []): GennakerError => new GennakerError('FORBIDDEN', message, details);

/** A refusal: 401 for an anonymous caller (signing in may help), 403 for a known one. */
export function denied(principal: Principal, message: string, details: ErrorDetail[] = []): GennakerError {
  return principal.kind === 'anonymous' ? unauthorized(`${message}; sign in with a token (Authorization: Bearer <token>)`) : forbidden(message, details);
}
