import { GennakerError } from '@gennaker/common';
import { DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH, queueDashboard } from '@gennaker/observability';
import { NOTIFICATIONS_QUEUE } from '@gennaker/notifications';
import { OutboxDispatcher } from '@gennaker/runtime';
import { getQueueToken } from '@nestjs/bullmq';
import { All, Controller, Inject, Next, Optional, Req, Res } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';

/**
 * The queue dashboard (bull-board) for admins at /admin/queues, behind the api's guard. A browser
 * opens it once with `?access_token=<token>`; the token is then kept in an HttpOnly cookie for the
 * dashboard's own requests (see dashboardCookieAuth in main.ts).
 */
@Controller()
export class QueueDashboardController {
  private readonly dashboard: ReturnType<typeof queueDashboard>;

  constructor(@Inject(OutboxDispatcher) dispatcher: OutboxDispatcher, @Optional() @Inject(getQueueToken(NOTIFICATIONS_QUEUE)) notifications: Queue | null) {
    this.dashboard = queueDashboard([...dispatcher.allQueues(), ...(notifications ? [notifications] : [])], QUEUE_DASHBOARD_PATH);
  }

  @All(['admin/queues', 'admin/queues/*path'])
  serve(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    if (!req.principal?.admin) throw new GennakerError('FORBIDDEN', 'the queue dashboard is for admins only');
    const token = typeof req.query['access_token'] === 'string' ? req.query['access_token'] : '';
    if (token) {
      res.cookie(DASHBOARD_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: QUEUE_DASHBOARD_PATH, secure: req.secure });
    }
    this.dashboard(req, res, next);
  }
}
