import { SyncRequests } from '@gennaker/trigger-runtime';
import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { userOf } from '../http/auth.guard';

/** Pipelines as code through the API: `gennaker sync <dir>` and "fetch the pipelines repository now". */
@Controller('api/v1/applications/:app')
export class PipelinesSyncController {
  constructor(@Inject(SyncRequests) private readonly syncs: SyncRequests) {}

  /** All or nothing: 200 with what changed, or 400 naming each bad file and pointer. */
  @Post('pipelines/sync')
  @HttpCode(200)
  apply(@Param('app') app: string, @Body() body: unknown, @Req() req: Request) {
    return this.syncs.applyFiles(app, body, userOf(req));
  }

  @Post('pipelines-repo/sync')
  @HttpCode(202)
  fetch(@Param('app') app: string, @Req() req: Request) {
    return this.syncs.fetchNow(app, userOf(req));
  }
}
