import { OUTCOME_LABELS, outcomeOf, type ImportItem } from './import.model';
import { summarize } from './import-plan.util';

/** What the CLI did with an item: written (created or updated), left alone, or nothing. */
export type ImportAction = 'created' | 'updated' | 'exists' | 'dry-run' | 'skipped';

const ACTION_LABELS: Record<ImportAction, string> = {
  created: 'created',
  updated: 'updated',
  exists: 'exists, left as it is',
  'dry-run': 'not written (dry run)',
  skipped: 'not written',
};

const KIND_LABELS: Record<ImportItem['kind'], string> = {
  application: 'application',
  pipeline: 'pipeline',
  canaryConfig: 'canary config',
  unknown: '?',
};

/** The report as text: one line per item, its changes, warnings and problems by pointer, then a summary. */
export function formatImportReport(items: readonly ImportItem[], actions: ReadonlyMap<ImportItem, ImportAction>, options: { dryRun: boolean }): string {
  const rows = items.map((item) => [OUTCOME_LABELS[outcomeOf(item)], KIND_LABELS[item.kind], item.name, item.source, ACTION_LABELS[actions.get(item) ?? 'skipped']]);
  const header = ['RESULT', 'KIND', 'NAME', 'SOURCE', 'ACTION'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out: string[] = [line(header)];
  items.forEach((item, k) => {
    out.push(line(rows[k] ?? []));
    for (const p of item.problems) out.push(`    problem  ${p.pointer || '(document)'}: ${p.message}`);
    for (const c of item.changes) out.push(`    change   ${c.pointer || '(document)'}: ${c.message}`);
    for (const w of item.warnings) out.push(`    warning  ${w.pointer || '(document)'}: ${w.message}`);
  });
  const s = summarize(items);
  const written = [...actions.values()].filter((a) => a === 'created' || a === 'updated').length;
  out.push('');
  out.push(
    `${s.total} item(s): ${s.asIs} ${OUTCOME_LABELS['as-is']}, ${s.changed} ${OUTCOME_LABELS.changed}, ${s.notImportable} ${OUTCOME_LABELS['not-importable']}; ` +
      (options.dryRun ? 'dry run: nothing written' : `${written} written`),
  );
  return `${out.join('\n')}\n`;
}

/** The report as data, for `--output json`. */
export function importReportJson(items: readonly ImportItem[], actions: ReadonlyMap<ImportItem, ImportAction>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    summary: summarize(items),
    items: items.map((item) => ({
      kind: item.kind,
      name: item.name,
      source: item.source,
      result: outcomeOf(item),
      action: actions.get(item) ?? 'skipped',
      ...(item.implied ? { implied: true } : {}),
      changes: item.changes,
      warnings: item.warnings,
      problems: item.problems,
    })),
  };
}
