import type { EngineEvent, Execution, ExecutionStatus, Stage } from '@gennaker/engine';
import { isComplete } from '@gennaker/engine';

/** Echo's event names (the `when` values of a notification). */
export const NOTIFICATION_EVENTS = [
  'pipeline.starting',
  'pipeline.complete',
  'pipeline.failed',
  'stage.starting',
  'stage.complete',
  'stage.failed',
  'manualJudgment',
  'manualJudgmentContinue',
  'manualJudgmentStop',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** One entry of `notifications: [...]` as Spinnaker writes it. */
export interface NotificationSpec {
  type: string;
  address?: string;
  level?: string;
  when?: string[];
  message?: Record<string, { text?: string } | undefined>;
}

/** One notification to deliver: everything a sender needs, and a key that makes it unique. */
export interface PlannedNotification {
  /** Stable per execution, stage run, event and config entry: the queue de-duplicates on it. */
  key: string;
  type: string;
  address: string | null;
  event: NotificationEvent;
  subject: string;
  text: string;
  /** The custom text configured for this event, when there is one. */
  customText: string | null;
  application: string;
  pipeline: string;
  executionId: string;
  executionStatus: ExecutionStatus;
  stage: { id: string; name: string; type: string; status: ExecutionStatus } | null;
  link: string | null;
  trigger: { type: string | null; user: string | null };
  time: number;
}

export interface PlanOptions {
  /** Base URL of the web UI, for links (`GENNAKER_PUBLIC_URL`). */
  publicUrl?: string;
}

function specsOf(value: unknown): NotificationSpec[] {
  if (!Array.isArray(value)) return [];
  return value.filter((n): n is NotificationSpec => typeof n === 'object' && n !== null && typeof (n as { type?: unknown }).type === 'string');
}

/** Cheap test before any planning: does this execution notify anybody at all? */
export function hasNotifications(execution: Execution): boolean {
  if (specsOf(execution.spec['notifications']).length > 0) return true;
  return execution.stages.some((s) => s.context['sendNotifications'] === true && specsOf(s.context['notifications']).length > 0);
}

/** The pipeline event a status change of the execution stands for (Echo's naming). */
export function pipelineEvent(status: ExecutionStatus, previous: ExecutionStatus | undefined): NotificationEvent | null {
  if (status === 'RUNNING') return previous === undefined || previous === 'NOT_STARTED' || previous === 'BUFFERED' ? 'pipeline.starting' : null;
  if (status === 'SUCCEEDED') return 'pipeline.complete';
  if (isComplete(status) && status !== 'SKIPPED') return 'pipeline.failed';
  return null;
}

/** The stage events a status change of a stage stands for. */
export function stageEvents(stage: Pick<Stage, 'type' | 'context'>, status: ExecutionStatus, previous: ExecutionStatus | undefined): NotificationEvent[] {
  const out: NotificationEvent[] = [];
  if (status === 'RUNNING' && previous !== 'RUNNING' && previous !== 'PAUSED' && previous !== 'SUSPENDED') {
    out.push('stage.starting');
    if (stage.type === 'manualJudgment') out.push('manualJudgment');
  } else if (status === 'SUCCEEDED' || status === 'FAILED_CONTINUE') {
    out.push('stage.complete');
  } else if (status === 'TERMINAL' || status === 'STOPPED' || status === 'CANCELED') {
    out.push('stage.failed');
  }
  if (stage.type === 'manualJudgment' && isComplete(status)) {
    const judgment = stage.context['judgmentStatus'];
    if (judgment === 'continue') out.push('manualJudgmentContinue');
    else if (judgment === 'stop') out.push('manualJudgmentStop');
  }
  return out;
}

const VERB: Record<NotificationEvent, string> = {
  'pipeline.starting': 'is starting',
  'pipeline.complete': 'has completed',
  'pipeline.failed': 'has failed',
  'stage.starting': 'is starting',
  'stage.complete': 'has completed',
  'stage.failed': 'has failed',
  manualJudgment: 'is awaiting manual judgment',
  manualJudgmentContinue: 'was judged: continue',
  manualJudgmentStop: 'was judged: stop',
};

function stringOf(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function build(
  execution: Execution,
  stage: Stage | null,
  event: NotificationEvent,
  spec: NotificationSpec,
  index: number,
  scope: string,
  time: number,
  options: PlanOptions,
): PlannedNotification {
  const what = stage ? `Stage ${stage.name} of pipeline ${execution.name} (${execution.application})` : `Pipeline ${execution.name} (${execution.application})`;
  const subject = `${what} ${VERB[event]}`;
  const status = execution.status === 'RUNNING' || !isComplete(execution.status) ? '' : ` Status: ${execution.status}.`;
  const reason = stage?.error?.message ?? (event === 'pipeline.failed' ? execution.stages.find((s) => s.error)?.error?.message : undefined);
  const instructions = event === 'manualJudgment' ? stringOf(stage?.context['instructions']) : null;
  const link = options.publicUrl ? `${options.publicUrl.replace(/\/+$/, '')}/executions/${execution.id}` : null;
  const customText = stringOf(spec.message?.[event]?.text);
  const text = [
    customText ?? `${subject}.${status}`,
    instructions ? `Instructions: ${instructions}` : null,
    reason && (event.endsWith('failed') || event === 'manualJudgmentStop') ? `Reason: ${reason}` : null,
    link,
  ]
    .filter(Boolean)
    .join('\n');
  return {
    key: `${execution.id}/${scope}/${event}/${index}`,
    type: spec.type,
    address: stringOf(spec.address),
    event,
    subject,
    text,
    customText,
    application: execution.application,
    pipeline: execution.name,
    executionId: execution.id,
    executionStatus: execution.status,
    stage: stage ? { id: stage.id, name: stage.name, type: stage.type, status: stage.status } : null,
    link,
    trigger: { type: stringOf(execution.trigger['type']), user: stringOf(execution.trigger['user']) },
    time,
  };
}

/**
 * What to send for one committed step: pipeline-level notifications for the execution's own
 * status changes, stage-level ones (stages with `sendNotifications: true`) for their stages'.
 * A notification's key names the run of what it is about (the stage's start time, so a restarted
 * stage notifies again) and the config entry, so planning the same step twice plans the same keys.
 */
export function planNotifications(execution: Execution, events: readonly EngineEvent[], options: PlanOptions = {}): PlannedNotification[] {
  if (!hasNotifications(execution)) return [];
  const out: PlannedNotification[] = [];
  const pipelineSpecs = specsOf(execution.spec['notifications']);
  const stages = new Map(execution.stages.map((s) => [s.id, s]));
  for (const e of events) {
    if (e.kind === 'execution') {
      const event = pipelineEvent(e.status, e.previousStatus);
      if (!event) continue;
      pipelineSpecs.forEach((spec, i) => {
        if ((spec.level ?? 'pipeline') !== 'pipeline' || !(spec.when ?? []).includes(event)) return;
        out.push(build(execution, null, event, spec, i, `pipeline@${execution.startTime ?? execution.buildTime}`, e.time, options));
      });
      continue;
    }
    if (e.kind !== 'stage' || !e.stageId) continue;
    const stage = stages.get(e.stageId);
    if (!stage || stage.context['sendNotifications'] !== true) continue;
    const specs = specsOf(stage.context['notifications']);
    for (const event of stageEvents(stage, e.status, e.previousStatus)) {
      specs.forEach((spec, i) => {
        if (!(spec.when ?? []).includes(event)) return;
        out.push(build(execution, stage, event, spec, i, `${stage.id}@${stage.startTime ?? 0}`, e.time, options));
      });
    }
  }
  return out;
}

/**
 * The pipeline's final notifications, planned again from its state when it finished: the durable
 * path (the engine calls finish listeners at least once), in case the process that committed the
 * last step died before queueing them. Same keys, so nothing is sent twice.
 */
export function planFinalNotifications(execution: Execution, now: number, options: PlanOptions = {}): PlannedNotification[] {
  if (!isComplete(execution.status)) return [];
  return planNotifications(execution, [{ kind: 'execution', executionId: execution.id, status: execution.status, time: execution.endTime ?? now }], options).filter(
    (n) => n.event === 'pipeline.complete' || n.event === 'pipeline.failed',
  );
}
