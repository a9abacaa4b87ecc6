import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyDigest, constantTimeEqual, deliveryIdOf, signSha256, verifiedSecrets } from './signature.util';

const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', héllo: 'wörld' }));
const hmac = (secret: string, b: Uint8Array) => `sha256=${createHmac('sha256', secret).update(b).digest('hex')}`;

describe('GitHub X-Hub-Signature-256', () => {
  it('accepts the HMAC SHA-256 of the exact bytes with the right secret, and says which secrets verify', async () => {
    const r = await verifiedSecrets('github', { 'x-hub-signature-256': hmac('s3cret', body) }, body, ['other', 's3cret']);
    expect(r.result).toBe('valid');
    expect([...r.secrets]).toEqual(['s3cret']);
  });
  it('refuses one changed byte, a wrong secret, SHA-1 signatures and garbage', async () => {
    const changed = Buffer.from(body);
    changed[5] = changed[5]! ^ 1;
    expect((await verifiedSecrets('github', { 'x-hub-signature-256': hmac('s3cret', body) }, changed, ['s3cret'])).result).toBe('invalid');
    expect((await verifiedSecrets('github', { 'x-hub-signature-256': hmac('nope', body) }, body, ['s3cret'])).result).toBe('invalid');
    const sha1 = `sha1=${createHmac('sha1', 's3cret').update(body).digest('hex')}`;
    expect((await verifiedSecrets('github', { 'x-hub-signature-256': sha1 }, body, ['s3cret'])).result).toBe('invalid');
    expect((await verifiedSecrets('github', { 'x-hub-signature-256': 'sha256=zz' }, body, ['s3cret'])).result).toBe('invalid');
  });
  it('reports a missing signature, and only the SHA-256 header counts', async () => {
    expect((await verifiedSecrets('github', {}, body, ['s3cret'])).result).toBe('missing');
    expect((await verifiedSecrets('github', { 'x-hub-signature': hmac('s3cret', body) }, body, ['s3cret'])).result).toBe('missing');
  });
  it('refuses bytes that are not UTF-8 (GitHub signs JSON text)', async () => {
    const bad = Buffer.from([0x7b, 0xff, 0x7d]);
    expect((await verifiedSecrets('github', { 'x-hub-signature-256': hmac('s', bad) }, bad, ['s'])).result).toBe('invalid');
  });
  it('signSha256 is what GitHub sends', () => {
    expect(signSha256('s3cret', body)).toBe(hmac('s3cret', body));
  });
});

describe('Bitbucket X-Hub-Signature (sha256)', () => {
  it('verifies the same scheme under its own header', async () => {
    expect((await verifiedSecrets('bitbucket', { 'x-hub-signature': hmac('bb', body) }, body, ['bb'])).result).toBe('valid');
    expect((await verifiedSecrets('bitbucket', { 'x-hub-signature-256': hmac('bb', body) }, body, ['bb'])).result).toBe('missing');
    expect((await verifiedSecrets('bitbucket', { 'x-hub-signature': hmac('bb', Buffer.from('x')) }, body, ['bb'])).result).toBe('invalid');
  });
});

describe('GitLab X-Gitlab-Token', () => {
  it('compares the token with each secret', async () => {
    expect((await verifiedSecrets('gitlab', { 'x-gitlab-token': 'tok' }, body, ['a', 'tok'])).secrets).toEqual(new Set(['tok']));
    expect((await verifiedSecrets('gitlab', { 'x-gitlab-token': 'tok2' }, body, ['tok'])).result).toBe('invalid');
    expect((await verifiedSecrets('gitlab', { 'x-gitlab-token': 'to' }, body, ['tok'])).result).toBe('invalid');
    expect((await verifiedSecrets('gitlab', {}, body, ['tok'])).result).toBe('missing');
  });
  it('constantTimeEqual is plain equality', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('delivery ids', () => {
  it('reads each host header and falls back to a digest of the body', () => {
    expect(deliveryIdOf('github', { 'x-github-delivery': 'g-1' }, body)).toBe('g-1');
    expect(deliveryIdOf('gitlab', { 'x-gitlab-event-uuid': 'l-1' }, body)).toBe('l-1');
    expect(deliveryIdOf('bitbucket', { 'x-request-uuid': 'b-1' }, body)).toBe('b-1');
    expect(deliveryIdOf('github', {}, body)).toBe(bodyDigest(body));
    expect(bodyDigest(body)).not.toBe(bodyDigest(Buffer.from('{}')));
  });
});
