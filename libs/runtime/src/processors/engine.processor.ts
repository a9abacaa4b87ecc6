import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EngineService } from '../engine.service';
import type { EngineJobData } from '../queues';
import { runJobWithHooks } from '../runtime-hooks';
import { readRuntimeSettings } from '../settings';
import { TaskRunner } from '../task-runner.service';

const settings = readRuntimeSettings();

/** Routes a job to the engine or the task runner; nothing else (STYLE: thin processors). */
export async function processEngineJob(engine: EngineService, tasks: TaskRunner, job: Job<EngineJobData>): Promise<void> {
  const { outboxId, message } = job.data;
  switch (message.type) {
    case 'RunTask':
      return tasks.runTask(outboxId, message);
    case 'CancelStage':
      return tasks.cancelStage(outboxId, message);
    case 'ExecutionFinished':
      return engine.handleFinished(outboxId, message.executionId);
    case 'StartExecution':
    case 'StartStage':
    case 'CompleteTask':
    case 'CompleteStage':
    case 'ContinueParentStage':
    case 'CompleteExecution':
    case 'CancelExecution':
    case 'PauseExecution':
    case 'ResumeExecution':
    case 'RestartStage':
    case 'SkipStage':
    case 'ChildExecutionComplete':
    case 'StartWaitingExecutions':
      return engine.handleMessage(outboxId, message);
  }
}

// Four processors in one file on purpose: they differ only in their queue and concurrency, and
// a file each would hide that (STYLE.md's one-class-per-file, traded for clarity).
@Processor('engine', { concurrency: settings.engineConcurrency, lockDuration: settings.jobLockMs, stalledInterval: Math.max(1000, settings.jobLockMs) })
export class EngineProcessor extends WorkerHost {
  constructor(@Inject(EngineService) private readonly engine: EngineService, @Inject(TaskRunner) private readonly tasks: TaskRunner) {
    super();
  }
  process(job: Job<EngineJobData>): Promise<void> {
    return runJobWithHooks(job, () => processEngineJob(this.engine, this.tasks, job));
  }
}

@Processor('tasks', { concurrency: settings.taskConcurrency, lockDuration: settings.jobLockMs, stalledInterval: Math.max(1000, settings.jobLockMs) })
export class TasksProcessor extends WorkerHost {
  constructor(@Inject(EngineService) private readonly engine: EngineService, @Inject(TaskRunner) private readonly tasks: TaskRunner) {
    super();
  }
  process(job: Job<EngineJobData>): Promise<void> {
    return runJobWithHooks(job, () => processEngineJob(this.engine, this.tasks, job));
  }
}

@Processor('cloud', { concurrency: settings.cloudConcurrency, lockDuration: settings.jobLockMs, stalledInterval: Math.max(1000, settings.jobLockMs) })
export class CloudProcessor extends WorkerHost {
  constructor(@Inject(EngineService) private readonly engine: EngineService, @Inject(TaskRunner) private readonly tasks: TaskRunner) {
    super();
  }
  process(job: Job<EngineJobData>): Promise<void> {
    return runJobWithHooks(job, () => processEngineJob(this.engine, this.tasks, job));
  }
}

@Processor('canary', { concurrency: settings.canaryConcurrency, lockDuration: settings.jobLockMs, stalledInterval: Math.max(1000, settings.jobLockMs) })
export class CanaryProcessor extends WorkerHost {
  constructor(@Inject(EngineService) private readonly engine: EngineService, @Inject(TaskRunner) private readonly tasks: TaskRunner) {
    super();
  }
  process(job: Job<EngineJobData>): Promise<void> {
    return runJobWithHooks(job, () => processEngineJob(this.engine, this.tasks, job));
  }
}
