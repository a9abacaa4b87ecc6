type Parameter = Record<string, unknown> & { name?: string; options?: Array<{ value: string }> };

export function ParametersPanel({ parameters, onChange, disabled }: { parameters: Parameter[]; onChange: (p: Parameter[]) => void; disabled?: boolean }) {
  const set = (i: number, patch: Parameter) => onChange(parameters.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <fieldset className="panel" disabled={disabled}>
      <legend>Parameters</legend>
      {parameters.length === 0 && <p className="muted">No parameters.</p>}
      {parameters.map((p, i) => {
        const id = `param-cfg-${i}`;
        return (
          <div key={i} className="card nested" aria-label={`Parameter ${p.name || i + 1}`}>
            <div className="grid2">
              <div className="field">
                <label htmlFor={`${id}-name`}>Name</label>
                <input id={`${id}-name`} className="mono" value={String(p.name ?? '')} onChange={(e) => set(i, { name: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-label`}>Label</label>
                <input id={`${id}-label`} value={String(p['label'] ?? '')} onChange={(e) => set(i, { label: e.target.value || undefined })} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-default`}>Default</label>
                <input id={`${id}-default`} value={String(p['default'] ?? '')} onChange={(e) => set(i, { default: e.target.value || undefined })} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-description`}>Description</label>
                <input id={`${id}-description`} value={String(p['description'] ?? '')} onChange={(e) => set(i, { description: e.target.value || undefined })} />
              </div>
              <div className="field check">
                <input id={`${id}-required`} type="checkbox" checked={p['required'] === true} onChange={(e) => set(i, { required: e.target.checked })} />
                <label htmlFor={`${id}-required`}>Required</label>
              </div>
              <div className="field check">
                <input id={`${id}-hasoptions`} type="checkbox" checked={p['hasOptions'] === true} onChange={(e) => set(i, { hasOptions: e.target.checked, options: e.target.checked ? (p.options ?? []) : undefined })} />
                <label htmlFor={`${id}-hasoptions`}>Offer a list of options</label>
              </div>
            </div>
            {p['hasOptions'] === true && (
              <div className="field">
                <label htmlFor={`${id}-options`}>Options (one per line)</label>
                <textarea
                  id={`${id}-options`}
                  rows={3}
                  value={(p.options ?? []).map((o) => o.value).join('\n')}
                  onChange={(e) => set(i, { options: e.target.value.split('\n').map((s) => s.trim()).filter(Boolean).map((value) => ({ value })) })}
                />
              </div>
            )}
            <button type="button" className="danger small" onClick={() => onChange(parameters.filter((_, j) => j !== i))}>
              Remove parameter
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...parameters, { name: `param${parameters.length + 1}`, required: false }])}>
        Add parameter
      </button>
    </fieldset>
  );
}
