import type { CanaryRunStatus } from '../entities/canary-result.entity';

/** A stored canary config: the config (with its id) and when it changed. */
export interface StoredCanaryConfig {
  id: string;
  name: string;
  applications: string[];
  /** The config in Kayenta's shape, `id` included. */
  config: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string | null;
}

export interface CanaryConfigStore {
  byId(id: string): Promise<StoredCanaryConfig | null>;
  byName(name: string): Promise<StoredCanaryConfig | null>;
}

export interface NewCanaryResult {
  id: string;
  executionId: string | null;
  stageId: string | null;
  application: string | null;
  configId: string | null;
  configName: string;
  config: Record<string, unknown>;
  details: Record<string, unknown>;
  startTime: Date;
}

export interface CanaryIntervalRecord {
  resultId: string;
  index: number;
  startTime: Date;
  endTime: Date;
  judgedAt: Date;
  score: number;
  classification: string;
  judgment: Record<string, unknown>;
}

export interface CanaryResultRecord extends NewCanaryResult {
  status: CanaryRunStatus;
  classification: string | null;
  score: number | null;
  message: string | null;
  endTime: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Canary runs and their intervals. Every write is idempotent: a retried task writes the same rows. */
export interface CanaryResultStore {
  /** Creates the run unless it exists (a retry of the task that starts it). */
  create(result: NewCanaryResult): Promise<void>;
  get(id: string): Promise<CanaryResultRecord | null>;
  /** Upserts one interval's judgment and the run's latest score. */
  saveInterval(interval: CanaryIntervalRecord): Promise<void>;
  intervals(resultId: string): Promise<CanaryIntervalRecord[]>;
  /** Records how the run ended (or that it awaits a judgment, status RUNNING). */
  finish(id: string, outcome: { status: CanaryRunStatus; classification: string | null; score: number | null; message: string | null; ended: boolean }): Promise<void>;
}
