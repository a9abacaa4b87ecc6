import { isPlainObject, type ErrorDetail } from '@gennaker/common';
import type { PipelineConfig } from '@gennaker/pipeline';
import { CronError, parseCron } from './cron.util';
import { GIT_SOURCES } from './git-event.model';
import { PIPELINE_TRIGGER_STATUSES } from './pipeline-trigger.util';

/**
 * Checks the fields of the trigger types Gennaker runs (git, cron, pipeline), with pointers into
 * the pipeline document. Other trigger types (jenkins, docker...) are stored unchecked, as Spinnaker
 * exports hold them.
 */
export function validateTriggers(p: Pick<PipelineConfig, 'triggers' | 'expectedArtifacts'>): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const artifactIds = new Set((p.expectedArtifacts ?? []).map((a) => a.id));
  (p.triggers ?? []).forEach((t, i) => {
    const at = (k: string) => `/triggers/${i}/${k}`;
    if (!isPlainObject(t)) return;
    const ids = t['expectedArtifactIds'];
    if (ids !== undefined) {
      if (!Array.isArray(ids)) errors.push({ pointer: at('expectedArtifactIds'), message: 'must be a list of expected artifact ids' });
      else ids.forEach((id, j) => {
        if (typeof id !== 'string' || !artifactIds.has(id)) errors.push({ pointer: `${at('expectedArtifactIds')}/${j}`, message: `no expected artifact with id ${JSON.stringify(id)}` });
      });
    }
    switch (t.type) {
      case 'git': {
        if (typeof t['source'] !== 'string' || !(GIT_SOURCES as readonly string[]).includes(t['source'])) {
          errors.push({ pointer: at('source'), message: `must be one of ${GIT_SOURCES.join(', ')}` });
        }
        for (const k of ['project', 'slug']) {
          if (typeof t[k] !== 'string' || t[k] === '') errors.push({ pointer: at(k), message: 'required: the repository owner (project) and name (slug)' });
        }
        const branch = t['branch'];
        if (branch !== undefined && branch !== null && branch !== '') {
          if (typeof branch !== 'string') errors.push({ pointer: at('branch'), message: 'must be a regular expression' });
          else {
            try {
              new RegExp(branch);
            } catch (err) {
              errors.push({ pointer: at('branch'), message: `is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}` });
            }
          }
        }
        const events = t['events'];
        if (events !== undefined && (!Array.isArray(events) || events.some((e) => typeof e !== 'string' || e === ''))) {
          errors.push({ pointer: at('events'), message: 'must be a list of event names (push, tag, pr:opened, pr:synchronize, pr:merged)' });
        }
        const secret = t['secret'];
        if (secret !== undefined && secret !== null && typeof secret !== 'string' && !(isPlainObject(secret) && typeof secret['encrypted'] === 'string')) {
          errors.push({ pointer: at('secret'), message: 'must be a string' });
        }
        break;
      }
      case 'cron': {
        const tzKey = t['timeZone'] !== undefined ? 'timeZone' : 'tz';
        try {
          parseCron(t['cronExpression'], t[tzKey]);
        } catch (err) {
          if (!(err instanceof CronError)) throw err;
          const onTz = err.message.startsWith('unknown time zone');
          errors.push({ pointer: at(onTz ? tzKey : 'cronExpression'), message: err.message });
        }
        break;
      }
      case 'pipeline': {
        if (typeof t['application'] !== 'string' || t['application'] === '') errors.push({ pointer: at('application'), message: 'required: the application of the upstream pipeline' });
        if (typeof t['pipeline'] !== 'string' || t['pipeline'] === '') errors.push({ pointer: at('pipeline'), message: 'required: the id of the upstream pipeline' });
        const status = t['status'];
        if (status !== undefined) {
          if (!Array.isArray(status)) errors.push({ pointer: at('status'), message: `must be a list of ${PIPELINE_TRIGGER_STATUSES.join(', ')}` });
          else status.forEach((s, j) => {
            if (!(PIPELINE_TRIGGER_STATUSES as readonly unknown[]).includes(s)) errors.push({ pointer: `${at('status')}/${j}`, message: `must be one of ${PIPELINE_TRIGGER_STATUSES.join(', ')}` });
          });
        }
        break;
      }
      default:
        break;
    }
  });
  return errors;
}
