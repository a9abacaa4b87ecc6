import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { TriggerDeliveryView } from '../api/pending-paths';
import { useTriggerDeliveries } from '../api/queries';
import { ErrorBox } from '../components/error-box';
import { Pager } from '../components/pager';
import { formatTime } from '../util/format.util';

const PAGE = 25;

/** Webhook deliveries: what arrived, which pipelines it started, and why each other one did not fire. */
export default function DeliveriesPage() {
  const { app } = useParams();
  const deliveries = useTriggerDeliveries(app);
  const [page, setPage] = useState(0);
  const items: TriggerDeliveryView[] = Array.isArray(deliveries.data) ? deliveries.data : (deliveries.data?.items ?? []);
  const shown = items.slice(page * PAGE, page * PAGE + PAGE);
  return (
    <section aria-labelledby="deliveries-title">
      {app ? <h2 id="deliveries-title">Trigger deliveries</h2> : <h1 id="deliveries-title">Trigger deliveries</h1>}
      <p className="muted">Each webhook delivery received, the pipelines it started, and for each pipeline that did not fire, why.</p>
      <ErrorBox error={deliveries.error} />
      {deliveries.data && items.length === 0 && <p className="muted">No deliveries yet.</p>}
      <ol className="deliveries plain">
        {shown.map((d, i) => {
          const matches = d.matches ?? [];
          const fired = matches.filter((m) => m.executionId || m.fired);
          const skipped = matches.filter((m) => !(m.executionId || m.fired));
          return (
            <li key={d.id ?? d.deliveryId ?? i} className="card">
              <div className="row between wrap">
                <strong>
                  {d.source ?? 'webhook'} {d.event ? `· ${d.event}` : ''} {d.repository ? `· ${d.repository}` : ''} {d.branch ? `@ ${d.branch}` : ''}
                </strong>
                <span className="muted small">{formatTime(d.receivedAt ?? d.createdAt)}</span>
              </div>
              {d.verified === false && <p className="error-box">Signature not verified: ignored.</p>}
              {d.error && <p className="error-box">{d.error}</p>}
              {fired.length === 0 && skipped.length === 0 && <p className="muted small">It matched no pipeline.</p>}
              <ul className="plain">
                {fired.map((m, j) => (
                  <li key={`f${j}`}>
                    <span className="badge status-succeeded">fired</span> {m.pipelineName ?? m.pipelineId}
                    {m.executionId && (
                      <>
                        {' '}
                        → <Link to={`/executions/${m.executionId}`}>execution</Link>
                      </>
                    )}
                  </li>
                ))}
                {skipped.map((m, j) => (
                  <li key={`s${j}`}>
                    <span className="badge status-waiting">did not fire</span> {m.pipelineName ?? m.pipelineId}: {m.reason ?? 'no reason given'}
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ol>
      <Pager page={page} hasNext={(page + 1) * PAGE < items.length} onPage={setPage} label="Deliveries" />
    </section>
  );
}
