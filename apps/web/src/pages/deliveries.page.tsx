import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { Schemas } from '@gennaker/api-client';
import { useTriggerDeliveries } from '../api/queries';
import { ErrorBox } from '../components/error-box';
import { Pager } from '../components/pager';
import { formatTime } from '../util/format.util';

/** The trigger debugger: each webhook delivery, what it started, and why every other pipeline did not fire. */
export default function DeliveriesPage() {
  const { app } = useParams();
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const page = cursors.length - 1;
  const deliveries = useTriggerDeliveries(app, cursors[page] ?? null);
  const items = deliveries.data?.items ?? [];
  return (
    <section aria-labelledby="deliveries-title">
      {app ? <h2 id="deliveries-title">Trigger deliveries</h2> : <h1 id="deliveries-title">Trigger deliveries</h1>}
      <p className="muted">Each webhook delivery received, the pipelines it started, and for each pipeline it did not start, why.</p>
      <ErrorBox error={deliveries.error} />
      {deliveries.data && items.length === 0 && <p className="muted">No deliveries yet.</p>}
      <ol className="deliveries plain">
        {items.map((d) => (
          <Delivery key={d.id} d={d} />
        ))}
      </ol>
      <Pager page={page} hasNext={Boolean(deliveries.data?.nextCursor)} onPage={(n) => setCursors(n < page ? cursors.slice(0, n + 1) : [...cursors, deliveries.data?.nextCursor ?? null])} label="Deliveries" />
    </section>
  );
}

type TriggerDelivery = Schemas['TriggerDelivery'];

function Delivery({ d }: { d: TriggerDelivery }) {
  return (
    <li className="card" aria-label={`Delivery ${d.deliveryId}`} data-testid="delivery">
      <div className="row between wrap">
        <strong>
          {d.provider} {d.event ? `· ${d.event}` : ''} {d.repository ? `· ${d.repository}` : ''} {d.branch ? `@ ${d.branch}` : ''} {d.hash ? <code>{d.hash.slice(0, 8)}</code> : null}
        </strong>
        <span className="muted small">
          {formatTime(d.receivedAt)} · delivery <code>{d.deliveryId}</code>
        </span>
      </div>
      {!d.accepted && (
        <p className="error-box">
          Refused ({d.signature}){d.message ? `: ${d.message}` : ''}
        </p>
      )}
      {d.accepted && d.message && <p className="muted small">{d.message}</p>}
      {d.accepted && d.started.length === 0 && d.skipped.length === 0 && !d.sync && <p className="muted small">No pipeline has a trigger for this repository.</p>}
      <ul className="plain">
        {d.started.map((s) => (
          <li key={`${s.pipelineId}-${s.triggerIndex}`}>
            <span className="badge status-succeeded">fired</span> {s.application} / {s.pipeline} → <Link to={`/executions/${s.executionId}`}>execution</Link>
          </li>
        ))}
        {d.skipped.map((s) => (
          <li key={`${s.pipelineId}-${s.triggerIndex}`}>
            <span className="badge status-waiting">did not fire</span> {s.application} / {s.pipeline}{s.triggerIndex !== undefined ? ` (trigger ${s.triggerIndex + 1})` : ''}: {s.reason}
          </li>
        ))}
      </ul>
      {d.sync && (
        <div className="small">
          <span className={`badge status-${d.sync.status === 'applied' ? 'succeeded' : d.sync.status === 'failed' ? 'failed' : 'running'}`}>sync {d.sync.status}</span> pipelines of {d.sync.application} from {d.sync.url} ({d.sync.branch}, {d.sync.path})
          {d.sync.created?.length ? ` · created ${d.sync.created.join(', ')}` : ''}
          {d.sync.updated?.length ? ` · updated ${d.sync.updated.join(', ')}` : ''}
          {d.sync.deleted?.length ? ` · deleted ${d.sync.deleted.join(', ')}` : ''}
          {d.sync.message ? ` · ${d.sync.message}` : ''}
          {(d.sync.errors ?? []).length > 0 && (
            <ul>
              {d.sync.errors?.map((e, i) => (
                <li key={i}>
                  {e.file} <code>{e.pointer}</code> {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </li>
  );
}
