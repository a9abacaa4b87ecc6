import { createHmac, timingSafeEqual } from 'node:crypto';
import { rolesFromClaims, userNameFromClaims, withAdmin, type Principal } from '@gennaker/auth-policy';
import { errorMessage, GennakerError, InputError } from '@gennaker/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AUTH_SETTINGS, type AuthSettings, type OidcSettings } from './auth-settings';
import { unauthorized } from './errors';
import { TokenService } from './token.service';

export const OIDC_COOKIE = 'gk_oidc';
const STATE_TTL_MS = 10 * 60_000;

interface LoginState {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  expires: number;
}

/**
 * OIDC sign-in for the UI (authorization code with PKCE, openid-client): roles come from the groups
 * claim (of the ID token, else of the userinfo answer); the user gets a session token, which the UI
 * uses like any API token. Login state rides in an HMAC-signed, HttpOnly cookie, so any api replica
 * can finish a sign-in another one started.
 */
@Injectable()
export class OidcService {
  private readonly log = new Logger('oidc');
  private config: Promise<oidc.Configuration> | null = null;

  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  get enabled(): boolean {
    return this.settings.oidc !== null;
  }

  private get oidcSettings(): OidcSettings {
    const s = this.settings.oidc;
    if (!s) throw new GennakerError('NOT_FOUND', 'OIDC sign-in is not configured (GENNAKER_OIDC_ISSUER)');
    return s;
  }

  private configuration(): Promise<oidc.Configuration> {
    const s = this.oidcSettings;
    this.config ??= oidc
      .discovery(new URL(s.issuer), s.clientId, s.clientSecret, undefined, s.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((err: unknown) => {
        this.config = null; // try discovery again on the next sign-in
        this.log.error(`OIDC discovery of ${s.issuer} failed: ${errorMessage(err)}`);
        throw new GennakerError('UNAVAILABLE', `the OIDC provider ${s.issuer} cannot be reached; try again`);
      });
    return this.config;
  }

  /** The provider's authorization URL and the signed state cookie to set. */
  async login(redirectUri: string): Promise<{ url: string; cookie: string }> {
    const s = this.oidcSettings;
    const config = await this.configuration();
    const st: LoginState = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), redirectUri, expires: Date.now() + STATE_TTL_MS };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: s.scopes,
      state: st.state,
      nonce: st.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(st.verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.toString(), cookie: this.sign(st) };
  }

  /** Finishes a sign-in: checks state, nonce and PKCE, maps the groups claim to roles, makes a session. */
  async callback(query: URLSearchParams, cookie: string | undefined): Promise<{ principal: Principal; token: string }> {
    const s = this.oidcSettings;
    const st = cookie ? this.verify(cookie) : null;
    if (!st) throw unauthorized('the sign-in expired or was started in another browser; sign in again');
    if (query.get('error')) throw unauthorized(`the identity provider refused the sign-in: ${query.get('error_description') ?? query.get('error')}`);
    if (!query.get('code')) throw new InputError('the callback has no authorization code', [{ pointer: '/code', message: 'required' }]);
    const config = await this.configuration();
    const current = new URL(st.redirectUri);
    current.search = query.toString();
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: st.verifier, expectedState: st.state, expectedNonce: st.nonce, idTokenExpected: true });
      claims = { ...(tokens.claims() ?? {}) };
      if (claims[s.groupsClaim.split('.')[0] ?? s.groupsClaim] === undefined && typeof claims['sub'] === 'string') {
        // Many providers put groups only in the userinfo answer.
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims['sub']);
        claims = { ...info, ...claims };
      }
    } catch (err) {
      this.log.warn(`OIDC sign-in failed: ${errorMessage(err)}`);
      throw unauthorized('the sign-in could not be completed with the identity provider; sign in again');
    }
    const principal = withAdmin({ name: userNameFromClaims(claims), roles: rolesFromClaims(claims, s.groupsClaim), kind: 'session' }, this.settings.adminRoles);
    const token = await this.tokens.createSession(principal.name, principal.roles);
    return { principal, token };
  }

  /** Where the UI is: sign-in sends the user back there. */
  get webOrigin(): string {
    return this.settings.webOrigins[0] ?? 'http://127.0.0.1:9000';
  }

  private key(): Buffer {
    return createHmac('sha256', 'gennaker-oidc-state').update(this.oidcSettings.clientSecret).digest();
  }

  private sign(st: LoginState): string {
    const payload = Buffer.from(JSON.stringify(st)).toString('base64url');
    return `${payload}.${createHmac('sha256', this.key()).update(payload).digest('base64url')}`;
  }

  private verify(cookie: string): LoginState | null {
    const [payload, mac] = cookie.split('.');
    if (!payload || !mac) return null;
    // Compared as text: base64url decoding ignores the spare low bits of the last character, so
    // two spellings of one MAC would both pass a byte comparison.
    const expected = Buffer.from(createHmac('sha256', this.key()).update(payload).digest('base64url'));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const st = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LoginState;
      return typeof st.expires === 'number' && st.expires > Date.now() ? st : null;
    } catch {
      return null;
    }
  }
}
