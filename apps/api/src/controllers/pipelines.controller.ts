import { PipelineConfigService } from '@gennaker/configs';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { userOf } from '../http/auth.guard';
import { requireObjectBody } from '../http/query.util';

@Controller('api/v1')
export class PipelinesController {
  constructor(@Inject(PipelineConfigService) private readonly pipelines: PipelineConfigService) {}

  /** Create or update (by id, else by application + name); 201 when created. */
  @Post('pipelines')
  async save(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { pipeline, created } = await this.pipelines.save(requireObjectBody(body, req), { user: userOf(req) });
    res.status(created ? 201 : 200);
    return pipeline;
  }

  @Post('pipelines/validate')
  @HttpCode(200)
  validate(@Body() body: unknown, @Req() req: Request) {
    this.pipelines.validate(requireObjectBody(body, req));
    return { valid: true };
  }

  @Get('pipelines/:id')
  get(@Param('id') id: string) {
    return this.pipelines.get(id);
  }

  @Delete('pipelines/:id')
  @HttpCode(204)
  async delete(@Param('id') id: string, @Req() req: Request): Promise<void> {
    await this.pipelines.delete(id, { user: userOf(req) });
  }

  @Get('pipelines/:id/history')
  history(@Param('id') id: string) {
    return this.pipelines.history(id);
  }

  @Post('pipelines/:id/history/:version/restore')
  restore(@Param('id') id: string, @Param('version') version: string, @Req() req: Request) {
    return this.pipelines.restore(id, Number(version), userOf(req));
  }

  @Get('schemas/pipeline.json')
  schema() {
    return this.pipelines.jsonSchema();
  }

  /** The stage types this install supports, with their context schemas (UI forms, docs). */
  @Get('stage-types')
  stageTypes() {
    return this.pipelines.types();
  }
}
