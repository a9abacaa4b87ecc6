import { describe, expect, it } from 'vitest';
import { knownSecrets, redactForApi, redactForLog, registerSecretsOf, registerSecretSettings } from './known-secrets';

describe('known secrets', () => {
  it('registers secret settings, URL passwords and secret-keyed account fields, and scrubs them', () => {
    registerSecretSettings({ GENNAKER_ADMIN_TOKEN: 'admin-token-abcdef', DATABASE_URL: 'postgres://u:db-pass-123@h/db', GENNAKER_WEBHOOK_SECRET: 'short' });
    registerSecretsOf({ name: 'prod', assumeRole: { roleArn: 'arn:aws:iam::1:role/x', externalId: 'ext-id-98765' } });
    expect(knownSecrets()).toEqual(expect.arrayContaining(['admin-token-abcdef', 'db-pass-123', 'ext-id-98765']));
    expect(knownSecrets()).not.toContain('short');
    expect(knownSecrets()).not.toContain('arn:aws:iam::1:role/x');
    expect(redactForApi({ message: 'assume role with ext-id-98765 failed', credentials: 'prod' })).toEqual({ message: 'assume role with ******** failed', credentials: 'prod' });
    expect(redactForLog('connecting to postgres://u:db-pass-123@h/db')).not.toContain('db-pass-123');
  });
});
