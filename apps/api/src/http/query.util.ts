import { InputError } from '@gennaker/common';

/** `?limit=`: default 50, at most 500. */
export function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return 50;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new InputError('limit must be an integer from 1 to 500', [{ pointer: '/limit', message: 'must be an integer from 1 to 500' }]);
  return n;
}

export function encodeCursor(c: { buildTime: number; id: string } | null): string | null {
  return c ? Buffer.from(JSON.stringify([c.buildTime, c.id])).toString('base64url') : null;
}

export function decodeCursor(raw: unknown): { buildTime: number; id: string } | null {
  if (raw === undefined || raw === '') return null;
  try {
    const v = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return { buildTime: v[0], id: v[1] };
  } catch {
    // fall through
  }
  throw new InputError('cursor is not one this API gave out', [{ pointer: '/cursor', message: 'invalid cursor' }]);
}

export function queryString(raw: unknown, name: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new InputError(`${name} must be given once`, [{ pointer: `/${name}`, message: 'must be a single value' }]);
  return raw === '' ? undefined : raw;
}

/** A request that needs a JSON object body and got none (or not an object). */
export function requireObjectBody(body: unknown, req?: { headers: Record<string, string | string[] | undefined> }): Record<string, unknown> {
  if (body === undefined || body === null || req?.headers['content-length'] === '0') {
    throw new InputError('the body is empty; send a JSON object', [{ pointer: '', message: 'a JSON object is required' }]);
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw new InputError('the body must be a JSON object', [{ pointer: '', message: 'must be an object' }]);
  return body as Record<string, unknown>;
}
