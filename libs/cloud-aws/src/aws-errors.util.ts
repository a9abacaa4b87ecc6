import { GennakerError, InputError, TransientError, errorMessage } from '@gennaker/common';

/** The error code AWS answered with (`name` in SDK v3), or the Node error code for network faults. */
export function awsErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Unknown';
  const e = err as { name?: unknown; Code?: unknown; code?: unknown };
  if (typeof e.Code === 'string') return e.Code;
  if (typeof e.code === 'string' && e.code.startsWith('E')) return e.code;
  return typeof e.name === 'string' ? e.name : 'Unknown';
}

export function httpStatusOf(err: unknown): number | undefined {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

const THROTTLING = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
  'ProvisionedThroughputExceededException', 'TransactionInProgressException', 'RequestLimitExceeded',
  'BandwidthLimitExceeded', 'LimitExceededException', 'RequestThrottled', 'SlowDown', 'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const TRANSIENT = new Set([
  'InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable', 'RequestTimeout', 'RequestTimeoutException',
  'TimeoutError', 'ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'IDPCommunicationError',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND',
  // Auto Scaling answers these while another change to the group is in flight.
  'ResourceContention', 'ScalingActivityInProgress',
]);
const FORBIDDEN = new Set([
  'AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthFailure', 'InvalidClientTokenId',
  'SignatureDoesNotMatch', 'OptInRequired', 'UnrecognizedClientException', 'CredentialsProviderError',
]);

export function isThrottlingError(err: unknown): boolean {
  return THROTTLING.has(awsErrorCode(err)) || httpStatusOf(err) === 429;
}

/**
 * Input errors AWS reports, by code prefix, mapped to the field that caused them (a JSON pointer
 * into whatever the caller validated: a server group spec, a bake request).
 */
export type InputHints = Record<string, string>;

/**
 * Classifies a failed call after the SDK's own retries: throttling, 5xx and network faults become
 * TransientError (the engine retries the task with backoff); AWS refusing our input becomes
 * InputError naming the field when the caller said which one; missing permissions fail at once.
 */
export function toGennakerError(err: unknown, where: { operation: string; account: string; region: string }, hints: InputHints = {}): Error {
  if (err instanceof GennakerError) return err;
  const code = awsErrorCode(err);
  const status = httpStatusOf(err);
  const message = `${where.operation} in ${where.account}/${where.region} failed: ${code}: ${errorMessage(err)}`;
  if (isThrottlingError(err)) return new TransientError(`${message} (throttled; retries exhausted)`, err);
  if (TRANSIENT.has(code) || (status !== undefined && status >= 500)) return new TransientError(message, err);
  if (FORBIDDEN.has(code) || status === 403) return new GennakerError('FORBIDDEN', message, [], false);
  for (const [prefix, pointer] of Object.entries(hints)) {
    if (code === prefix || code.startsWith(`${prefix}.`)) return new InputError(message, [{ pointer, message: `${code}: ${errorMessage(err)}` }]);
  }
  if (code.startsWith('Invalid') || code === 'ValidationError' || code === 'MissingParameter') {
    return new InputError(message, [{ pointer: '', message: `${code}: ${errorMessage(err)}` }]);
  }
  // Anything else (an SDK bug, an unexpected answer) is retried a bounded number of times by the engine.
  const wrapped = new Error(message);
  (wrapped as Error & { cause?: unknown }).cause = err;
  return wrapped;
}

/** True when the error says the named thing does not exist (so a delete or a lookup is done). */
export function isNotFound(err: unknown): boolean {
  const code = awsErrorCode(err);
  if (code.endsWith('NotFound') || code.endsWith('NotFoundException') || code.endsWith('.NotFound')) return true;
  if (code === 'InvalidLaunchTemplateName.NotFoundException' || code === 'InvalidLaunchTemplateId.NotFound') return true;
  const message = errorMessage(err);
  return code === 'ValidationError' && /not found|does not exist|No .* found/i.test(message);
}

export function isAlreadyExists(err: unknown): boolean {
  const code = awsErrorCode(err);
  return code === 'AlreadyExists' || code === 'AlreadyExistsFault' || code.endsWith('AlreadyExistsException') || code === 'InvalidAMIName.Duplicate';
}

/** Runs one SDK call and classifies its failure (see toGennakerError). */
export async function awsCall<T>(where: { account: { name: string }; region: string }, operation: string, fn: () => Promise<T>, hints?: InputHints): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toGennakerError(err, { operation, account: where.account.name, region: where.region }, hints);
  }
}

/**
 * Like awsCall, but an answer `tolerate` accepts (not found on a delete, already exists on a
 * create retried after a crash) resolves to undefined instead of failing.
 */
export async function awsCallTolerating<T>(
  where: { account: { name: string }; region: string },
  operation: string,
  fn: () => Promise<T>,
  tolerate: (err: unknown) => boolean,
  hints?: InputHints,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (tolerate(err)) return undefined;
    throw toGennakerError(err, { operation, account: where.account.name, region: where.region }, hints);
  }
}
