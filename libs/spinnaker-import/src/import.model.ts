import type { StageTypeInfo } from '@gennaker/pipeline';

/** One exported file, as read from disk. */
export interface ImportFile {
  /** Path relative to the folder being imported (shown in the report). */
  path: string;
  text: string;
}

export type ImportKind = 'application' | 'pipeline' | 'canaryConfig' | 'unknown';

/**
 * Something the report says about an item. The pointer names the field in the exported document
 * (RFC 6901; "" is the whole document), so a user can find it in the file they exported.
 */
export interface ImportNote {
  pointer: string;
  message: string;
}

/** How an item imports: unchanged, with changes, or not at all. */
export type ImportOutcome = 'as-is' | 'changed' | 'not-importable';

export interface ImportItem {
  kind: ImportKind;
  /** The file, and the index when the file holds a list: `pipelines.json[2]`. */
  source: string;
  /** application name, `application/pipeline name`, or canary config name. */
  name: string;
  /** What would be written to Gennaker (null when nothing can be). */
  document: Record<string, unknown> | null;
  /** Edits made to the exported document, each by pointer. */
  changes: ImportNote[];
  /** Imported, but worth a look before it runs (an account this install lacks, an expression that will fail...). */
  warnings: ImportNote[];
  /** Why the item cannot be imported. Any problem makes it not importable. */
  problems: ImportNote[];
  /** An application no file defines, created because imported pipelines name it. */
  implied?: boolean;
  /**
   * For pipelines from which stages were removed (--allow-partial): the exported index of each
   * stage of `document`, so errors found later (by the API) can be named in the exported file.
   */
  stageSourceIndex?: number[];
}

export interface ImportOptions {
  /** The stage types of the install (GET /api/v1/stage-types), with their aliases. */
  stageTypes: readonly StageTypeInfo[];
  /** Application for pipelines that name none (a converted template); else inferred from their clusters. */
  application?: string;
  /**
   * Import pipelines whose stage types Gennaker lacks: those stages are removed, their dependants
   * wired to what they depended on, and the pipeline is disabled until someone reviews it.
   */
  allowPartial?: boolean;
  /** Account names of the install (GET /api/v1/accounts); null or absent: not checked. */
  accounts?: readonly string[] | null;
  /** Metric source types canary configs may use. */
  metricSources?: readonly string[];
}

export interface ImportPlan {
  items: ImportItem[];
}

export function outcomeOf(item: Pick<ImportItem, 'changes' | 'problems'>): ImportOutcome {
  if (item.problems.length > 0) return 'not-importable';
  return item.changes.length > 0 ? 'changed' : 'as-is';
}

/** The words the report uses for each outcome. */
export const OUTCOME_LABELS: Record<ImportOutcome, string> = {
  'as-is': 'imported as-is',
  changed: 'imported with changes',
  'not-importable': 'not importable',
};
