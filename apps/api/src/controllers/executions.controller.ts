import { InputError, isPlainObject } from '@gennaker/common';
import { EXECUTION_STATUSES, isComplete, isStatus, type EngineEvent, type Execution, type ExecutionStatus } from '@gennaker/engine';
import { EventBus, ExecutionService } from '@gennaker/runtime';
import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { userOf } from '../http/auth.guard';
import { decodeCursor, encodeCursor, parseLimit, queryString } from '../http/query.util';
import { executionSummaryView, executionView } from '../http/views';

@Controller('api/v1')
export class ExecutionsController {
  constructor(
    @Inject(ExecutionService) private readonly executions: ExecutionService,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  @Post('pipelines/:id/executions')
  @HttpCode(202)
  async start(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const b = body === undefined || body === null || (isPlainObject(body) && Object.keys(body).length === 0) ? {} : body;
    if (!isPlainObject(b)) throw new InputError('the body must be a JSON object', [{ pointer: '', message: 'must be an object' }]);
    if (b['artifacts'] !== undefined && !Array.isArray(b['artifacts'])) throw new InputError('artifacts must be a list', [{ pointer: '/artifacts', message: 'must be a list' }]);
    const request = { parameters: b['parameters'] as Record<string, unknown> | undefined, artifacts: b['artifacts'] as unknown[] | undefined, user: userOf(req) };
    // The guard read the pipeline to check the caller's rights on its application: run that row.
    const checked = req.authz?.pipeline;
    const e = checked?.id === id ? await this.executions.startConfig(checked, request) : await this.executions.startPipeline(id, request);
    return { id: e.id };
  }

  @Get('executions')
  async list(@Query() q: Record<string, unknown>) {
    const statuses = queryString(q['status'], 'status')?.split(',').map((s) => s.trim().toUpperCase());
    for (const s of statuses ?? []) {
      if (!isStatus(s)) throw new InputError(`unknown status "${s}"; one of ${EXECUTION_STATUSES.join(', ')}`, [{ pointer: '/status', message: 'unknown status' }]);
    }
    const type = queryString(q['type'], 'type');
    if (type !== undefined && type !== 'PIPELINE' && type !== 'ORCHESTRATION') throw new InputError('type must be PIPELINE or ORCHESTRATION', [{ pointer: '/type', message: 'unknown type' }]);
    const page = await this.executions.list({
      application: queryString(q['application'], 'application'),
      pipelineConfigId: queryString(q['pipelineId'], 'pipelineId'),
      statuses: statuses as ExecutionStatus[] | undefined,
      type,
      limit: parseLimit(q['limit']),
      cursor: decodeCursor(q['cursor']),
    });
    return { items: page.items.map(executionSummaryView), nextCursor: encodeCursor(page.nextCursor) };
  }

  @Get('executions/:id')
  async get(@Param('id') id: string) {
    return executionView(await this.executions.get(id));
  }

  @Put('executions/:id/cancel')
  @HttpCode(202)
  async cancel(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const reason = isPlainObject(body) && body['reason'] !== undefined ? body['reason'] : undefined;
    if (reason !== undefined && typeof reason !== 'string') throw new InputError('reason must be a string', [{ pointer: '/reason', message: 'must be a string' }]);
    return executionView(await this.executions.cancel(id, userOf(req), reason));
  }

  @Put('executions/:id/pause')
  @HttpCode(202)
  async pause(@Param('id') id: string, @Req() req: Request) {
    return executionView(await this.executions.pause(id, userOf(req)));
  }

  @Put('executions/:id/resume')
  @HttpCode(202)
  async resume(@Param('id') id: string, @Req() req: Request) {
    return executionView(await this.executions.resume(id, userOf(req)));
  }

  @Put('executions/:id/stages/:stageId/restart')
  @HttpCode(202)
  async restart(@Param('id') id: string, @Param('stageId') stageId: string, @Req() req: Request) {
    return executionView(await this.executions.restartStage(id, stageId, userOf(req)));
  }

  @Put('executions/:id/stages/:stageId/skip')
  @HttpCode(202)
  async skip(@Param('id') id: string, @Param('stageId') stageId: string, @Req() req: Request) {
    return executionView(await this.executions.skipStage(id, stageId, userOf(req)));
  }

  /** Manual judgment (`judgmentStatus`), or skipping the rest of a wait (`skipRemainingWait: true`). */
  @Patch('executions/:id/stages/:stageId')
  @HttpCode(202)
  async patchStage(@Param('id') id: string, @Param('stageId') stageId: string, @Body() body: unknown, @Req() req: Request) {
    if (!isPlainObject(body)) throw new InputError('the body must be a JSON object', [{ pointer: '', message: 'must be an object' }]);
    if (body['skipRemainingWait'] !== undefined) {
      if (body['skipRemainingWait'] !== true) throw new InputError('skipRemainingWait must be true', [{ pointer: '/skipRemainingWait', message: 'must be true' }]);
      return executionView(await this.executions.skipRemainingWait(id, stageId, userOf(req)));
    }
    return executionView(await this.executions.judge(id, stageId, userOf(req), body));
  }

  /** Server-sent events: a snapshot first, then one event per status change of this execution. */
  @Get('executions/:id/events')
  async stream(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    let seq = 0;
    const send = (event: string, data: unknown): void => {
      res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // Listening before the snapshot is read: a change made meanwhile is in the snapshot or comes after it.
    let snapshotSent = false;
    let missed = false;
    let pending: NodeJS.Timeout | null = null;
    const refresh = (): void => {
      // Coalesce bursts into one fresh snapshot so clients see contexts and outputs too.
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        this.executions
          .get(id)
          .then((e) => send('snapshot', executionView(e)))
          .catch(() => undefined);
      }, 100);
    };
    const unsubscribe = await this.events.subscribe((event: EngineEvent) => {
      if (event.executionId !== id) return;
      if (!snapshotSent) {
        missed = true; // maybe after the snapshot's read: a fresh one follows it
        return;
      }
      send('status', { ...event, time: new Date(event.time).toISOString() });
      refresh();
    });
    let heartbeat: NodeJS.Timeout | null = null;
    const close = (): void => {
      unsubscribe();
      if (heartbeat) clearInterval(heartbeat);
      if (pending) clearTimeout(pending);
    };
    req.on('close', close);
    let first: Execution;
    try {
      first = await this.executions.get(id);
    } catch (err) {
      close();
      throw err;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    send('snapshot', executionView(first));
    snapshotSent = true;
    if (missed) refresh();
    if (!req.destroyed) heartbeat = setInterval(() => res.write(`: keep-alive\n\n`), 15_000);
    if (isComplete(first.status)) send('complete', { status: first.status });
  }
}
