import { timingSafeEqual } from 'node:crypto';
import { GennakerError } from '@gennaker/common';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export interface Principal {
  name: string;
  roles: string[];
  admin: boolean;
}

declare module 'express' {
  interface Request {
    principal?: Principal;
  }
}

/**
 * Bearer-token authentication. With GENNAKER_ADMIN_TOKEN set, every /api request needs a token;
 * without it the API is open (a local install) and callers act as "anonymous".
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly adminToken = process.env['GENNAKER_ADMIN_TOKEN'] ?? '';

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    // Webhooks authenticate by their signature (checked by the webhook service), not by a token.
    if (req.path.startsWith('/webhooks/')) return true;
    if (req.path === '/api/v1/health' || req.path.startsWith('/api/v1/schemas/') || req.path === '/api/v1/openapi.json') return true;
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : typeof req.query['access_token'] === 'string' ? req.query['access_token'] : '';
    if (this.adminToken === '') {
      req.principal = { name: 'anonymous', roles: [], admin: true };
      return true;
    }
    if (token === '') throw new GennakerError('UNAUTHORIZED', 'missing bearer token (Authorization: Bearer <token>)');
    if (!safeEqual(token, this.adminToken)) throw new GennakerError('UNAUTHORIZED', 'invalid or expired token');
    req.principal = { name: 'admin', roles: ['admin'], admin: true };
    return true;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function userOf(req: Request): string {
  return req.principal?.name ?? 'anonymous';
}
