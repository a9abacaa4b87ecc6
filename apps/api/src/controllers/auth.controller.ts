import { AUTH_SETTINGS, OIDC_COOKIE, OidcService, type AuthSettings } from '@gennaker/auth';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * Sign-in: what the UI should offer (`GET /api/v1/auth`), and OIDC (authorization code with PKCE).
 * The callback sends the browser back to the UI with a session token in the URL fragment (never in
 * a query string: fragments reach no server and no access log).
 */
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(OidcService) private readonly oidc: OidcService,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  @Get()
  info() {
    return { authRequired: this.settings.authRequired, oidc: this.oidc.enabled, loginUrl: this.oidc.enabled ? '/api/v1/auth/oidc/login' : null };
  }

  @Get('oidc/login')
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { url, cookie } = await this.oidc.login(this.redirectUri(req));
    res.setHeader('Set-Cookie', `${OIDC_COOKIE}=${encodeURIComponent(cookie)}; Path=/api/v1/auth; HttpOnly; SameSite=Lax; Max-Age=600${this.secure(req) ? '; Secure' : ''}`);
    res.redirect(302, url);
  }

  @Get('oidc/callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const query = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
    const { token } = await this.oidc.callback(query, cookieOf(req, OIDC_COOKIE));
    res.setHeader('Set-Cookie', `${OIDC_COOKIE}=; Path=/api/v1/auth; HttpOnly; SameSite=Lax; Max-Age=0`);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, `${this.oidc.webOrigin}/sign-in#token=${encodeURIComponent(token)}`);
  }

  private redirectUri(req: Request): string {
    return this.settings.oidc?.redirectUri ?? `${this.secure(req) ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}/api/v1/auth/oidc/callback`;
  }

  private secure(req: Request): boolean {
    return req.protocol === 'https' || (this.settings.oidc?.redirectUri ?? '').startsWith('https:');
  }
}
