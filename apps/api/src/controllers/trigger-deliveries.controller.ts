import { InputError } from '@gennaker/common';
import { DeliveryLogService } from '@gennaker/trigger-runtime';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { parseLimit, queryString } from '../http/query.util';

function encode(c: { time: number; id: string } | null): string | null {
  return c ? Buffer.from(JSON.stringify([c.time, c.id])).toString('base64url') : null;
}

function decode(raw: string | undefined): { time: number; id: string } | null {
  if (raw === undefined) return null;
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return { time: v[0], id: v[1] };
  } catch {
    // fall through
  }
  throw new InputError('cursor is not one this API gave out', [{ pointer: '/cursor', message: 'invalid cursor' }]);
}

/** The trigger debugger: each delivery, what it started and why every other git-triggered pipeline did not fire. */
@Controller('api/v1/trigger-deliveries')
export class TriggerDeliveriesController {
  constructor(@Inject(DeliveryLogService) private readonly log: DeliveryLogService) {}

  @Get()
  async list(@Query() q: Record<string, unknown>) {
    const page = await this.log.list({
      application: queryString(q['application'], 'application'),
      provider: queryString(q['provider'], 'provider'),
      limit: parseLimit(q['limit']),
      cursor: decode(queryString(q['cursor'], 'cursor')),
    });
    return { items: page.items, nextCursor: encode(page.nextCursor) };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.log.get(id);
  }
}
