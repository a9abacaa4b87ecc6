import { ApiError, type Schemas, type StoredPipeline } from '@gennaker/api-client';
import type { StageTypeInfo } from '@gennaker/pipeline';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useBlocker, useLocation, useNavigate, useParams } from 'react-router';
import { keys, usePipeline, useSavePipeline, useStageTypes, validateOnServer } from '../api/queries';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBox } from '../components/error-box';
import { StageGraph, type GraphStage } from '../components/stage-graph';
import { HistoryPanel } from '../editor/history-panel';
import { JsonEditor } from '../editor/json-editor';
import { placeErrors, validatePipelineText, type LineError } from '../editor/json-validation.util';
import { ParametersPanel } from '../editor/parameters-panel';
import { addStage, connectStages, disconnectStages, removeStage, toDraft, updateStage, type PipelineDraft } from '../editor/pipeline-draft.util';
import { defaultContext, StageForm } from '../editor/stage-form';
import { TriggersPanel } from '../editor/triggers-panel';

type StageType = Schemas['StageType'];

export default function PipelineEditorPage() {
  const { id, app } = useParams();
  const stored = usePipeline(id);
  const stageTypes = useStageTypes();
  const location = useLocation();
  // Survives the editor's remount on a new version (save, restore, reload).
  const [flash, setFlash] = useState<string | null>((location.state as { flash?: string } | null)?.flash ?? null);
  if (id && stored.isPending) return <p role="status">Loading…</p>;
  if (stored.error) return <ErrorBox error={stored.error} title="Could not load the pipeline" />;
  const initial: PipelineDraft = stored.data ? toDraft(stored.data as unknown as Record<string, unknown>) : { application: app ?? '', name: '', stages: [], triggers: [], parameterConfig: [], limitConcurrent: true, keepWaitingPipelines: false };
  return <Editor key={`${id ?? 'new'}:${stored.data?.version ?? 0}`} stored={stored.data} initial={initial} stageTypes={stageTypes.data ?? []} flash={flash} setFlash={setFlash} />;
}

type Tab = 'stages' | 'triggers' | 'parameters' | 'history';

function Editor({
  stored,
  initial,
  stageTypes,
  flash: savedNote,
  setFlash: setSavedNote,
}: {
  stored: StoredPipeline | undefined;
  initial: PipelineDraft;
  stageTypes: StageType[];
  flash: string | null;
  setFlash: (note: string | null) => void;
}) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const save = useSavePipeline();
  const [draft, setDraftState] = useState<PipelineDraft>(initial);
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<string | null>(initial.stages[0]?.refId ?? null);
  const [mode, setMode] = useState<'graph' | 'json'>('graph');
  const [jsonText, setJsonText] = useState('');
  const [jsonErrors, setJsonErrors] = useState<LineError[]>([]);
  const [tab, setTab] = useState<Tab>('stages');
  const [graphError, setGraphError] = useState<string | null>(null);
  const [newType, setNewType] = useState('wait');
  const managed = stored?.managedBy ?? null;
  const readOnly = managed !== null;
  const typeInfo = useMemo(() => new Map(stageTypes.map((t) => [t.type, t])), [stageTypes]);
  const validatorTypes = stageTypes as unknown as StageTypeInfo[];

  const setDraft = (next: PipelineDraft) => {
    setDraftState(next);
    setDirty(true);
    setSavedNote(null);
  };

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  // Leaving the editor with unsaved changes asks first (a ref: a save navigates in the same tick).
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirtyRef.current && currentLocation.pathname !== nextLocation.pathname);

  // In JSON mode, once the text passes the schema, the API's own check (each stage type's rules) runs too.
  useEffect(() => {
    if (mode !== 'json' || jsonErrors.length > 0) return;
    let current = true;
    const t = setTimeout(() => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(jsonText);
      } catch {
        return;
      }
      validateOnServer(parsed)
        .then((details) => {
          if (current && details.length > 0) setJsonErrors(placeErrors(jsonText, details));
        })
        .catch(() => undefined);
    }, 500);
    return () => {
      current = false;
      clearTimeout(t);
    };
  }, [mode, jsonText, jsonErrors.length]);

  const toJson = () => {
    const text = JSON.stringify(draft, null, 2);
    setJsonText(text);
    setJsonErrors(validatePipelineText(text, validatorTypes).errors);
    setMode('json');
  };
  const onJsonChange = (text: string) => {
    setJsonText(text);
    setDirty(true);
    setJsonErrors(validatePipelineText(text, validatorTypes).errors);
  };
  const toGraph = () => {
    const { errors, value } = validatePipelineText(jsonText, validatorTypes);
    if (value === undefined || !isObject(value)) {
      setJsonErrors(errors);
      return;
    }
    setDraftState(toDraft(value));
    setMode('graph');
  };

  const doSave = () => {
    let body: PipelineDraft = draft;
    if (mode === 'json') {
      const { errors, value } = validatePipelineText(jsonText, validatorTypes);
      if (value === undefined || !isObject(value)) {
        setJsonErrors(errors);
        return;
      }
      body = toDraft(value);
    }
    const payload: Record<string, unknown> = { ...body, ...(stored ? { id: stored.id, version: stored.version } : {}) };
    save.mutate(payload, {
      onSuccess: (saved) => {
        setDirty(false);
        dirtyRef.current = false;
        const note = `Saved as version ${saved.version}.`;
        setSavedNote(note);
        if (!stored) void navigate(`/pipelines/${saved.id}/edit`, { replace: true, state: { flash: note } });
      },
      onError: (err) => {
        if (mode === 'json' && err instanceof ApiError && err.status === 400) setJsonErrors(placeErrors(jsonText, err.details));
      },
    });
  };

  const conflict = save.error instanceof ApiError && save.error.status === 409;
  const graphStages: GraphStage[] = useMemo(
    () => draft.stages.map((s) => ({ id: s.refId, refId: s.refId, label: s.name || s.type, type: s.type, parents: (s.requisiteStageRefIds ?? []).map(String) })),
    [draft.stages],
  );
  const stage = draft.stages.find((s) => s.refId === selected);
  const sortedTypes = [...stageTypes].sort((a, b) => (a.label ?? a.type).localeCompare(b.label ?? b.type));

  return (
    <section aria-labelledby="editor-title" className="editor">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/applications/${draft.application}/pipelines`}>{draft.application}</Link> / <span>{stored ? stored.name : 'New pipeline'}</span>
      </nav>
      <div className="row between wrap">
        <h1 id="editor-title">{stored ? `Configure ${stored.name}` : 'New pipeline'}</h1>
        <div className="row">
          <div role="group" aria-label="Editor mode" className="segmented">
            <button type="button" aria-pressed={mode === 'graph'} onClick={() => mode === 'json' && toGraph()}>
              Graph
            </button>
            <button type="button" aria-pressed={mode === 'json'} onClick={() => mode === 'graph' && toJson()}>
              JSON
            </button>
          </div>
          <button type="button" className="primary" onClick={doSave} disabled={readOnly || save.isPending || (!dirty && stored !== undefined)}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
      {managed && (
        <div className="notice" role="note">
          This pipeline is managed in <a href={managed.url}>{managed.url}</a> (branch <code>{managed.branch}</code>, file <code>{managed.file ?? managed.path}</code>). It is read-only here: change it in
          the repository.
        </div>
      )}
      <ConfirmDialog
        open={blocker.state === 'blocked'}
        title="Leave without saving?"
        message="Your changes to this pipeline are not saved."
        confirmLabel="Discard changes"
        danger
        onClose={() => blocker.reset?.()}
        onConfirm={() => blocker.proceed?.()}
      />
      {savedNote && (
        <p className="ok" role="status">
          {savedNote}
        </p>
      )}
      {conflict ? (
        <div className="error-box" role="alert">
          <strong>Someone else saved this pipeline meanwhile.</strong> {save.error?.message}{' '}
          <button
            type="button"
            onClick={() => {
              save.reset();
              if (stored) void qc.invalidateQueries({ queryKey: keys.pipeline(stored.id) });
            }}
          >
            Load the latest version (discards your changes)
          </button>
        </div>
      ) : (
        mode === 'graph' && <ErrorBox error={save.error} title="Not saved" />
      )}
      {mode === 'json' ? (
        <>
          {save.error && !conflict && <p className="error-box">Not saved: {save.error.message}</p>}
          <JsonEditor text={jsonText} onChange={onJsonChange} errors={jsonErrors} readOnly={readOnly} />
        </>
      ) : (
        <>
          <fieldset className="pipeline-meta" disabled={readOnly}>
            <legend className="visually-hidden">Pipeline</legend>
            <div className="field">
              <label htmlFor="pipeline-name">Pipeline name</label>
              <input id="pipeline-name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
            </div>
            <div className="field check">
              <input id="pipeline-concurrent" type="checkbox" checked={draft['limitConcurrent'] !== false} onChange={(e) => setDraft({ ...draft, limitConcurrent: e.target.checked })} />
              <label htmlFor="pipeline-concurrent">Disable concurrent executions</label>
            </div>
            <div className="field check">
              <input id="pipeline-disabled" type="checkbox" checked={draft['disabled'] === true} onChange={(e) => setDraft({ ...draft, disabled: e.target.checked })} />
              <label htmlFor="pipeline-disabled">Disabled</label>
            </div>
          </fieldset>
          <nav className="tabs" aria-label="Pipeline configuration">
            {(['stages', 'triggers', 'parameters', ...(stored ? (['history'] as const) : [])] as Tab[]).map((t) => (
              <button key={t} type="button" aria-pressed={tab === t} onClick={() => setTab(t)}>
                {t === 'stages' ? `Stages (${draft.stages.length})` : t === 'triggers' ? `Triggers (${draft.triggers?.length ?? 0})` : t === 'parameters' ? `Parameters (${draft.parameterConfig?.length ?? 0})` : 'History'}
              </button>
            ))}
          </nav>
          {tab === 'stages' && (
            <>
              <div className="toolbar" role="toolbar" aria-label="Stages">
                <label htmlFor="new-stage-type">New stage type</label>
                <select id="new-stage-type" value={newType} onChange={(e) => setNewType(e.target.value)} disabled={readOnly}>
                  {sortedTypes.map((t) => (
                    <option key={t.type} value={t.type}>
                      {t.label ?? t.type}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  disabled={readOnly}
                  onClick={() => {
                    const info = typeInfo.get(newType);
                    const r = addStage(draft, { type: newType, name: info?.label ?? newType, context: defaultContext(info) }, selected ?? undefined);
                    setDraft(r.draft);
                    setSelected(r.refId);
                  }}
                >
                  Add stage{selected ? ' after selected' : ''}
                </button>
                {selected && (
                  <button
                    type="button"
                    className="danger"
                    disabled={readOnly}
                    onClick={() => {
                      setDraft(removeStage(draft, selected));
                      setSelected(null);
                    }}
                  >
                    Remove selected stage
                  </button>
                )}
                <span className="muted small">Drag from a stage&apos;s right edge to another stage to connect them; Delete removes the selected edge.</span>
              </div>
              {graphError && (
                <p className="error-box" role="alert">
                  {graphError}
                </p>
              )}
              <div className="editor-body">
                <div className="graph-column">
                  <StageGraph
                    label="Pipeline stages"
                    stages={graphStages}
                    selected={selected}
                    onSelect={setSelected}
                    editable={!readOnly}
                    onConnect={(source, target) => {
                      const r = connectStages(draft, source, target);
                      setGraphError(r.error ?? null);
                      if (!r.error) setDraft(r.draft);
                    }}
                    onDisconnect={(source, target) => setDraft(disconnectStages(draft, source, target))}
                    onRemove={(ref) => {
                      setDraft(removeStage(draft, ref));
                      if (selected === ref) setSelected(null);
                    }}
                  />
                  <ol className="stage-list" aria-label="Stages in order">
                    {draft.stages.map((s) => (
                      <li key={s.refId}>
                        <button type="button" aria-pressed={s.refId === selected} onClick={() => setSelected(s.refId)}>
                          {s.refId}. {s.name || s.type} <span className="muted small">{s.type}</span>
                        </button>
                      </li>
                    ))}
                  </ol>
                </div>
                <div className="form-column">
                  {stage ? (
                    <StageForm stage={stage} stages={draft.stages} stageType={typeInfo.get(stage.type)} disabled={readOnly} onChange={(patch) => setDraft(updateStage(draft, stage.refId, patch))} />
                  ) : (
                    <p className="muted">Select a stage to edit it, or add one.</p>
                  )}
                </div>
              </div>
            </>
          )}
          {tab === 'triggers' && <TriggersPanel triggers={draft.triggers ?? []} disabled={readOnly} onChange={(triggers) => setDraft({ ...draft, triggers })} />}
          {tab === 'parameters' && <ParametersPanel parameters={draft.parameterConfig ?? []} disabled={readOnly} onChange={(parameterConfig) => setDraft({ ...draft, parameterConfig })} />}
          {tab === 'history' && stored && <HistoryPanel pipelineId={stored.id} current={draft} readOnly={readOnly} onRestored={() => setSavedNote('Restored.')} />}
        </>
      )}
    </section>
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
