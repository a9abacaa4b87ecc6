import { NotFoundError } from '@gennaker/common';
import { Inject, Injectable } from '@nestjs/common';
import type { CanaryResultRepository } from '../store/canary-result.repository';
import type { CanaryIntervalRecord, CanaryResultRecord } from '../store/canary-store.port';
import { CANARY_RESULT_REPOSITORY } from '../tokens';

export interface CanaryIntervalView {
  index: number;
  startTime: string;
  endTime: string;
  judgedAt: string;
  score: number;
  classification: string;
  [key: string]: unknown;
}

export interface CanaryResultView {
  id: string;
  executionId: string | null;
  stageId: string | null;
  application: string | null;
  status: string;
  classification: string | null;
  score: number | null;
  scores: number[];
  message: string | null;
  configId: string | null;
  configName: string;
  config: Record<string, unknown>;
  startTime: string;
  endTime: string | null;
  updatedTime: string;
  intervals: CanaryIntervalView[];
  [key: string]: unknown;
}

function intervalView(i: CanaryIntervalRecord): CanaryIntervalView {
  return {
    ...i.judgment,
    index: i.index,
    startTime: i.startTime.toISOString(),
    endTime: i.endTime.toISOString(),
    judgedAt: i.judgedAt.toISOString(),
    score: i.score,
    classification: i.classification,
  };
}

/** A canary run with every interval's judgment, in the shape the canary report reads. */
export function toCanaryResultView(r: CanaryResultRecord, intervals: CanaryIntervalRecord[]): CanaryResultView {
  return {
    ...r.details,
    id: r.id,
    executionId: r.executionId,
    stageId: r.stageId,
    application: r.application,
    status: r.status,
    classification: r.classification,
    score: r.score,
    scores: intervals.map((i) => i.score),
    message: r.message,
    configId: r.configId,
    configName: r.configName,
    config: r.config,
    startTime: r.startTime.toISOString(),
    endTime: r.endTime ? r.endTime.toISOString() : null,
    updatedTime: r.updatedAt.toISOString(),
    intervals: intervals.map(intervalView),
  };
}

const FINISHED = new Set(['SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'STOPPED', 'SKIPPED']);

@Injectable()
export class CanaryResultService {
  constructor(@Inject(CANARY_RESULT_REPOSITORY) private readonly results: CanaryResultRepository) {}

  async get(id: string): Promise<CanaryResultView> {
    let r = await this.results.get(id);
    if (!r) throw new NotFoundError(`canary result ${id} not found`);
    if (r.status === 'RUNNING' && r.executionId) {
      // The execution ended without the run recording its end (canceled at a marginal judgment,
      // which has no canary task to clean up; or a lost worker): close the run now.
      const status = await this.results.executionStatus(r.executionId);
      if (status !== null && FINISHED.has(status)) {
        await this.results.finish(id, { status: status === 'CANCELED' ? 'CANCELED' : 'TERMINAL', classification: null, score: null, message: `the execution ended ${status} before the canary run did`, ended: true });
        r = (await this.results.get(id)) ?? r;
      }
    }
    return toCanaryResultView(r, await this.results.intervals(id));
  }
}
