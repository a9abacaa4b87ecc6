import { CanaryConfigService, CanaryJudgeService, CanaryResultService } from '@gennaker/canary-runtime';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { userOf } from '../http/auth.guard';
import { parseLimit, queryString, requireObjectBody } from '../http/query.util';

/** Canary configs (Kayenta's shape), standalone judgments, and canary runs with every interval (issue 5). */
@Controller('api/v1/canary')
export class CanaryController {
  constructor(
    @Inject(CanaryConfigService) private readonly configs: CanaryConfigService,
    @Inject(CanaryJudgeService) private readonly judges: CanaryJudgeService,
    @Inject(CanaryResultService) private readonly results: CanaryResultService,
  ) {}

  @Get('configs')
  listConfigs(@Query() q: Record<string, unknown>) {
    return this.configs.list({
      ...(queryString(q['application'], 'application') ? { application: queryString(q['application'], 'application') as string } : {}),
      limit: parseLimit(q['limit']),
      cursor: queryString(q['cursor'], 'cursor') ?? null,
    });
  }

  /** Create or replace (by id, else by name); 201 when created. */
  @Post('configs')
  async saveConfig(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { config, created } = await this.configs.save(requireObjectBody(body, req), { user: userOf(req) });
    res.status(created ? 201 : 200);
    return config;
  }

  @Get('configs/:id')
  getConfig(@Param('id') id: string) {
    return this.configs.get(id);
  }

  @Post('judge')
  @HttpCode(200)
  judge(@Body() body: unknown, @Req() req: Request) {
    return this.judges.judge(requireObjectBody(body, req));
  }

  @Get('results/:id')
  getResult(@Param('id') id: string) {
    return this.results.get(id);
  }
}
