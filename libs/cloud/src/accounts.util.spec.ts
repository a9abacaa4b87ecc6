import { InputError } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import { parseAccounts, publicAccount } from './accounts.util';

function errorsOf(doc: unknown): Array<{ pointer: string; message: string }> {
  try {
    parseAccounts(doc);
  } catch (err) {
    if (err instanceof InputError) return err.details;
    throw err;
  }
  return [];
}

describe('parseAccounts', () => {
  it('always has the built-in local account unless the file redefines it', () => {
    expect(parseAccounts(undefined)).toEqual([{ name: 'local', provider: 'local', regions: ['local'], environment: 'test' }]);
    const own = parseAccounts({ accounts: [{ name: 'local', provider: 'local', regions: ['local'], environment: 'dev', defaults: { basePort: 9000 } }] });
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ environment: 'dev', defaults: { basePort: 9000 } });
  });

  it('keeps provider-specific keys for the provider', () => {
    const [local, prod] = parseAccounts([{ name: 'prod', provider: 'aws', environment: 'prod', regions: ['us-east-1'], assumeRole: 'arn:aws:iam::1:role/x', endpoint: 'http://moto' }]);
    expect(local?.name).toBe('local');
    expect(prod).toMatchObject({ name: 'prod', provider: 'aws', assumeRole: 'arn:aws:iam::1:role/x', endpoint: 'http://moto' });
  });

  it('reports every bad field with its pointer', () => {
    expect(
      errorsOf({
        accounts: [
          { name: 'a', provider: 'gcp', regions: ['x'] },
          { name: 'b', provider: 'aws', regions: [] },
          { name: 'a', provider: 'aws', regions: ['US EAST'], permissions: { EXECUTE: ['x'] } },
          'nope',
        ],
      }).map((e) => e.pointer),
    ).toEqual(['/accounts/0/provider', '/accounts/1/regions', '/accounts/2/name', '/accounts/2/regions/0', '/accounts/2/permissions/EXECUTE', '/accounts/3']);
    expect(errorsOf('text')[0]?.pointer).toBe('');
    expect(errorsOf({ accounts: {} })[0]?.pointer).toBe('/accounts');
  });

  it('never shows provider-specific keys (credentials) publicly', () => {
    const [, prod] = parseAccounts([{ name: 'prod', provider: 'aws', regions: ['us-east-1'], secretAccessKey: 's3cr3t' }]);
    expect(JSON.stringify(publicAccount(prod!))).not.toContain('s3cr3t');
    expect(publicAccount(prod!)).toEqual({ name: 'prod', provider: 'aws', regions: ['us-east-1'], environment: 'test', permissions: {} });
  });
});
