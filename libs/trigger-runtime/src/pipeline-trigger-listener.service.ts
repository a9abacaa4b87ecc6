import { errorMessage } from '@gennaker/common';
import { EngineService } from '@gennaker/runtime';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { TriggerStarts } from './trigger-starts.service';

/** Registers pipeline triggers with the engine (workers only: that is where executions finish). */
@Injectable()
export class PipelineTriggerListener implements OnModuleInit {
  constructor(
    @Inject(EngineService) private readonly engine: EngineService,
    @Inject(TriggerStarts) private readonly starts: TriggerStarts,
  ) {}

  onModuleInit(): void {
    this.engine.onExecutionFinished(async (e) => {
      try {
        await this.starts.executionFinished(e);
      } catch (err) {
        // Thrown again: the engine calls the listener again later; start keys make that safe.
        throw new Error(`pipeline triggers after ${e.id}: ${errorMessage(err)}`);
      }
    });
  }
}
