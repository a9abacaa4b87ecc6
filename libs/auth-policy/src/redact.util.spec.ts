import { describe, expect, it } from 'vitest';
import { isSecretKey, REDACTED, redactSecrets, restoreRedacted, scrubText } from './redact.util';

describe('redaction', () => {
  it.each(['password', 'dbPassword', 'secret', 'clientSecret', 'token', 'accessToken', 'apiKey', 'x-api-key', 'externalId', 'external_id', 'Authorization', 'Cookie', 'privateKey', 'credential', 'smtpPass', 'db_pass', 'passwd'])('%s is a secret key', (k) => {
    expect(isSecretKey(k)).toBe(true);
  });
  it.each(['credentials', 'account', 'url', 'name', 'judgmentInput', 'cluster', 'idempotency-key', 'pass', 'marginal'])('%s is not', (k) => {
    expect(isSecretKey(k)).toBe(false);
  });

  it('masks secret-keyed values deep inside stage contexts, leaving the rest', () => {
    const ctx = { url: 'https://hooks', customHeaders: { Authorization: 'Bearer abc123xyz', Accept: 'json' }, credentials: 'prod', nested: [{ apiKey: 'k' }], token: '' };
    expect(redactSecrets(ctx)).toEqual({ url: 'https://hooks', customHeaders: { Authorization: REDACTED, Accept: 'json' }, credentials: 'prod', nested: [{ apiKey: REDACTED }], token: '' });
    expect(ctx.customHeaders.Authorization).toBe('Bearer abc123xyz');
  });

  it('scrubs known secret values and token shapes from text', () => {
    const line = 'calling https://x/?token=abc&x=1 with Bearer eyJhbGciOi.x.y and gk_abcdefghijklmnopqrstuvwxyz and the key s3cr3t-value';
    const out = scrubText(line, ['s3cr3t-value']);
    expect(out).not.toContain('abc&');
    expect(out).not.toContain('eyJhbGciOi');
    expect(out).not.toContain('gk_abcdefghijklmnop');
    expect(out).not.toContain('s3cr3t-value');
    expect(out).toContain('x=1');
    expect(redactSecrets({ msg: 'has s3cr3t-value inside' }, ['s3cr3t-value'])).toEqual({ msg: `has ${REDACTED} inside` });
  });

  it('keeps a stored secret when the mask comes back, matching stages by refId', () => {
    const prev = { stages: [{ refId: 'a', customHeaders: { Authorization: 'Bearer old' } }, { refId: 'b', password: 'p' }] };
    const next = { stages: [{ refId: 'b', password: REDACTED }, { refId: 'a', customHeaders: { Authorization: REDACTED } }, { refId: 'c', token: REDACTED }] };
    expect(restoreRedacted(next, prev)).toEqual({ stages: [{ refId: 'b', password: 'p' }, { refId: 'a', customHeaders: { Authorization: 'Bearer old' } }, { refId: 'c' }] });
  });
});
