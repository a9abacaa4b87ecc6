/** Spinnaker's execution statuses, shared by executions, stages and tasks. */
export const EXECUTION_STATUSES = [
  'NOT_STARTED',
  'BUFFERED',
  'RUNNING',
  'PAUSED',
  'SUSPENDED',
  'SUCCEEDED',
  'FAILED_CONTINUE',
  'TERMINAL',
  'CANCELED',
  'STOPPED',
  'SKIPPED',
  'REDIRECT',
] as const;

export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** What a task may answer. */
export type TaskStatus = Extract<
  ExecutionStatus,
  'RUNNING' | 'SUCCEEDED' | 'FAILED_CONTINUE' | 'TERMINAL' | 'CANCELED' | 'STOPPED' | 'SKIPPED' | 'REDIRECT'
>;

export function isComplete(s: ExecutionStatus): boolean {
  switch (s) {
    case 'SUCCEEDED':
    case 'FAILED_CONTINUE':
    case 'TERMINAL':
    case 'CANCELED':
    case 'STOPPED':
    case 'SKIPPED':
      return true;
    case 'NOT_STARTED':
    case 'BUFFERED':
    case 'RUNNING':
    case 'PAUSED':
    case 'SUSPENDED':
    case 'REDIRECT':
      return false;
  }
}

/** A completed status that stops its branch. */
export function isHalt(s: ExecutionStatus): boolean {
  return s === 'TERMINAL' || s === 'CANCELED' || s === 'STOPPED';
}

/** A completed status after which downstream stages may start. */
export function letsDownstreamRun(s: ExecutionStatus): boolean {
  return s === 'SUCCEEDED' || s === 'FAILED_CONTINUE' || s === 'SKIPPED';
}

export function isStatus(v: unknown): v is ExecutionStatus {
  return typeof v === 'string' && (EXECUTION_STATUSES as readonly string[]).includes(v);
}
