// Converts a Kayenta canary config (as `spin canary canary-config get` or Kayenta's API returns it).
// Gennaker stores canary configs in Kayenta's shape, so most import unchanged; what differs is the
// metric sources (Prometheus, CloudWatch and the local provider's) and a few Kayenta-only fields.

import { validateCanaryConfig } from '@gennaker/canary';
import { validateCloudWatchQuery, validatePrometheusQuery } from '@gennaker/metrics';
import { isPlainObject, Notes, pointer, quote, type Json } from './notes.util';

export const DEFAULT_METRIC_SOURCES: readonly string[] = ['prometheus', 'cloudwatch', 'local'];

/** Written by Kayenta, not by its users; Gennaker writes its own. */
const METADATA = ['createdTimestamp', 'updatedTimestamp', 'createdTimestampIso', 'updatedTimestampIso', 'updatedBy'];
/** Kayenta's prometheus query fields that only describe the query to Deck. */
const DECK_ONLY_QUERY_KEYS = ['serviceType'];
const NAME = /^[A-Za-z0-9_-]+$/;
const ID = /^[A-Za-z0-9._-]{1,128}$/;

export function looksLikeCanaryConfig(doc: Json): boolean {
  return Array.isArray(doc['metrics']) && (isPlainObject(doc['classifier']) || isPlainObject(doc['judge']) || doc['configVersion'] !== undefined);
}

export interface ConvertedCanaryConfig {
  document: Json | null;
  name: string;
  notes: Notes;
}

export function convertCanaryConfig(input: Json, metricSources: readonly string[] = DEFAULT_METRIC_SOURCES): ConvertedCanaryConfig {
  const notes = new Notes();
  const doc: Json = structuredClone(input);
  for (const key of METADATA) {
    if (key in doc) {
      delete doc[key];
      notes.change(pointer(key), 'removed: Kayenta bookkeeping (Gennaker records its own)');
    }
  }
  if ('services' in doc) {
    delete doc['services'];
    notes.change('/services', 'removed: an early Kayenta field; each metric names its source in query.type');
  }
  const rawName = doc['name'];
  if (typeof rawName === 'string' && rawName !== '' && !NAME.test(rawName)) {
    const fixed = rawName.trim().replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
    doc['name'] = fixed;
    notes.change('/name', `${quote(rawName)} became ${quote(fixed)}: canary config names are letters, digits, "-" and "_" (pipelines that name the config instead of its id must use the new name)`);
  }
  if (doc['id'] !== undefined && (typeof doc['id'] !== 'string' || !ID.test(doc['id']))) notes.problem('/id', `${quote(doc['id'])} is not an id Gennaker accepts (1-128 letters, digits, ".", "_" or "-")`);

  const metrics = Array.isArray(doc['metrics']) ? doc['metrics'] : [];
  const templates = isPlainObject(doc['templates']) ? (doc['templates'] as Record<string, string>) : {};
  metrics.forEach((m, i) => {
    if (!isPlainObject(m)) return;
    const at = pointer('metrics', i);
    if ('serviceName' in m) {
      delete m['serviceName'];
      notes.change(`${at}/serviceName`, 'removed: an early Kayenta field; query.type names the source');
    }
    const query = m['query'];
    if (!isPlainObject(query)) {
      notes.problem(`${at}/query`, typeof query === 'string' ? 'a query written as a string is the early Kayenta format: write it as {type, ...}' : 'a metric needs a query {type, ...}');
      return;
    }
    const type = query['type'];
    if (typeof type !== 'string' || !metricSources.includes(type)) {
      notes.problem(`${at}/query/type`, `metric source ${quote(type)} is not supported: Gennaker reads ${metricSources.join(', ')}`);
      return;
    }
    for (const key of DECK_ONLY_QUERY_KEYS) {
      if (key in query) {
        delete query[key];
        notes.change(`${at}/query/${key}`, "removed: Deck's copy of query.type");
      }
    }
    if (type === 'prometheus') checkPrometheus(query, `${at}/query`, notes);
    const sourceErrors = type === 'prometheus' ? validatePrometheusQuery(query, { templates }) : type === 'cloudwatch' ? validateCloudWatchQuery(query, { templates }) : [];
    for (const e of sourceErrors) notes.problem(`${at}/query${e.pointer}`, e.message);
  });

  // Kayenta's own rules, as Gennaker checks them on POST /api/v1/canary/configs.
  if (notes.problems.length === 0) {
    for (const e of validateCanaryConfig(doc, metricSources).errors) notes.problem(e.pointer, e.message);
  }
  const name = typeof doc['name'] === 'string' ? doc['name'] : '';
  return { document: notes.problems.length > 0 ? null : doc, name, notes };
}

/** Where Kayenta's Prometheus behaviour and Gennaker's differ for the same query. */
function checkPrometheus(query: Json, at: string, notes: Notes): void {
  const groupBy = query['groupByFields'];
  if (Array.isArray(groupBy) && groupBy.length > 0) {
    notes.warn(`${at}/groupByFields`, 'Gennaker aggregates the whole scope into one series (query.aggregation, default sum) and ignores groupByFields');
  }
  const custom = ['customInlineTemplate', 'customFilterTemplate', 'customFilter'].some((k) => typeof query[k] === 'string' && query[k] !== '');
  if (!custom && typeof query['metricName'] === 'string') {
    notes.warn(at, 'no custom filter: Kayenta chose the scope labels from the scope\'s resourceType, Gennaker filters on server_group="${scope}" and region="${location}" (set scopeLabel and locationLabel, or a customFilterTemplate, if your series are labelled otherwise)');
  }
}
