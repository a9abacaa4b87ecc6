import { GennakerError } from '@gennaker/common';
import { DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH, queueDashboard } from '@gennaker/observability';
import { OutboxDispatcher } from '@gennaker/runtime';
import { All, Controller, Inject, Next, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * The queue dashboard (bull-board) for admins at /admin/queues, behind the api's guard. A browser
 * opens it once with `?access_token=<token>`; the token is then kept in an HttpOnly cookie for the
 * dashboard's own requests (see dashboardCookieAuth in main.ts).
 */
@Controller()
export class QueueDashboardController {
  private readonly dashboard: ReturnType<typeof queueDashboard>;

  constructor(@Inject(OutboxDispatcher) dispatcher: OutboxDispatcher) {
    this.dashboard = queueDashboard(dispatcher.allQueues(), QUEUE_DASHBOARD_PATH);
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
