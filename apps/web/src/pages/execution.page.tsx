import type { Execution, Stage } from '@gennaker/api-client';
import { lazy, memo, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { errorText } from '../api/client';
import { useLiveExecution, type LiveState } from '../api/live-execution';
import { isFinished, useExecution, useExecutionAction, type ExecutionAction } from '../api/queries';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBox } from '../components/error-box';
import { JsonView } from '../components/json-view';
import type { GraphStage } from '../components/stage-graph';
import { StatusBadge } from '../components/status-badge';
import { elapsed, formatDuration, formatTime, toMs } from '../util/format.util';
import { statusLabel, statusTone } from '../util/status.util';

// React Flow loads only when the graph is shown: a 200-stage execution opens on its timeline.
const StageGraph = lazy(() => import('../components/stage-graph').then((m) => ({ default: m.StageGraph })));

const LIVE_TEXT: Record<LiveState, string> = { connecting: 'connecting…', live: '● live', complete: 'finished', reconnecting: 'reconnecting…' };

export default function ExecutionPage() {
  const { id = '' } = useParams();
  const execution = useExecution(id);
  const [epoch, setEpoch] = useState(0);
  const live = useLiveExecution(id, epoch);
  if (execution.isPending) return <p role="status">Loading…</p>;
  if (!execution.data) return <ErrorBox error={execution.error} title="Could not load the execution" />;
  // An action on a finished execution (restart) makes it run again: follow it with a new stream.
  return <ExecutionView execution={execution.data} live={live} onActed={() => live === 'complete' && setEpoch((n) => n + 1)} />;
}

/** The first stage to fail, by start time: the root cause, not the stages that failed after it. */
export function firstError(e: Execution): Stage | undefined {
  return e.stages
    .filter((s) => s.error || s.status === 'TERMINAL')
    .sort((a, b) => (toMs(a.startTime) ?? Infinity) - (toMs(b.startTime) ?? Infinity))
    .find((s) => s.error ?? s.tasks.some((t) => t.lastError));
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function ExecutionView({ execution: e, live, onActed }: { execution: Execution; live: LiveState; onActed: () => void }) {
  const [selected, setSelected] = useState<string | null>(null);
  const [view, setView] = useState<'graph' | 'timeline'>(e.stages.length > 80 ? 'timeline' : 'graph');
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [reason, setReason] = useState('');
  const action = useExecutionAction(e.id, onActed);
  const running = !isFinished(e.status);
  const now = useNow(running);
  const topLevel = useMemo(() => e.stages.filter((s) => !s.parentStageId), [e.stages]);
  const graphStages: GraphStage[] = useMemo(() => {
    const byRef = new Map(topLevel.map((s) => [s.refId, s.id]));
    return topLevel.map((s) => ({
      id: s.id,
      refId: s.refId,
      label: s.name || s.type,
      type: s.type,
      status: s.status,
      parents: s.requisiteStageRefIds.map((r) => byRef.get(String(r))).filter((x): x is string => x !== undefined),
    }));
  }, [topLevel]);
  const failure = firstError(e);
  const stage = e.stages.find((s) => s.id === selected);
  const trigger = e.trigger as { type?: string; user?: string; parameters?: Record<string, unknown> };

  return (
    <section aria-labelledby="execution-title" className="execution">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/applications/${e.application}/pipelines`}>{e.application}</Link> / <span>{e.name}</span>
      </nav>
      <div className="row between wrap">
        <h1 id="execution-title">
          {e.name} <StatusBadge status={e.status} />
        </h1>
        <div className="row">
          <span className={`live live-${live}`} role="status" aria-label={`Live updates: ${LIVE_TEXT[live]}`}>
            {LIVE_TEXT[live]}
          </span>
          {e.status === 'PAUSED' ? (
            <button type="button" onClick={() => action.mutate({ kind: 'resume' })} disabled={action.isPending}>
              Resume
            </button>
          ) : (
            <button type="button" onClick={() => action.mutate({ kind: 'pause' })} disabled={!running || action.isPending}>
              Pause
            </button>
          )}
          <button type="button" className="danger" onClick={() => setConfirmCancel(true)} disabled={!running || action.isPending}>
            Cancel execution
          </button>
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>Trigger</dt>
          <dd>
            {trigger.type ?? 'manual'}
            {trigger.user ? ` by ${trigger.user}` : ''}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatTime(e.startTime ?? e.buildTime)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="execution-duration">{formatDuration(elapsed(e.startTime, e.endTime, now))}</dd>
        </div>
        <div>
          <dt>Stages</dt>
          <dd>{topLevel.length}</dd>
        </div>
        {e.canceledBy && (
          <div>
            <dt>Canceled by</dt>
            <dd>
              {e.canceledBy}
              {e.cancellationReason ? `: ${e.cancellationReason}` : ''}
            </dd>
          </div>
        )}
      </dl>
      {trigger.parameters && Object.keys(trigger.parameters).length > 0 && <JsonView value={trigger.parameters} label="Parameters" />}
      {failure && (
        <div className="error-box prominent" role="alert" data-testid="first-error">
          <strong>
            {failure.name} ({failure.type}) failed
          </strong>
          : {failure.error?.message ?? failure.tasks.find((t) => t.lastError)?.lastError}{' '}
          <button type="button" className="link" onClick={() => setSelected(failure.id)}>
            Show stage
          </button>
        </div>
      )}
      {action.error && <p className="error-box">{errorText(action.error)}</p>}
      <div role="group" aria-label="View" className="segmented">
        <button type="button" aria-pressed={view === 'graph'} onClick={() => setView('graph')}>
          Graph
        </button>
        <button type="button" aria-pressed={view === 'timeline'} onClick={() => setView('timeline')}>
          Timeline
        </button>
      </div>
      <div className="execution-body">
        <div className="graph-column">
          {view === 'graph' ? (
            <Suspense fallback={<p className="muted">Loading the graph…</p>}>
              <StageGraph label="Execution stages" stages={graphStages} selected={selected} onSelect={setSelected} height={Math.min(520, 160 + Math.ceil(topLevel.length / 4) * 40)} />
            </Suspense>
          ) : null}
          <Timeline execution={e} stages={topLevel} selected={selected} onSelect={setSelected} now={now} compact={view === 'graph'} />
        </div>
        <div className="form-column">
          {stage ? <StageDetail execution={e} stage={stage} act={(a) => action.mutate(a)} busy={action.isPending} onSelect={setSelected} /> : <p className="muted">Select a stage to see its tasks, context and outputs.</p>}
        </div>
      </div>
      <ConfirmDialog
        open={confirmCancel}
        title="Cancel this execution?"
        message="Running stages are stopped; stages not started yet never run."
        confirmLabel="Cancel execution"
        danger
        busy={action.isPending}
        onClose={() => setConfirmCancel(false)}
        onConfirm={() => action.mutate({ kind: 'cancel', reason: reason || undefined }, { onSuccess: () => setConfirmCancel(false) })}
      >
        <label htmlFor="cancel-reason">Reason (optional)</label>
        <input id="cancel-reason" value={reason} onChange={(ev) => setReason(ev.target.value)} />
      </ConfirmDialog>
    </section>
  );
}

/** Stages as bars on one time axis, coloured by status; each row selects its stage. */
function Timeline({ execution, stages, selected, onSelect, now, compact }: { execution: Execution; stages: Stage[]; selected: string | null; onSelect: (id: string) => void; now: number; compact: boolean }) {
  const start = toMs(execution.startTime) ?? toMs(execution.buildTime) ?? now;
  const end = toMs(execution.endTime) ?? Math.max(now, ...stages.map((s) => toMs(s.endTime) ?? 0));
  const span = Math.max(1, end - start);
  const ordered = useMemo(() => [...stages].sort((a, b) => (toMs(a.startTime) ?? Infinity) - (toMs(b.startTime) ?? Infinity)), [stages]);
  return (
    <div className={`timeline${compact ? ' compact' : ''}`} role="list" aria-label="Timeline">
      {ordered.map((s) => (
        <TimelineRow key={s.id} stage={s} start={start} span={span} now={now} selected={s.id === selected} onSelect={onSelect} />
      ))}
    </div>
  );
}

const TimelineRow = memo(function TimelineRow({ stage: s, start, span, now, selected, onSelect }: { stage: Stage; start: number; span: number; now: number; selected: boolean; onSelect: (id: string) => void }) {
  const from = toMs(s.startTime);
  const to = toMs(s.endTime) ?? (from !== null ? now : null);
  const left = from === null ? 0 : ((from - start) / span) * 100;
  const width = from === null || to === null ? 0 : Math.max(0.5, ((to - from) / span) * 100);
  return (
    <div role="listitem">
      <button type="button" className={`timeline-row${selected ? ' selected' : ''}`} aria-pressed={selected} onClick={() => onSelect(s.id)} data-testid={`timeline-${s.refId}`} data-status={s.status}>
        <span className="timeline-name">{s.name || s.type}</span>
        <span className="timeline-track" aria-hidden="true">
          <span className={`timeline-bar status-${statusTone(s.status)}`} style={{ left: `${left}%`, width: `${width}%` }} />
        </span>
        <span className="timeline-status">{statusLabel(s.status)}</span>
        <span className="duration">{formatDuration(elapsed(s.startTime, s.endTime, now))}</span>
      </button>
    </div>
  );
});

function StageDetail({ execution, stage: s, act, busy, onSelect }: { execution: Execution; stage: Stage; act: (a: ExecutionAction) => void; busy: boolean; onSelect: (id: string) => void }) {
  const [input, setInput] = useState('');
  const [confirm, setConfirm] = useState<'restart' | 'skip' | null>(null);
  const running = s.status === 'RUNNING';
  const execRunning = !isFinished(execution.status);
  const judgment = s.type === 'manualJudgment' && running;
  const options = ((s.context['judgmentInputs'] as Array<{ value?: string }> | undefined) ?? []).map((o) => o.value ?? '').filter(Boolean);
  const children = execution.stages.filter((c) => c.parentStageId === s.id);
  // A canary stage's run: on the stage, or on the synthetic stage that did the analysis.
  const canaryId = [s, ...children].map((x) => x.outputs['canaryResultId'] ?? x.context['canaryResultId']).find((v): v is string => typeof v === 'string');
  const restartable = ['TERMINAL', 'FAILED_CONTINUE', 'CANCELED', 'STOPPED', 'SUCCEEDED', 'SKIPPED'].includes(s.status);
  return (
    <section className="stage-detail" aria-labelledby="stage-title">
      <h2 id="stage-title">
        {s.name} <StatusBadge status={s.status} />
      </h2>
      <p className="muted small">
        {s.type} · refId {s.refId} · {formatTime(s.startTime)} · {formatDuration(elapsed(s.startTime, s.endTime))}
        {s.lastModified?.user ? ` · last changed by ${s.lastModified.user}` : ''}
      </p>
      {s.error && (
        <div className="error-box" role="alert">
          <strong>{s.error.source}</strong>: {s.error.message}
          {(s.error.details ?? []).length > 0 && (
            <ul>
              {s.error.details?.map((d, i) => (
                <li key={i}>
                  <code>{d.pointer}</code> {d.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {judgment && (
        <form
          className="card judgment"
          aria-label="Manual judgment"
          onSubmit={(ev) => {
            ev.preventDefault();
          }}
        >
          {typeof s.context['instructions'] === 'string' && <p>{s.context['instructions']}</p>}
          {options.length > 0 && (
            <>
              <label htmlFor="judgment-input">Judgment input</label>
              <select id="judgment-input" value={input} onChange={(ev) => setInput(ev.target.value)}>
                <option value="">(none)</option>
                {options.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            </>
          )}
          <div className="row">
            <button type="button" className="primary" disabled={busy} onClick={() => act({ kind: 'judge', stageId: s.id, judgmentStatus: 'continue', judgmentInput: input || undefined })}>
              Continue
            </button>
            <button type="button" className="danger" disabled={busy} onClick={() => act({ kind: 'judge', stageId: s.id, judgmentStatus: 'stop', judgmentInput: input || undefined })}>
              Stop
            </button>
          </div>
        </form>
      )}
      <div className="row wrap">
        {s.type === 'wait' && running && (
          <button type="button" disabled={busy} onClick={() => act({ kind: 'skipWait', stageId: s.id })}>
            {typeof s.context['skipWaitText'] === 'string' ? s.context['skipWaitText'] : 'Skip remaining wait'}
          </button>
        )}
        {(running || s.status === 'NOT_STARTED' || s.status === 'PAUSED') && execRunning && (
          <button type="button" disabled={busy} onClick={() => setConfirm('skip')}>
            Skip stage
          </button>
        )}
        {restartable && (
          <button type="button" disabled={busy} onClick={() => setConfirm('restart')}>
            Restart stage
          </button>
        )}
        {canaryId && (
          <Link className="button" to={`/canary/results/${canaryId}`}>
            Canary report
          </Link>
        )}
      </div>
      <h3>Tasks</h3>
      <table className="table compact">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {s.tasks.map((t) => (
            <tr key={t.id}>
              <td>
                {t.name}
                {t.lastError && <div className="field-error">{t.lastError}</div>}
              </td>
              <td>
                <StatusBadge status={t.status} />
                {(t.attempts ?? 0) > 1 && <span className="muted small"> {t.attempts} attempts</span>}
              </td>
              <td>{formatDuration(elapsed(t.startTime, t.endTime))}</td>
            </tr>
          ))}
          {s.tasks.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No tasks yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {children.length > 0 && (
        <>
          <h3>Synthetic stages</h3>
          <ul className="plain">
            {children.map((c) => (
              <li key={c.id}>
                <button type="button" className="link" onClick={() => onSelect(c.id)}>
                  {c.name}
                </button>{' '}
                <StatusBadge status={c.status} /> <span className="muted small">{c.syntheticStageOwner === 'STAGE_BEFORE' ? 'before' : 'after'}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <JsonView value={s.context} label="Context" />
      <JsonView value={s.outputs} label="Outputs" />
      <ConfirmDialog
        open={confirm !== null}
        title={confirm === 'restart' ? `Restart ${s.name}?` : `Skip ${s.name}?`}
        message={confirm === 'restart' ? 'The stage and the stages after it run again.' : 'The stage is marked SKIPPED and the pipeline goes on.'}
        confirmLabel={confirm === 'restart' ? 'Restart' : 'Skip'}
        busy={busy}
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          act(confirm === 'restart' ? { kind: 'restart', stageId: s.id } : { kind: 'skip', stageId: s.id });
          setConfirm(null);
        }}
      />
    </section>
  );
}
