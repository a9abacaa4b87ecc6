import { describe, expect, it } from 'vitest';
import type { GitEvent } from './git-event.model';
import { branchMatches, matchGitTrigger, triggerEvents } from './git-trigger.util';

const event: GitEvent = {
  source: 'github', event: 'push', hostEvent: 'push', project: 'acme', slug: 'api', branch: 'dev', tag: null, ref: 'refs/heads/dev', hash: 'abc',
  sourceBranch: null, targetBranch: null, pullRequest: null, pusher: 'ann', deleted: false, repositoryUrls: [], changedFiles: [],
};
const trigger = (extra: Record<string, unknown> = {}) => ({ type: 'git', enabled: true, source: 'github', project: 'acme', slug: 'api', ...extra });

describe('matchGitTrigger', () => {
  it('fires on its repository and branch', () => {
    expect(matchGitTrigger(trigger({ branch: 'dev' }), event, 'verified')).toEqual({ fired: true });
    expect(matchGitTrigger(trigger({ branch: 'de.*' }), event, 'no-secret')).toEqual({ fired: true });
    expect(matchGitTrigger(trigger(), event, 'no-secret')).toEqual({ fired: true });
    expect(matchGitTrigger(trigger({ project: 'ACME', slug: 'API' }), event, 'no-secret')).toEqual({ fired: true });
  });
  it.each([
    [trigger({ branch: '^main$' }), 'verified', 'branch `dev` does not match `^main$`'],
    [trigger({ branch: 'de' }), 'verified', 'branch `dev` does not match `de`'],
    [trigger({ enabled: false }), 'verified', 'trigger disabled'],
    [trigger({ branch: 'dev' }), 'invalid', 'signature invalid'],
    [trigger(), 'missing', 'signature missing: the trigger has a secret and the delivery was not signed'],
    [trigger({ source: 'gitlab' }), 'verified', 'source github is not gitlab'],
    [trigger({ slug: 'web' }), 'verified', 'repository acme/api is not acme/web'],
    [trigger({ events: ['pr:opened'] }), 'verified', 'event push is not one of pr:opened'],
  ])('%j (%s) does not fire: %s', (t, auth, reason) => {
    expect(matchGitTrigger(t, event, auth as 'verified')).toEqual({ fired: false, reason });
  });
  it('never fires on a deleting push, and needs `tag` for tags', () => {
    expect(matchGitTrigger(trigger(), { ...event, deleted: true }, 'verified')).toEqual({ fired: false, reason: 'the push deleted branch `dev`' });
    const tag = { ...event, event: 'tag' as const, tag: 'v1', branch: 'v1' };
    expect(matchGitTrigger(trigger(), tag, 'verified')).toMatchObject({ fired: false });
    expect(matchGitTrigger(trigger({ events: ['tag'], branch: 'v\\d+' }), tag, 'verified')).toEqual({ fired: true });
  });
  it('accepts Bitbucket event names as aliases', () => {
    expect(triggerEvents(trigger({ events: ['repo:refs_changed', 'pr:fulfilled'] }))).toEqual(['push', 'tag', 'pr:merged']);
    expect(triggerEvents(trigger())).toEqual(['push']);
  });
  it('matches branches as a whole, like Java', () => {
    expect(branchMatches('main', 'main')).toBe(true);
    expect(branchMatches('main', 'main2')).toBe(false);
    expect(branchMatches('release/.*', 'release/1.0')).toBe(true);
    expect(branchMatches('[', '[')).toBe(true);
  });
  it('answers the same for a pattern seen before (patterns are compiled once)', () => {
    for (let i = 0; i < 3; i++) {
      expect(branchMatches('feature/(a|b)', 'feature/b')).toBe(true);
      expect(branchMatches('feature/(a|b)', 'feature/c')).toBe(false);
      // Not a regular expression: compared literally every time.
      expect(branchMatches('fix[', 'fix[')).toBe(true);
      expect(branchMatches('fix[', 'fix')).toBe(false);
    }
  });
});
