import { ApiError } from '@gennaker/api-client';

/** An API error with its message and each field at fault (by JSON pointer). */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div className="error-box" role="alert">
      {title && <strong>{title}: </strong>}
      {message}
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              <code>{d.pointer || '/'}</code> {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
