import { useEffect, useState } from 'react';

type JsonSchema = Record<string, unknown>;

const asSchema = (v: unknown): JsonSchema => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonSchema) : {});

/** The kind of input a property schema gets. */
export type FieldKind = 'enum' | 'boolean' | 'number' | 'string' | 'number-or-string' | 'string-list' | 'value-list' | 'object' | 'json';

const SCALAR_KINDS: ReadonlySet<FieldKind> = new Set(['enum', 'boolean', 'number', 'string', 'number-or-string']);

export function fieldKind(schema: JsonSchema): FieldKind {
  if (Array.isArray(schema['enum'])) return 'enum';
  const type = schema['type'];
  const types = Array.isArray(type) ? type.filter((t) => t !== 'null') : type === undefined ? [] : [type];
  const alternatives = [...((schema['oneOf'] as unknown[]) ?? []), ...((schema['anyOf'] as unknown[]) ?? [])].map((s) => asSchema(s)['type']);
  const all = new Set([...types, ...alternatives].flat().filter((t) => t !== 'null'));
  if (all.size === 2 && all.has('string') && (all.has('number') || all.has('integer'))) return 'number-or-string';
  if (all.size === 1) {
    const t = [...all][0];
    if (t === 'boolean') return 'boolean';
    if (t === 'number' || t === 'integer') return 'number';
    if (t === 'string') return 'string';
    if (t === 'object') {
      // A small object of scalars (capacity {min, max, desired}) gets one input per property.
      const props = Object.values(asSchema(schema['properties']));
      if (props.length > 0 && props.length <= 6 && props.every((p) => SCALAR_KINDS.has(fieldKind(asSchema(p))))) return 'object';
    }
    if (t === 'array') {
      const items = asSchema(schema['items']);
      if (items['type'] === 'string') return 'string-list';
      const props = asSchema(items['properties']);
      if (items['type'] === 'object' && Object.keys(props).length === 1 && props['value']) return 'value-list';
    }
  }
  return 'json';
}

export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A JSON textarea that parses on blur and says when the text is not JSON. */
function JsonField({ id, value, onChange, disabled, describedBy }: { id: string; value: unknown; onChange: (v: unknown) => void; disabled?: boolean; describedBy?: string }) {
  const shown = value === undefined ? '' : JSON.stringify(value, null, 2);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(shown), [shown]);
  return (
    <>
      <textarea
        id={id}
        className="mono"
        rows={Math.min(12, Math.max(2, text.split('\n').length))}
        value={text}
        disabled={disabled}
        aria-invalid={error !== null}
        aria-describedby={describedBy}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (text.trim() === '') {
            setError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(text));
            setError(null);
          } catch (err) {
            setError(err instanceof Error ? err.message : 'not JSON');
          }
        }}
      />
      {error && (
        <p className="field-error" role="alert">
          Not JSON: {error}
        </p>
      )}
    </>
  );
}

export interface SchemaFieldProps {
  name: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  idPrefix: string;
  required?: boolean;
  disabled?: boolean;
  label?: string;
}

/** One input generated from a property's JSON schema. */
export function SchemaField({ name, schema, value, onChange, idPrefix, required, disabled, label }: SchemaFieldProps) {
  const id = `${idPrefix}-${name}`;
  const kind = fieldKind(schema);
  const description = typeof schema['description'] === 'string' ? schema['description'] : undefined;
  const help = description ? `${id}-help` : undefined;
  const title = label ?? (typeof schema['title'] === 'string' ? schema['title'] : humanize(name));
  const labelEl = (
    <label htmlFor={id}>
      {title}
      {required && <span aria-hidden="true"> *</span>}
    </label>
  );
  let input: React.ReactNode;
  switch (kind) {
    case 'boolean':
      return (
        <div className="field check">
          <input id={id} type="checkbox" checked={value === true} disabled={disabled} onChange={(e) => onChange(e.target.checked)} aria-describedby={help} />
          {labelEl}
          {description && (
            <p id={help} className="muted small">
              {description}
            </p>
          )}
        </div>
      );
    case 'enum':
      input = (
        <select id={id} value={value === undefined ? '' : String(value)} disabled={disabled} required={required} aria-describedby={help} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
          {!required && <option value="">(default)</option>}
          {(schema['enum'] as unknown[]).map((v) => (
            <option key={String(v)} value={String(v)}>
              {String(v)}
            </option>
          ))}
        </select>
      );
      break;
    case 'number':
      input = (
        <input
          id={id}
          type="number"
          value={typeof value === 'number' ? value : ''}
          disabled={disabled}
          required={required}
          aria-describedby={help}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
      break;
    case 'number-or-string':
      // A number, or an expression that gives one ("${parameters.wait}").
      input = (
        <input
          id={id}
          value={value === undefined || value === null ? '' : String(value)}
          disabled={disabled}
          required={required}
          aria-describedby={help}
          onChange={(e) => {
            const t = e.target.value;
            onChange(t === '' ? undefined : /^-?\d+(\.\d+)?$/.test(t.trim()) ? Number(t) : t);
          }}
        />
      );
      break;
    case 'string':
      input = (
        <input
          id={id}
          value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
          disabled={disabled}
          required={required}
          aria-describedby={help}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        />
      );
      break;
    case 'string-list':
      input = (
        <textarea
          id={id}
          rows={3}
          value={Array.isArray(value) ? value.join('\n') : ''}
          disabled={disabled}
          aria-describedby={help}
          placeholder="one per line"
          onChange={(e) => {
            const items = e.target.value.split('\n').map((s) => s.trim()).filter((s) => s !== '');
            onChange(items.length > 0 ? items : undefined);
          }}
        />
      );
      break;
    case 'value-list':
      input = (
        <textarea
          id={id}
          rows={3}
          value={Array.isArray(value) ? value.map((v) => String((v as { value?: unknown }).value ?? '')).join('\n') : ''}
          disabled={disabled}
          aria-describedby={help}
          placeholder="one per line"
          onChange={(e) => {
            const items = e.target.value.split('\n').map((s) => s.trim()).filter((s) => s !== '');
            onChange(items.length > 0 ? items.map((v) => ({ value: v })) : undefined);
          }}
        />
      );
      break;
    case 'object': {
      const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      return (
        <fieldset className="inline-group nested-object" disabled={disabled} aria-describedby={help}>
          <legend>
            {title}
            {required && <span aria-hidden="true"> *</span>}
          </legend>
          {description && (
            <p id={help} className="muted small">
              {description}
            </p>
          )}
          {Object.entries(asSchema(schema['properties'])).map(([k, p]) => (
            <SchemaField
              key={k}
              name={k}
              schema={{ ...asSchema(p), description: undefined }}
              value={obj[k]}
              idPrefix={id}
              label={`${title}: ${humanize(k).toLowerCase()}`}
              onChange={(v) => {
                const next: Record<string, unknown> = { ...obj, [k]: v };
                if (v === undefined) delete next[k];
                onChange(Object.keys(next).length > 0 ? next : undefined);
              }}
            />
          ))}
        </fieldset>
      );
    }
    case 'json':
      input = <JsonField id={id} value={value} onChange={onChange} disabled={disabled} describedBy={help} />;
      break;
  }
  return (
    <div className="field">
      {labelEl}
      {input}
      {description && (
        <p id={help} className="muted small">
          {description}
        </p>
      )}
    </div>
  );
}

/**
 * Inputs for every property of an object schema (a stage type's context schema), minus `skip`;
 * the `advanced` ones (aliases, rarely set keys) folded under "More settings".
 */
export function SchemaForm({
  schema,
  value,
  onChange,
  idPrefix,
  disabled,
  skip = [],
  advanced = [],
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (patch: Record<string, unknown>) => void;
  idPrefix: string;
  disabled?: boolean;
  skip?: readonly string[];
  advanced?: readonly string[];
}) {
  const props = asSchema(schema['properties']);
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  const names = Object.keys(props).filter((k) => !skip.includes(k));
  if (names.length === 0) return null;
  const field = (k: string) => (
    <SchemaField key={k} name={k} schema={asSchema(props[k])} value={value[k]} required={required.has(k)} disabled={disabled} idPrefix={idPrefix} onChange={(v) => onChange({ [k]: v })} />
  );
  const more = names.filter((k) => advanced.includes(k));
  return (
    <>
      {names.filter((k) => !advanced.includes(k)).map(field)}
      {more.length > 0 && (
        <details className="more" open={more.some((k) => value[k] !== undefined)}>
          <summary>More settings ({more.length})</summary>
          {more.map(field)}
        </details>
      )}
    </>
  );
}
