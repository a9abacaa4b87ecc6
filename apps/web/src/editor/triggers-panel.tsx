import { SchemaField } from './schema-form';

type Trigger = Record<string, unknown>;

/** Fields per trigger type (Spinnaker's names); any other key is kept and editable as JSON. */
const FIELDS: Record<string, Array<{ key: string; label: string; placeholder?: string; options?: string[]; list?: boolean }>> = {
  git: [
    { key: 'source', label: 'Source', options: ['github', 'gitlab', 'bitbucket'] },
    { key: 'project', label: 'Project or organisation' },
    { key: 'slug', label: 'Repository' },
    { key: 'branch', label: 'Branch (regex)', placeholder: 'main' },
  ],
  cron: [
    { key: 'cronExpression', label: 'Cron expression', placeholder: '0 0 10 ? * MON-FRI' },
    { key: 'timeZone', label: 'Time zone', placeholder: 'UTC' },
  ],
  pipeline: [
    { key: 'application', label: 'Application' },
    { key: 'pipeline', label: 'Pipeline id' },
    { key: 'status', label: 'When it ends (one per line)', placeholder: 'successful', list: true },
  ],
  webhook: [{ key: 'source', label: 'Source name (/webhooks/webhook/<source>)' }],
};

export function TriggersPanel({ triggers, onChange, disabled }: { triggers: Trigger[]; onChange: (t: Trigger[]) => void; disabled?: boolean }) {
  const set = (i: number, patch: Trigger) =>
    onChange(
      triggers.map((t, j) => {
        if (j !== i) return t;
        const next = { ...t, ...patch };
        for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
        return next;
      }),
    );
  return (
    <fieldset className="panel" disabled={disabled}>
      <legend>Triggers</legend>
      {triggers.length === 0 && <p className="muted">No triggers: this pipeline runs when started by hand or by the CLI.</p>}
      {triggers.map((t, i) => {
        const type = String(t['type'] ?? '');
        const fields = FIELDS[type] ?? [];
        const known = new Set(['type', 'enabled', ...fields.map((f) => f.key)]);
        const other = Object.fromEntries(Object.entries(t).filter(([k]) => !known.has(k)));
        const id = `trigger-${i}`;
        return (
          <div key={i} className="card nested" aria-label={`Trigger ${i + 1}`}>
            <div className="grid2">
              <div className="field">
                <label htmlFor={`${id}-type`}>Type</label>
                <select id={`${id}-type`} value={type} onChange={(e) => set(i, { type: e.target.value })}>
                  {[...new Set([...Object.keys(FIELDS), type])].filter(Boolean).map((x) => (
                    <option key={x}>{x}</option>
                  ))}
                </select>
              </div>
              <div className="field check">
                <input id={`${id}-enabled`} type="checkbox" checked={t['enabled'] !== false} onChange={(e) => set(i, { enabled: e.target.checked })} />
                <label htmlFor={`${id}-enabled`}>Enabled</label>
              </div>
              {fields.map((f) => (
                <div className="field" key={f.key}>
                  <label htmlFor={`${id}-${f.key}`}>{f.label}</label>
                  {f.options ? (
                    <select id={`${id}-${f.key}`} value={String(t[f.key] ?? '')} onChange={(e) => set(i, { [f.key]: e.target.value || undefined })}>
                      <option value="">(choose)</option>
                      {f.options.map((o) => (
                        <option key={o}>{o}</option>
                      ))}
                    </select>
                  ) : f.list ? (
                    <textarea
                      id={`${id}-${f.key}`}
                      rows={2}
                      placeholder={f.placeholder}
                      value={Array.isArray(t[f.key]) ? (t[f.key] as string[]).join('\n') : ''}
                      onChange={(e) => set(i, { [f.key]: e.target.value.split('\n').map((s) => s.trim()).filter(Boolean) })}
                    />
                  ) : (
                    <input id={`${id}-${f.key}`} placeholder={f.placeholder} value={String(t[f.key] ?? '')} onChange={(e) => set(i, { [f.key]: e.target.value || undefined })} />
                  )}
                </div>
              ))}
            </div>
            <SchemaField
              name="other"
              label="Other settings (JSON)"
              idPrefix={id}
              schema={{}}
              value={Object.keys(other).length > 0 ? other : undefined}
              onChange={(v) => {
                const cleared: Trigger = Object.fromEntries(Object.keys(other).map((k) => [k, undefined]));
                set(i, { ...cleared, ...((v ?? {}) as Trigger) });
              }}
            />
            <button type="button" className="danger small" onClick={() => onChange(triggers.filter((_, j) => j !== i))}>
              Remove trigger
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...triggers, { type: 'git', enabled: true, source: 'github', branch: 'main' }])}>
        Add trigger
      </button>
    </fieldset>
  );
}
