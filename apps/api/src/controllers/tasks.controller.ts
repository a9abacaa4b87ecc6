import { InputError, isPlainObject } from '@gennaker/common';
import { ApplicationService, PipelineConfigService } from '@gennaker/configs';
import { ExecutionService } from '@gennaker/runtime';
import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { userOf } from '../http/auth.guard';

/** Ad-hoc operations (resize, enable, disable, destroy, rollback...) run as ORCHESTRATION executions. */
@Controller('api/v1/applications/:app/tasks')
export class TasksController {
  constructor(
    @Inject(ExecutionService) private readonly executions: ExecutionService,
    @Inject(ApplicationService) private readonly apps: ApplicationService,
    @Inject(PipelineConfigService) private readonly pipelines: PipelineConfigService,
  ) {}

  @Post()
  @HttpCode(202)
  async run(@Param('app') app: string, @Body() body: unknown, @Req() req: Request) {
    await this.apps.get(app);
    if (!isPlainObject(body)) throw new InputError('the body must be a JSON object', [{ pointer: '', message: 'must be an object' }]);
    const description = typeof body['description'] === 'string' && body['description'] !== '' ? body['description'] : 'ad-hoc operation';
    const job = body['job'];
    if (!Array.isArray(job)) throw new InputError('job must be a list of operations', [{ pointer: '/job', message: 'must be a list' }]);
    if (job.length === 0) throw new InputError('an orchestration needs at least one job', [{ pointer: '/job', message: 'must be a non-empty list' }]);
    // Each step is checked like a pipeline stage (its type's schema and rules), before anything runs.
    try {
      this.pipelines.validate({
        application: app,
        name: description,
        stages: job.map((step: unknown, i) => (isPlainObject(step) ? { ...step, refId: String(i + 1), requisiteStageRefIds: i === 0 ? [] : [String(i)] } : step)),
      });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      throw new InputError(
        'invalid operation',
        err.details.map((d) => ({ pointer: d.pointer.replace(/^\/stages\//, '/job/'), message: d.message.replace(/stages\[(\d+)\]/g, 'job[$1]') })),
      );
    }
    const e = await this.executions.startOrchestration({ application: app, description, user: userOf(req), job: job as Array<Record<string, unknown> & { type: string }> });
    return { id: e.id };
  }
}
