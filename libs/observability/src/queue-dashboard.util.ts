import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
/** Cookie holding the token a browser opened the dashboard with (its own requests carry no header). */
export const DASHBOARD_COOKIE = 'gennaker_dashboard_token';

/**
 * bull-board over every queue, as an express handler expecting `req.url` relative to
 * QUEUE_DASHBOARD_PATH. Access control is the caller's (the api's guard; admin only).
 */
export function queueDashboard(queues: Queue[], basePath = QUEUE_DASHBOARD_PATH): (req: Request, res: Response, next: NextFunction) => void {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(basePath);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Gennaker queues' } } });
  const app = adapter.getRouter() as unknown as (req: Request, res: Response, next: NextFunction) => void;
  return (req, res, next) => {
    const url = req.originalUrl.slice(basePath.length);
    req.url = url.startsWith('/') ? url : `/${url}`;
    app(req, res, next);
  };
}

/** The value of one cookie, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * Express middleware for the dashboard's path, placed before the api's guard: a request with no
 * Authorization header but the dashboard cookie gets the cookie's token as its bearer token, so
 * the guard decides as for any other call.
 */
export function dashboardCookieAuth(req: Request, _res: Response, next: NextFunction): void {
  if (!req.headers.authorization) {
    const token = cookieValue(req.headers.cookie, DASHBOARD_COOKIE);
    if (token) req.headers.authorization = `Bearer ${token}`;
  }
  next();
}
