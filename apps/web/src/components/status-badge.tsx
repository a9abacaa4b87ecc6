import { statusLabel, statusTone } from '../util/status.util';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge status-${statusTone(status)}`} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}
