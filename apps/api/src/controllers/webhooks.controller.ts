import { InputError } from '@gennaker/common';
import { WebhookService } from '@gennaker/trigger-runtime';
import { GIT_SOURCES, type GitSource } from '@gennaker/triggers';
import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Git webhooks (API.md): the raw body is verified first; 202 `{deliveryId, executions}` once the
 * delivery and the executions it starts are recorded, before any of them runs.
 */
@Controller('webhooks/git')
export class WebhooksController {
  constructor(@Inject(WebhookService) private readonly webhooks: WebhookService) {}

  @Post(':source')
  @HttpCode(202)
  receive(@Param('source') source: string, @Req() req: Request) {
    if (!(GIT_SOURCES as readonly string[]).includes(source)) {
      throw new InputError(`unknown Git host "${source}"; use ${GIT_SOURCES.join(', ')}`, [{ pointer: '', message: 'unknown host' }]);
    }
    const body: unknown = req.body;
    const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    if (raw.length === 0) throw new InputError('the body is empty', [{ pointer: '', message: 'a JSON payload is required' }]);
    return this.webhooks.receive(source as GitSource, req.headers, raw);
  }
}
