export type OutputFormat = 'json' | 'table';

/** Prints rows as aligned columns, or the raw data as JSON. */
export function print<T>(format: OutputFormat, data: T | T[], columns?: Array<[string, (row: T) => unknown]>): void {
  if (format === 'json' || !columns) {
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  const rows: T[] = Array.isArray(data) ? data : [data];
  const cells = rows.map((r) => columns.map(([, get]) => cell(get(r))));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${line(columns.map(([h]) => h))}\n`);
  for (const c of cells) process.stdout.write(`${line(c)}\n`);
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function info(format: OutputFormat, text: string): void {
  // In JSON mode stdout holds JSON only; progress goes to stderr.
  (format === 'json' ? process.stderr : process.stdout).write(`${text}\n`);
}
