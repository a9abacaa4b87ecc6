import { DATA_SOURCE, EventBus } from '@gennaker/runtime';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';

@Controller('api/v1/health')
export class HealthController {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EventBus) private readonly bus: EventBus,
  ) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const [postgres, redis] = await Promise.all([
      withTimeout(this.ds.query('SELECT 1').then(() => 'up' as const), 2000),
      withTimeout(this.bus.ping().then(() => 'up' as const), 2000),
    ]);
    const ok = postgres === 'up' && redis === 'up';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', postgres, redis });
  }
}

async function withTimeout(p: Promise<'up'>, ms: number): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), ms)))]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
