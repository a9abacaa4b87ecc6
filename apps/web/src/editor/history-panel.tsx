import type { Schemas } from '@gennaker/api-client';
import { useMemo, useState } from 'react';
import { errorText } from '../api/client';
import { usePipelineHistory, useRestorePipeline } from '../api/queries';
import { ConfirmDialog } from '../components/confirm-dialog';
import { formatTime } from '../util/format.util';
import { lineDiff } from '../util/line-diff.util';

type Revision = Schemas['Revision'];

/** Revisions newest first; one chosen shows its diff against the current pipeline, and can be restored. */
export function HistoryPanel({ pipelineId, current, readOnly, onRestored }: { pipelineId: string; current: Record<string, unknown>; readOnly?: boolean; onRestored: () => void }) {
  const history = usePipelineHistory(pipelineId);
  const restore = useRestorePipeline();
  const [chosen, setChosen] = useState<Revision | null>(null);
  const [confirm, setConfirm] = useState(false);
  const diff = useMemo(() => (chosen ? lineDiff(stable(chosen.pipeline), stable(current)) : []), [chosen, current]);
  return (
    <section className="panel" aria-labelledby="history-title">
      <h3 id="history-title">Revision history</h3>
      {history.error && <p className="error-box">{errorText(history.error)}</p>}
      <div className="history">
        <ol className="revisions">
          {history.data?.map((r) => (
            <li key={r.version}>
              <button type="button" aria-pressed={chosen?.version === r.version} onClick={() => setChosen(r)}>
                v{r.version} · {r.action} · {r.author ?? 'anonymous'} · {formatTime(r.createdAt)}
              </button>
            </li>
          ))}
        </ol>
        {chosen && (
          <div className="diff-wrap">
            <div className="row between">
              <p>
                Changes from <strong>v{chosen.version}</strong> to the current pipeline (<span className="removed-key">− only in v{chosen.version}</span>, <span className="added-key">+ current</span>)
              </p>
              <button type="button" disabled={readOnly || restore.isPending} onClick={() => setConfirm(true)}>
                Restore v{chosen.version}
              </button>
            </div>
            <pre className="diff" tabIndex={0} aria-label={`Diff of version ${chosen.version} against the current pipeline`}>
              {diff.map((l, i) => (
                <div key={i} className={`diff-${l.kind}`}>
                  {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '− ' : '  '}
                  {l.text}
                </div>
              ))}
            </pre>
          </div>
        )}
      </div>
      {restore.error && <p className="error-box">{errorText(restore.error)}</p>}
      <ConfirmDialog
        open={confirm && chosen !== null}
        title={`Restore version ${chosen?.version}?`}
        message="The pipeline becomes what it was then, as a new revision. Unsaved edits here are discarded."
        confirmLabel="Restore"
        busy={restore.isPending}
        onClose={() => setConfirm(false)}
        onConfirm={() =>
          chosen &&
          restore.mutate(
            { id: pipelineId, version: chosen.version },
            {
              onSuccess: () => {
                setConfirm(false);
                setChosen(null);
                onRestored();
              },
            },
          )
        }
      />
    </section>
  );
}

const IGNORED = new Set(['id', 'version', 'updateTs', 'createTs', 'lastModifiedBy', 'managedBy']);

/** JSON with sorted keys (revisions and the current pipeline may order keys differently). */
function stable(v: unknown): string {
  const sort = (x: unknown, top: boolean): unknown => {
    if (Array.isArray(x)) return x.map((y) => sort(y, false));
    if (x && typeof x === 'object') {
      return Object.fromEntries(
        Object.keys(x)
          .filter((k) => !(top && IGNORED.has(k)))
          .sort()
          .map((k) => [k, sort((x as Record<string, unknown>)[k], false)]),
      );
    }
    return x;
  };
  return JSON.stringify(sort(v, true), null, 2);
}
