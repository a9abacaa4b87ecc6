import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { CanaryIntervalView, CanaryResultView } from '../api/pending-paths';
import { useCanaryResult } from '../api/queries';
import { DistributionChart, ScoreChart, StatsChart } from '../components/charts';
import { ErrorBox } from '../components/error-box';
import { formatTime } from '../util/format.util';

const tone = (c: string | null | undefined) => (c === 'Pass' ? 'succeeded' : c === 'Fail' || c === 'High' || c === 'Low' || c === 'Error' ? 'failed' : c === 'Marginal' || c === 'NodataFailMetric' ? 'paused' : 'waiting');

/** A canary run: the score per interval over time, each metric's classification, control against experiment. */
export default function CanaryPage() {
  const { id = '' } = useParams();
  const result = useCanaryResult(id);
  const [chosen, setChosen] = useState<number | null>(null);
  if (result.isPending) return <p role="status">Loading…</p>;
  if (!result.data) return <ErrorBox error={result.error} title="Could not load the canary result" />;
  // The generated type once the document has the path, else API.md's (a structural subset of it).
  const r: CanaryResultView & { windows?: unknown[] } = result.data;
  const intervals: CanaryIntervalView[] = r.intervals ?? [];
  const index = chosen ?? intervals.length - 1;
  const interval = intervals[index];
  const thresholds: { pass?: number; marginal?: number } = r.scoreThresholds ?? (r.config?.['classifier'] as { scoreThresholds?: { pass?: number; marginal?: number } } | undefined)?.scoreThresholds ?? {};
  return (
    <section aria-labelledby="canary-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        {r.application && <Link to={`/applications/${r.application}/pipelines`}>{r.application}</Link>}
        {r.executionId && (
          <>
            {' '}
            / <Link to={`/executions/${r.executionId}`}>execution</Link>
          </>
        )}
      </nav>
      <h1 id="canary-title">
        Canary report{r.configName ? `: ${r.configName}` : ''}{' '}
        {r.classification && (
          <span className={`badge status-${tone(r.classification)}`}>
            {r.classification} {typeof r.score === 'number' ? r.score.toFixed(1) : ''}
          </span>
        )}
      </h1>
      {(r.pipelineName || r.stageName) && (
        <p className="muted">
          {r.pipelineName} {r.stageName ? `· ${r.stageName}` : ''} {r.status ? `· ${r.status}` : ''}
        </p>
      )}
      {r.message && <p className={r.classification === 'Pass' ? 'ok' : 'error-box'}>{r.message}</p>}
      {intervals.length === 0 ? (
        <p className="muted">No interval has been judged yet.</p>
      ) : (
        <ScoreChart
          label="Canary score per interval"
          slots={r.windows?.length ?? 0}
          pass={thresholds.pass}
          marginal={thresholds.marginal}
          points={intervals.map((iv, i) => ({ x: i, score: iv.score, label: iv.endTime ? new Date(iv.endTime).toLocaleTimeString() : `#${(iv.index ?? i) + 1}` }))}
        />
      )}
      {intervals.length > 1 && (
        <div className="toolbar">
          <label htmlFor="interval">Interval</label>
          <select id="interval" value={index} onChange={(e) => setChosen(Number(e.target.value))}>
            {intervals.map((iv, i) => (
              <option key={i} value={i}>
                #{(iv.index ?? i) + 1} {iv.endTime ? formatTime(iv.endTime) : ''} score {iv.score.toFixed(1)}
              </option>
            ))}
          </select>
        </div>
      )}
      {interval && (
        <>
          <h2>Metrics of interval #{(interval.index ?? index) + 1}</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Classification</th>
                <th scope="col">Estimate</th>
                <th scope="col">Interval</th>
                <th scope="col">p-value</th>
                <th scope="col">Control vs experiment</th>
              </tr>
            </thead>
            <tbody>
              {(interval.metrics ?? []).map((m) => (
                <tr key={m.name}>
                  <th scope="row">
                    {m.name}
                    {m.critical && <span className="badge status-failed">critical</span>}
                  </th>
                  <td>
                    <span className={`badge status-${tone(m.classification)}`}>{m.classification}</span>
                  </td>
                  <td>{typeof m.estimate === 'number' ? m.estimate.toPrecision(3) : '–'}</td>
                  <td>{Array.isArray(m.interval) ? m.interval.map((x) => x.toPrecision(3)).join(' … ') : '–'}</td>
                  <td>{typeof m.pValue === 'number' ? m.pValue.toPrecision(2) : '–'}</td>
                  <td>
                    {m.control && m.experiment ? (
                      <DistributionChart label={m.name} control={m.control} experiment={m.experiment} />
                    ) : m.controlStats && m.experimentStats ? (
                      <StatsChart label={m.name} control={m.controlStats} experiment={m.experimentStats} />
                    ) : (
                      <span className="muted small">no samples stored</span>
                    )}
                    {m.reason && <div className="muted small">{m.reason}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
