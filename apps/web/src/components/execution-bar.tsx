import type { ExecutionSummary } from '@gennaker/api-client';
import { memo } from 'react';
import { Link } from 'react-router';
import { elapsed, formatDuration, formatTime } from '../util/format.util';
import { statusLabel, statusTone } from '../util/status.util';
import { StatusBadge } from './status-badge';

/** One execution as Deck shows it: a bar of its top-level stages coloured by status, and its duration. */
export const ExecutionBar = memo(function ExecutionBar({ execution }: { execution: ExecutionSummary }) {
  const stages = execution.stages.filter((s) => !s.parentStageId);
  const duration = elapsed(execution.startTime, execution.endTime);
  return (
    <Link to={`/executions/${execution.id}`} className="execution-row" aria-label={`Execution ${execution.name} ${statusLabel(execution.status)}, ${formatDuration(duration)}, started ${formatTime(execution.startTime ?? execution.buildTime)}`}>
      <StatusBadge status={execution.status} />
      <span className="stage-bar" aria-hidden="true">
        {stages.map((s) => (
          <span key={s.id ?? s.refId} className={`segment status-${statusTone(s.status ?? 'NOT_STARTED')}`} title={`${s.name ?? s.type}: ${statusLabel(s.status ?? 'NOT_STARTED')}`} />
        ))}
      </span>
      <span className="duration">{formatDuration(duration)}</span>
      <span className="muted small when">{formatTime(execution.startTime ?? execution.buildTime)}</span>
    </Link>
  );
});
