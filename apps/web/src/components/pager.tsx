/** Previous / next for lists: `page` is 0-based. */
export function Pager({ page, hasNext, onPage, label }: { page: number; hasNext: boolean; onPage: (page: number) => void; label: string }) {
  if (page === 0 && !hasNext) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page === 0}>
        ← Previous
      </button>
      <span aria-live="polite">Page {page + 1}</span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={!hasNext}>
        Next →
      </button>
    </nav>
  );
}
