/** The colour family of an execution or stage status (CSS class `status-<tone>`). */
export type StatusTone = 'running' | 'succeeded' | 'failed' | 'canceled' | 'paused' | 'waiting' | 'skipped';

export function statusTone(status: string): StatusTone {
  switch (status) {
    case 'RUNNING':
    case 'REDIRECT':
      return 'running';
    case 'SUCCEEDED':
      return 'succeeded';
    case 'TERMINAL':
    case 'FAILED_CONTINUE':
      return 'failed';
    case 'CANCELED':
    case 'STOPPED':
      return 'canceled';
    case 'PAUSED':
    case 'SUSPENDED':
      return 'paused';
    case 'SKIPPED':
      return 'skipped';
    default:
      return 'waiting';
  }
}

const LABELS: Record<string, string> = { FAILED_CONTINUE: 'FAILED (CONTINUED)', NOT_STARTED: 'NOT STARTED' };
export function statusLabel(status: string): string {
  return LABELS[status] ?? status;
}
