import { InputError } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import { parseAwsAccounts } from './aws-account.util';

function errorsOf(entries: unknown[], pointers?: string[]) {
  try {
    parseAwsAccounts(entries, pointers);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).details;
  }
  throw new Error('expected an InputError');
}

describe('parseAwsAccounts', () => {
  it('reads an account with assume-role, endpoint and defaults, filling what is optional', () => {
    const [a] = parseAwsAccounts([
      {
        name: 'prod',
        provider: 'aws',
        environment: 'prod',
        regions: ['us-east-1', { name: 'eu-west-1' }],
        accountId: '123456789012',
        endpoint: 'http://127.0.0.1:5055',
        assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/gennaker', externalId: 'ext-123' },
        defaults: { subnetType: 'internal', securityGroups: ['sg-1'], keyPair: 'kp', iamInstanceProfile: 'app-profile' },
        permissions: { WRITE: ['team'] },
      },
    ]);
    expect(a).toEqual({
      name: 'prod',
      environment: 'prod',
      regions: ['us-east-1', 'eu-west-1'],
      accountId: '123456789012',
      endpoint: 'http://127.0.0.1:5055',
      assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/gennaker', externalId: 'ext-123', sessionName: 'gennaker-prod', durationSeconds: 3600 },
      permissions: { WRITE: ['team'] },
      defaults: { subnetType: 'internal', securityGroups: ['sg-1'], keyPair: 'kp', iamInstanceProfile: 'app-profile' },
      subnetTypeTag: 'immutable_metadata',
      rateLimit: { perSecond: 20, burst: 40 },
      maxAttempts: 8,
    });
    expect(parseAwsAccounts([{ name: 'test', regions: ['us-west-2'] }])[0]).toMatchObject({ environment: 'test', defaults: {} });
  });

  it('names every bad field by its pointer in the accounts file', () => {
    const details = errorsOf(
      [
        { name: 'ok', regions: ['us-east-1'] },
        { name: 'x', regions: ['us-east-1'], assumeRole: { roleArn: 'role/admin', externalId: 'x', durationSeconds: 60 } },
        { name: 'bad name!', regions: [], endpoint: 'ftp://x', rateLimit: { perSecond: 0 }, maxAttempts: 0, assumeRolee: {} },
        { name: 'ok', regions: ['us-east-1', 'us-east-1', 'Mars'], defaults: { keyPair: 3, nope: 1 } },
      ],
      ['/accounts/1', '/accounts/2', '/accounts/4', '/accounts/5'],
    );
    expect(details.map((d) => d.pointer).sort()).toEqual(
      [
        '/accounts/2/assumeRole/roleArn',
        '/accounts/2/assumeRole/externalId',
        '/accounts/2/assumeRole/durationSeconds',
        '/accounts/4/name',
        '/accounts/4/regions',
        '/accounts/4/endpoint',
        '/accounts/4/rateLimit/perSecond',
        '/accounts/4/maxAttempts',
        '/accounts/4/assumeRolee',
        '/accounts/5/regions/1',
        '/accounts/5/regions/2',
        '/accounts/5/defaults/keyPair',
        '/accounts/5/defaults/nope',
      ].sort(),
    );
    // Default pointers count entries from /accounts/0.
    expect(errorsOf([{ name: 'a', regions: ['us-east-1'] }, { name: 'a', regions: ['us-east-1'] }]).map((d) => d.pointer)).toEqual(['/accounts/1/name']);
  });

  it('never repeats a secret in its errors', () => {
    const secret = 'ext id with spaces is invalid';
    const details = errorsOf([{ name: 'p', regions: ['us-east-1'], assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/r', externalId: secret } }]);
    expect(JSON.stringify(details)).not.toContain(secret);
    expect(details[0]?.pointer).toBe('/accounts/0/assumeRole/externalId');
  });

  it('refuses credentials in the endpoint', () => {
    expect(errorsOf([{ name: 'p', regions: ['us-east-1'], endpoint: 'http://key:secret@127.0.0.1:5055' }]).map((d) => d.pointer)).toEqual(['/accounts/0/endpoint']);
  });
});
