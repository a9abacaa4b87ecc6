import { isPlainObject } from '@gennaker/common';
import type { TriggerConfig } from '@gennaker/pipeline';
import type { GitEvent } from './git-event.model';

export type MatchOutcome = { fired: true } | { fired: false; reason: string };

/** How the delivery stood with respect to this trigger's secret. */
export type TriggerAuth = 'verified' | 'no-secret' | 'invalid' | 'missing';

/** Bitbucket's and GitLab's own event names, accepted in `events` next to ours. */
const EVENT_ALIASES: Record<string, string[]> = {
  'repo:push': ['push', 'tag'],
  'repo:refs_changed': ['push', 'tag'],
  'pr:from_ref_updated': ['pr:synchronize'],
  'pr:fulfilled': ['pr:merged'],
  'pull_request:created': ['pr:opened'],
  'pullrequest:created': ['pr:opened'],
  'pullrequest:updated': ['pr:synchronize'],
  'pullrequest:fulfilled': ['pr:merged'],
  push: ['push'],
  tag: ['tag'],
  'tag_push': ['tag'],
};

/** The events a git trigger fires on: `events` (normalised), `push` when absent. */
export function triggerEvents(trigger: TriggerConfig): string[] {
  const raw = trigger['events'];
  if (!Array.isArray(raw) || raw.length === 0) return ['push'];
  return [...new Set(raw.filter((e): e is string => typeof e === 'string').flatMap((e) => EVENT_ALIASES[e] ?? [e]))];
}

/** A trigger's `branch` is a regular expression matched against the whole branch (Java's `matches`). */
export function branchMatches(pattern: string, branch: string): boolean {
  let re = branchPatterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    // Every delivery is matched against every git trigger: compile each pattern once (bounded).
    if (branchPatterns.size >= 1000) branchPatterns.clear();
    branchPatterns.set(pattern, re);
  }
  return re === null ? pattern === branch : re.test(branch);
}

/** Compiled branch patterns; null for one that is not a valid regular expression (matched literally). */
const branchPatterns = new Map<string, RegExp | null>();

export function hasSecret(trigger: TriggerConfig): boolean {
  const s = trigger['secret'];
  return (typeof s === 'string' && s !== '') || (isPlainObject(s) && typeof s['encrypted'] === 'string');
}

const same = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/**
 * Whether a git trigger fires for an event and, when not, why in words a person can act on
 * ("branch `dev` does not match `^main$`"). Checks go from the coarsest to the finest, so the
 * reason is the first thing to fix.
 */
export function matchGitTrigger(trigger: TriggerConfig, event: GitEvent, auth: TriggerAuth): MatchOutcome {
  if (trigger.type !== 'git') return { fired: false, reason: `a ${trigger.type} trigger` };
  if (trigger.enabled === false) return { fired: false, reason: 'trigger disabled' };
  if (!same(trigger['source'], event.source)) return { fired: false, reason: `source ${event.source} is not ${String(trigger['source'] ?? '(none)')}` };
  if (!same(trigger['project'], event.project) || !same(trigger['slug'], event.slug)) {
    return { fired: false, reason: `repository ${event.project}/${event.slug} is not ${String(trigger['project'] ?? '?')}/${String(trigger['slug'] ?? '?')}` };
  }
  if (auth === 'invalid') return { fired: false, reason: 'signature invalid' };
  if (auth === 'missing') return { fired: false, reason: 'signature missing: the trigger has a secret and the delivery was not signed' };
  const events = triggerEvents(trigger);
  if (!events.includes(event.event)) return { fired: false, reason: `event ${event.event} is not one of ${events.join(', ')}` };
  if (event.deleted) return { fired: false, reason: `the push deleted ${event.tag !== null ? 'tag' : 'branch'} \`${event.branch ?? ''}\`` };
  const pattern = trigger['branch'];
  if (typeof pattern === 'string' && pattern !== '' && !branchMatches(pattern, event.branch ?? '')) {
    return { fired: false, reason: `branch \`${event.branch ?? ''}\` does not match \`${pattern}\`` };
  }
  return { fired: true };
}

/** What expressions read as `trigger.*` for a git trigger (Spinnaker's field names). */
export function gitTriggerFields(event: GitEvent, payload: unknown, deliveryId: string): Record<string, unknown> {
  return {
    type: 'git',
    source: event.source,
    project: event.project,
    slug: event.slug,
    branch: event.branch,
    tag: event.tag,
    ref: event.ref,
    hash: event.hash,
    event: event.event,
    sourceBranch: event.sourceBranch,
    targetBranch: event.targetBranch,
    pullRequest: event.pullRequest,
    pusher: event.pusher,
    user: event.pusher ?? `${event.source} webhook`,
    deliveryId,
    payload,
  };
}
