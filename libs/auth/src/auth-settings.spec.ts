import { describe, expect, it } from 'vitest';
import { readAuthSettings } from './auth-settings';

describe('security settings', () => {
  it('is open without settings, closed by an admin token, and GENNAKER_AUTH_REQUIRED decides when set', () => {
    expect(readAuthSettings({}).authRequired).toBe(false);
    expect(readAuthSettings({ GENNAKER_ADMIN_TOKEN: 'a-long-admin-token' }).authRequired).toBe(true);
    expect(readAuthSettings({ GENNAKER_ADMIN_TOKEN: 'a-long-admin-token', GENNAKER_AUTH_REQUIRED: 'false' }).authRequired).toBe(false);
    expect(readAuthSettings({ GENNAKER_AUTH_REQUIRED: 'true' }).authRequired).toBe(true);
    expect(() => readAuthSettings({ GENNAKER_AUTH_REQUIRED: 'maybe' })).toThrow(/GENNAKER_AUTH_REQUIRED/);
    expect(() => readAuthSettings({ GENNAKER_ADMIN_TOKEN: 'short' })).toThrow(/at least 12/);
  });

  it('limits CORS to the UI origin by default and checks the origins given', () => {
    expect(readAuthSettings({}).webOrigins).toEqual(['http://127.0.0.1:9000', 'http://localhost:9000']);
    expect(readAuthSettings({ GENNAKER_WEB_ORIGIN: 'https://deploy.example.com/' }).webOrigins).toEqual(['https://deploy.example.com']);
    expect(() => readAuthSettings({ GENNAKER_WEB_ORIGIN: 'https://x.example.com/path' })).toThrow(/not an origin/);
  });

  it('needs client id and secret with an OIDC issuer; groups claim defaults to groups', () => {
    expect(() => readAuthSettings({ GENNAKER_OIDC_ISSUER: 'https://idp' })).toThrow(/CLIENT_ID/);
    expect(readAuthSettings({ GENNAKER_OIDC_ISSUER: 'https://idp', GENNAKER_OIDC_CLIENT_ID: 'c', GENNAKER_OIDC_CLIENT_SECRET: 's' }).oidc).toMatchObject({ groupsClaim: 'groups', allowHttp: false });
  });

  it('reads the webhook allowlist', () => {
    expect(readAuthSettings({ GENNAKER_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, hooks.internal 10.0.0.0/8', GENNAKER_WEBHOOK_REFUSE_PRIVATE: 'true' }).webhookUrls).toEqual({ allow: ['127.0.0.1', 'hooks.internal', '10.0.0.0/8'], refusePrivate: true });
  });
});
