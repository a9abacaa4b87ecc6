// What `gennaker import spinnaker <dir>` would do: every document of every file, classified,
// converted and cross-checked, before anything is validated by the API or written.

import { convertApplication, looksLikeApplication, mergeApplications } from './application-conversion.util';
import { convertCanaryConfig, DEFAULT_METRIC_SOURCES, looksLikeCanaryConfig } from './canary-config-conversion.util';
import { outcomeOf, type ImportFile, type ImportItem, type ImportNote, type ImportOptions, type ImportPlan } from './import.model';
import { isPlainObject, pointer, quote, type Json } from './notes.util';
import { convertPipeline } from './pipeline-conversion.util';

interface Located {
  source: string;
  doc: unknown;
  path: string;
}

/** Parses, classifies and converts every document; never throws on bad input. */
export function planImport(files: readonly ImportFile[], options: ImportOptions): ImportPlan {
  const items: ImportItem[] = [];
  const located: Located[] = [];
  for (const f of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(f.text.replace(/^\uFEFF/, ''));
    } catch (err) {
      items.push(unknownItem(f.path, { pointer: '', message: `not valid JSON: ${err instanceof Error ? err.message.slice(0, 200) : 'syntax error'}` }));
      continue;
    }
    // `spin pipeline list` and Front50 dumps hold lists of documents.
    if (Array.isArray(parsed)) parsed.forEach((doc, i) => located.push({ source: `${f.path}[${i}]`, doc, path: f.path }));
    else located.push({ source: f.path, doc: parsed, path: f.path });
  }

  for (const { source, doc, path } of located) {
    if (!isPlainObject(doc)) {
      items.push(unknownItem(source, { pointer: '', message: 'not a JSON object' }));
      continue;
    }
    if (Array.isArray(doc['stages']) || doc['type'] === 'templatedPipeline' || (doc['schema'] === 'v2' && doc['template'] !== undefined)) {
      const c = convertPipeline(doc, { path, stageTypes: options.stageTypes, application: options.application, allowPartial: options.allowPartial, accounts: options.accounts ?? null });
      const app = c.document?.['application'] ?? doc['application'];
      const name = c.document?.['name'] ?? doc['name'];
      items.push({
        kind: 'pipeline',
        source,
        name: `${typeof app === 'string' ? app : '?'}/${typeof name === 'string' ? name : '?'}`,
        document: c.document,
        ...c.notes,
        ...(c.removedStages.length > 0 ? { stageSourceIndex: c.stageSourceIndex } : {}),
      });
    } else if (looksLikeCanaryConfig(doc)) {
      const c = convertCanaryConfig(doc, options.metricSources ?? DEFAULT_METRIC_SOURCES);
      items.push({ kind: 'canaryConfig', source, name: c.name || '?', document: c.document, ...c.notes });
    } else if (looksLikeApplication(doc)) {
      const c = convertApplication(doc);
      items.push({ kind: 'application', source, name: c.name || '?', document: c.document, ...c.notes });
    } else {
      items.push(unknownItem(source, { pointer: '', message: 'not a Spinnaker pipeline (stages), application (name with email, permissions...) or Kayenta canary config (metrics, classifier)' }));
    }
  }

  mergeDuplicateApplications(items);
  refuseDuplicates(items);
  addImpliedApplications(items);
  crossCheck(items);
  return { items };
}

function unknownItem(source: string, problem: ImportNote): ImportItem {
  return { kind: 'unknown', source, name: '-', document: null, changes: [], warnings: [], problems: [problem] };
}

/** A Front50 record and a Fiat permission file of the same application become one. */
function mergeDuplicateApplications(items: ImportItem[]): void {
  const first = new Map<string, ImportItem>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!item || item.kind !== 'application' || !item.document) continue;
    const earlier = first.get(item.name);
    if (!earlier?.document) {
      first.set(item.name, item);
      continue;
    }
    const filled = mergeApplications(earlier.document, item.document);
    earlier.changes.push({ pointer: '', message: `merged with ${item.source}${filled.length > 0 ? ` (took ${filled.join(', ')} from it)` : ''}` });
    earlier.warnings.push(...item.warnings.map((w) => ({ ...w, message: `${item.source}: ${w.message}` })));
    items.splice(i, 1);
    i--;
  }
}

/** Two documents that would be saved as one pipeline (or config): the later one is refused. */
function refuseDuplicates(items: ImportItem[]): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    if (!item.document || (item.kind !== 'pipeline' && item.kind !== 'canaryConfig')) continue;
    const id = item.document['id'];
    const keys: Array<[string, string]> = [['/name', `${item.kind} name ${item.name}`]];
    if (typeof id === 'string' && id !== '') keys.push(['/id', `${item.kind} id ${id}`]);
    const clash = keys.find(([, k]) => seen.has(k));
    if (clash) {
      item.problems.push({ pointer: clash[0], message: `the same ${item.kind === 'pipeline' ? 'pipeline' : 'canary config'} (${clash[0].slice(1)}) as ${seen.get(clash[1])}: import one of them` });
      item.document = null;
      continue;
    }
    for (const [, k] of keys) seen.set(k, item.source);
  }
}

/** Applications that importable pipelines name but no file defines are created bare. */
function addImpliedApplications(items: ImportItem[]): void {
  const apps = new Map(items.filter((i) => i.kind === 'application').map((i) => [i.name, i]));
  for (const item of [...items]) {
    if (item.kind !== 'pipeline' || !item.document) continue;
    const name = item.document['application'] as string;
    const app = apps.get(name);
    if (app && !app.document) {
      item.problems.push({ pointer: '/application', message: `its application ${quote(name)} (${app.source}) is not importable` });
      item.document = null;
    } else if (!app) {
      const implied: ImportItem = { kind: 'application', source: `(named by ${item.source})`, name, document: { name }, changes: [], warnings: [], problems: [], implied: true };
      apps.set(name, implied);
      items.push(implied);
    }
  }
}

/** Pipelines and canary configs that refer to each other by id or name. */
function crossCheck(items: ImportItem[]): void {
  const pipelineIds = new Set(items.flatMap((i) => (i.kind === 'pipeline' && i.document && typeof i.document['id'] === 'string' ? [i.document['id']] : [])));
  const configs = items.filter((i) => i.kind === 'canaryConfig' && i.document);
  const configIds = new Set(configs.flatMap((c) => (typeof c.document?.['id'] === 'string' ? [c.document['id'] as string] : [])));
  const configNames = new Set(configs.map((c) => c.name));
  for (const item of items) {
    if (item.kind !== 'pipeline' || !item.document) continue;
    const stages = Array.isArray(item.document['stages']) ? (item.document['stages'] as unknown[]) : [];
    stages.forEach((s, j) => {
      if (!isPlainObject(s)) return;
      const i = item.stageSourceIndex?.[j] ?? j;
      const child = s['pipeline'];
      if (s['type'] === 'pipeline' && typeof child === 'string' && child !== '' && !child.includes('${') && !pipelineIds.has(child)) {
        item.warnings.push({ pointer: pointer('stages', i, 'pipeline'), message: `runs pipeline ${quote(child)}, which is not among the imported files: import it too (its id is kept), or point the stage at its Gennaker id` });
      }
      const cc = isPlainObject(s['canaryConfig']) ? (s['canaryConfig'] as Json) : null;
      const id = cc?.['canaryConfigId'];
      if (typeof id === 'string' && id !== '' && !id.includes('${') && !configIds.has(id)) {
        item.warnings.push({ pointer: pointer('stages', i, 'canaryConfig', 'canaryConfigId'), message: `canary config ${quote(id)} is not among the imported files: import the Kayenta config (its id is kept) before the pipeline runs` });
      }
      const netflix = isPlainObject(s['canary']) && isPlainObject((s['canary'] as Json)['canaryConfig']) ? ((s['canary'] as Json)['canaryConfig'] as Json) : null;
      const analysis = netflix && isPlainObject(netflix['canaryAnalysisConfig']) ? (netflix['canaryAnalysisConfig'] as Json) : null;
      const byName = analysis?.['name'];
      if (typeof byName === 'string' && byName !== '' && !configNames.has(byName)) {
        item.warnings.push({ pointer: pointer('stages', i, 'canary', 'canaryConfig', 'canaryAnalysisConfig', 'name'), message: `names canary config ${quote(byName)}: a canary config of that name must exist in Gennaker (POST /api/v1/canary/configs) before the stage runs` });
      }
    });
    const triggers = Array.isArray(item.document['triggers']) ? (item.document['triggers'] as unknown[]) : [];
    triggers.forEach((t, k) => {
      if (!isPlainObject(t) || t['type'] !== 'pipeline') return;
      const up = t['pipeline'];
      if (typeof up === 'string' && up !== '' && !pipelineIds.has(up)) {
        item.warnings.push({ pointer: pointer('triggers', k, 'pipeline'), message: `follows pipeline ${quote(up)}, which is not among the imported files: it fires only once a pipeline with that id exists` });
      }
    });
  }
}

/**
 * Names an error of the converted document by the field of the exported one: the stage indexes of
 * a pipeline whose stages were removed shift.
 */
export function sourcePointer(item: Pick<ImportItem, 'stageSourceIndex'>, p: string): string {
  const m = /^\/stages\/(\d+)(\/.*)?$/.exec(p);
  if (!m || !item.stageSourceIndex) return p;
  const original = item.stageSourceIndex[Number(m[1])];
  return original === undefined ? p : `/stages/${original}${m[2] ?? ''}`;
}

/** Adds problems found after planning (by the API's validation) and drops the document. */
export function addProblems(item: ImportItem, problems: readonly ImportNote[]): void {
  for (const p of problems) item.problems.push({ pointer: sourcePointer(item, p.pointer), message: p.message });
  if (item.problems.length > 0) item.document = null;
}

export interface ImportSummary {
  total: number;
  asIs: number;
  changed: number;
  notImportable: number;
  byKind: Record<string, number>;
}

export function summarize(items: readonly ImportItem[]): ImportSummary {
  const s: ImportSummary = { total: items.length, asIs: 0, changed: 0, notImportable: 0, byKind: {} };
  for (const item of items) {
    const o = outcomeOf(item);
    if (o === 'as-is') s.asIs++;
    else if (o === 'changed') s.changed++;
    else s.notImportable++;
    s.byKind[item.kind] = (s.byKind[item.kind] ?? 0) + 1;
  }
  return s;
}
