import { useMemo, useRef } from 'react';
import type { LineError } from './json-validation.util';

/**
 * The pipeline as JSON: a textarea with line numbers, the lines with errors marked in the gutter,
 * and the list of errors, each naming its line (a click or Enter puts the caret there).
 */
export function JsonEditor({ text, onChange, errors, readOnly }: { text: string; onChange: (t: string) => void; errors: readonly LineError[]; readOnly?: boolean }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = useMemo(() => text.split('\n').length, [text]);
  const bad = useMemo(() => new Set(errors.map((e) => e.line)), [errors]);
  const goTo = (line: number) => {
    const t = area.current;
    if (!t) return;
    const lines = text.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    t.focus();
    t.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = parseFloat(getComputedStyle(t).lineHeight) || 18;
    t.scrollTop = Math.max(0, (line - 5) * lineHeight);
  };
  return (
    <div className="json-editor">
      <div className="json-editor-body">
        <div className="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, i) => (
            <div key={i} className={bad.has(i + 1) ? 'bad' : undefined} data-line={i + 1}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={area}
          className="mono"
          aria-label="Pipeline JSON"
          aria-invalid={errors.length > 0}
          aria-describedby="json-errors"
          spellCheck={false}
          readOnly={readOnly}
          value={text}
          wrap="off"
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      <div id="json-errors" aria-live="polite">
        {errors.length === 0 ? (
          <p className="ok small">No errors.</p>
        ) : (
          <ul className="json-errors" data-testid="json-errors">
            {errors.map((e, i) => (
              <li key={i}>
                <button type="button" className="link" onClick={() => goTo(e.line)} data-line={e.line}>
                  Line {e.line}
                </button>
                {e.pointer && <code>{e.pointer}</code>} {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
