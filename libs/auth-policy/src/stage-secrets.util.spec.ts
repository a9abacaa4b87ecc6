import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets, restoreRedacted } from './redact.util';
import { hasSealedSecrets, revealSecret, revealStageSecrets, sealNotificationAddresses, sealStageSecrets, type SecretCipher } from './stage-secrets.util';

const box: SecretCipher = {
  encrypt: (p) => ({ encrypted: `v1:${Buffer.from(p).toString('base64')}` }),
  reveal: (s) => (typeof s === 'object' && s !== null && typeof (s as { encrypted?: unknown }).encrypted === 'string' ? Buffer.from((s as { encrypted: string }).encrypted.slice(3), 'base64').toString() : null),
};

describe('stage secrets at rest', () => {
  const stages = [{ refId: '1', type: 'webhook', url: 'https://x', customHeaders: { Authorization: 'Bearer s3cret', Accept: 'json', 'X-Token': '${trigger.token}' }, credentials: 'prod' }];

  it('encrypts secret-keyed values only, leaving expressions and account names', () => {
    const sealed = sealStageSecrets(stages, box) as any[];
    expect(sealed[0].customHeaders.Authorization).toMatch(/^gk-secret:v1:/);
    expect(JSON.stringify(sealed)).not.toContain('s3cret');
    expect(sealed[0].customHeaders['X-Token']).toBe('${trigger.token}');
    expect(sealed[0].credentials).toBe('prod');
    expect(sealed[0].customHeaders.Accept).toBe('json');
    expect(hasSealedSecrets(sealed[0])).toBe(true);
    expect(hasSealedSecrets(stages[0])).toBe(false);
    // Sealing twice does not wrap twice.
    expect(sealStageSecrets(sealed, box)).toEqual(sealed);
  });

  it('reveals them for the task', () => {
    expect(revealStageSecrets(sealStageSecrets(stages, box), box)).toEqual(stages);
  });

  it('encrypts notification addresses that are URLs; the API masks them and a masked one sent back keeps it', () => {
    const doc = { notifications: [{ type: 'slack', address: 'https://hooks.slack.com/services/T/B/XYZ' }, { type: 'email', address: 'a@b.c' }], stages: [{ refId: '1', notifications: [{ type: 'webhook', address: 'http://hooks/x?token=1' }] }] };
    const sealed = sealNotificationAddresses(doc, box) as any;
    expect(JSON.stringify(sealed)).not.toContain('XYZ');
    expect(sealed.notifications[1].address).toBe('a@b.c');
    expect(revealSecret(sealed.notifications[0].address, box)).toBe('https://hooks.slack.com/services/T/B/XYZ');
    expect(revealSecret('a@b.c', box)).toBe('a@b.c');
    const shown = redactSecrets(sealed) as any;
    expect(shown.notifications[0].address).toBe(REDACTED);
    expect(shown.stages[0].notifications[0].address).toBe(REDACTED);
    expect(restoreRedacted(shown, sealed)).toEqual(sealed);
  });
});
