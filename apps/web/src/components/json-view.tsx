/** Read-only JSON (contexts, outputs): collapsed when long. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const text = JSON.stringify(value ?? {}, null, 2);
  const long = text.split('\n').length > 30;
  return (
    <details className="json-view" open={!long}>
      <summary>
        {label} {long ? `(${text.split('\n').length} lines)` : ''}
      </summary>
      <pre tabIndex={0} aria-label={label}>
        {text}
      </pre>
    </details>
  );
}
