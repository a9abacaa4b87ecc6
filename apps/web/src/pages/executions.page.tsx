import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useApplicationExecutions } from '../api/queries';
import { ErrorBox } from '../components/error-box';
import { ExecutionBar } from '../components/execution-bar';
import { Pager } from '../components/pager';

/** Every execution of an application, newest first, a page at a time (the API's cursors). */
export default function ExecutionsPage() {
  const { app = '' } = useParams();
  const [search] = useSearchParams();
  const pipelineId = search.get('pipelineId');
  const [type, setType] = useState<'PIPELINE' | 'ORCHESTRATION'>('PIPELINE');
  // cursors[n] is the cursor of page n (page 0 has none).
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const page = cursors.length - 1;
  const list = useApplicationExecutions(app, cursors[page] ?? null, pipelineId ? 'PIPELINE' : type, pipelineId);
  return (
    <section aria-labelledby="executions-title">
      <div className="row between">
        <h2 id="executions-title">
          Executions{' '}
          {pipelineId && (
            <span className="small">
              of one pipeline · <Link to={`/applications/${app}/executions`}>show all</Link>
            </span>
          )}
        </h2>
        <div role="group" aria-label="Kind" className="segmented">
          {(['PIPELINE', 'ORCHESTRATION'] as const).map((t) => (
            <button
              key={t}
              type="button"
              aria-pressed={type === t}
              onClick={() => {
                setType(t);
                setCursors([null]);
              }}
            >
              {t === 'PIPELINE' ? 'Pipelines' : 'Ad-hoc tasks'}
            </button>
          ))}
        </div>
      </div>
      <ErrorBox error={list.error} />
      <div className="executions">
        {list.data?.items.map((e) => (
          <div key={e.id} className="row">
            <span className="exec-name">{e.name}</span>
            <ExecutionBar execution={e} />
          </div>
        ))}
        {list.data?.items.length === 0 && <p className="muted">None yet.</p>}
      </div>
      <Pager
        page={page}
        hasNext={Boolean(list.data?.nextCursor)}
        onPage={(n) => setCursors(n < page ? cursors.slice(0, n + 1) : [...cursors, list.data?.nextCursor ?? null])}
        label="Executions"
      />
    </section>
  );
}
