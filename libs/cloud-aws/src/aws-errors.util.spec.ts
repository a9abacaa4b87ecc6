import { GennakerError, InputError, TransientError, isRetryable } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import { isAlreadyExists, isNotFound, isThrottlingError, toGennakerError } from './aws-errors.util';

function awsError(name: string, status: number, message = 'm'): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}
const where = { operation: 'CreateAutoScalingGroup', account: 'prod', region: 'us-east-1' };

describe('toGennakerError', () => {
  it('makes throttling, 5xx and network faults transient (retried by the engine)', () => {
    for (const err of [awsError('Throttling', 400), awsError('RequestLimitExceeded', 503), awsError('Whatever', 429), awsError('InternalError', 500), Object.assign(new Error('x'), { code: 'ECONNRESET' })]) {
      const mapped = toGennakerError(err, where);
      expect(mapped).toBeInstanceOf(TransientError);
      expect(isRetryable(mapped)).toBe(true);
    }
    expect(toGennakerError(awsError('Throttling', 400), where).message).toContain('throttled');
  });

  it('makes refused input an InputError naming the field when the caller knows it', () => {
    const mapped = toGennakerError(awsError('InvalidAMIID.NotFound', 400, 'The image id does not exist'), where, { InvalidAMIID: '/image/id' });
    expect(mapped).toBeInstanceOf(InputError);
    expect((mapped as InputError).details).toEqual([{ pointer: '/image/id', message: 'InvalidAMIID.NotFound: The image id does not exist' }]);
    expect(isRetryable(mapped)).toBe(false);
    expect(toGennakerError(awsError('ValidationError', 400), where)).toBeInstanceOf(InputError);
  });

  it('fails at once on missing permissions, and says where', () => {
    const mapped = toGennakerError(awsError('AccessDenied', 403, 'no'), where);
    expect(mapped).toBeInstanceOf(GennakerError);
    expect(isRetryable(mapped)).toBe(false);
    expect(mapped.message).toBe('CreateAutoScalingGroup in prod/us-east-1 failed: AccessDenied: no');
  });

  it('classifies not-found and already-exists answers', () => {
    expect(isNotFound(awsError('InvalidLaunchTemplateName.NotFoundException', 400))).toBe(true);
    expect(isNotFound(awsError('ValidationError', 400, 'AutoScalingGroup name not found - x'))).toBe(true);
    expect(isNotFound(awsError('ValidationError', 400, 'min > max'))).toBe(false);
    expect(isAlreadyExists(awsError('AlreadyExists', 400))).toBe(true);
    expect(isAlreadyExists(awsError('InvalidLaunchTemplateName.AlreadyExistsException', 400))).toBe(true);
    expect(isThrottlingError(awsError('Throttling', 400))).toBe(true);
  });
});
