import type { ExecutionSummary, StoredPipeline } from '@gennaker/api-client';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorText } from '../api/client';
import { usePipelineExecutions, usePipelines, useRecentApplicationExecutions, useStartExecution } from '../api/queries';
import { Dialog } from '../components/confirm-dialog';
import { ErrorBox } from '../components/error-box';
import { ExecutionBar } from '../components/execution-bar';

const RECENT = 5;
// Latest runs of the whole application, shared by its pipelines (one call instead of one each).
const SHARED_WINDOW = 100;

export function PipelinesPage() {
  const { app = '' } = useParams();
  const pipelines = usePipelines(app);
  const recent = useRecentApplicationExecutions(app, SHARED_WINDOW);
  const [starting, setStarting] = useState<StoredPipeline | null>(null);
  return (
    <section aria-labelledby="pipelines-title">
      <div className="row between">
        <h2 id="pipelines-title">Pipelines</h2>
        <Link to={`/applications/${app}/pipelines/new`} className="button primary">
          Create pipeline
        </Link>
      </div>
      <ErrorBox error={pipelines.error} />
      {pipelines.isPending && <p role="status">Loading…</p>}
      {pipelines.data?.length === 0 && <p className="muted">No pipelines yet.</p>}
      <ul className="pipeline-list" data-testid="pipeline-list">
        {pipelines.data?.map((p) => (
          <li key={p.id} className="card pipeline-card" aria-labelledby={`p-${p.id}`}>
            <div className="row between">
              <h3 id={`p-${p.id}`}>
                {p.name} {p.disabled === true && <span className="badge">disabled</span>} {p.managedBy && <span className="badge" title={`managed in ${p.managedBy.url}`}>from repo</span>}
              </h3>
              <div className="row">
                <Link to={`/pipelines/${p.id}/edit`} className="button" aria-label={`Configure ${p.name}`}>
                  Configure
                </Link>
                <button type="button" className="primary" onClick={() => setStarting(p)} disabled={p.disabled === true} aria-label={`Start manual execution of ${p.name}`}>
                  Start manual execution
                </button>
              </div>
            </div>
            <RecentExecutions pipelineId={p.id} shared={recent.data} />
            <Link to={`/applications/${app}/executions?pipelineId=${p.id}`} className="small" aria-label={`All executions of ${p.name}`}>
              All executions →
            </Link>
          </li>
        ))}
      </ul>
      {starting && <StartExecutionDialog pipeline={starting} onClose={() => setStarting(null)} />}
    </section>
  );
}

function RecentExecutions({ pipelineId, shared }: { pipelineId: string; shared: { items: ExecutionSummary[]; nextCursor: string | null } | undefined }) {
  const fromShared = shared?.items.filter((e) => e.pipelineId === pipelineId).slice(0, RECENT) ?? [];
  // Enough when the window holds this pipeline's last runs, or every run of the application.
  const enough = shared !== undefined && (fromShared.length >= RECENT || shared.nextCursor === null);
  const own = usePipelineExecutions(pipelineId, RECENT, shared !== undefined && !enough);
  if (own.error) return <p className="error-box">{errorText(own.error)}</p>;
  const items = enough ? fromShared : (own.data?.items ?? []);
  if ((enough || own.data) && items.length === 0) return <p className="muted small">Never run.</p>;
  return (
    <div className="executions" aria-label="Recent executions">
      {items.map((e) => (
        <ExecutionBar key={e.id} execution={e} />
      ))}
    </div>
  );
}

interface Parameter {
  name: string;
  label?: string;
  description?: string;
  default?: string | null;
  required?: boolean;
  hasOptions?: boolean;
  options?: Array<{ value: string }>;
}

/** The parameter form generated from the pipeline's parameterConfig. */
export function StartExecutionDialog({ pipeline, onClose }: { pipeline: StoredPipeline; onClose: () => void }) {
  const params = (pipeline.parameterConfig ?? []) as unknown as Parameter[];
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(params.map((p) => [p.name, p.default ?? (p.hasOptions ? (p.options?.[0]?.value ?? '') : '')])));
  const start = useStartExecution();
  const navigate = useNavigate();
  return (
    <Dialog open title={`Start ${pipeline.name}`} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate({ pipelineId: pipeline.id, parameters: values }, { onSuccess: (r) => void navigate(`/executions/${r.id}`) });
        }}
      >
        {params.length === 0 && <p className="muted">This pipeline has no parameters.</p>}
        {params.map((p) => {
          const id = `param-${p.name}`;
          return (
            <div key={p.name} className="field">
              <label htmlFor={id}>
                {p.label || p.name}
                {p.required && <span aria-hidden="true"> *</span>}
              </label>
              {p.hasOptions && (p.options?.length ?? 0) > 0 ? (
                <select id={id} value={values[p.name] ?? ''} required={p.required} onChange={(e) => setValues({ ...values, [p.name]: e.target.value })}>
                  {!p.required && <option value="">(none)</option>}
                  {p.options?.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.value}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} value={values[p.name] ?? ''} required={p.required} onChange={(e) => setValues({ ...values, [p.name]: e.target.value })} aria-describedby={p.description ? `${id}-help` : undefined} />
              )}
              {p.description && (
                <p id={`${id}-help`} className="muted small">
                  {p.description}
                </p>
              )}
            </div>
          );
        })}
        <ErrorBox error={start.error} />
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={start.isPending}>
            Run
          </button>
        </div>
      </form>
    </Dialog>
  );
}
