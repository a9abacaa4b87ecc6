import { InputError } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import { isIgnored, type GitEvent } from './git-event.model';
import { parseDelivery } from './parse-delivery.util';

const repo = { name: 'api', full_name: 'acme/api', owner: { login: 'acme' }, clone_url: 'https://github.com/acme/api.git' };
const gh = (event: string, body: unknown) => parseDelivery('github', { 'x-github-event': event }, body) as GitEvent;

describe('GitHub', () => {
  it('parses a branch push with its commit, pusher and changed files', () => {
    const e = gh('push', { ref: 'refs/heads/main', after: 'abc', head_commit: { id: 'abc' }, repository: repo, pusher: { name: 'ann' }, commits: [{ added: ['a.txt'], modified: ['b.txt'], removed: ['c.txt'] }] });
    expect(e).toMatchObject({ source: 'github', event: 'push', project: 'acme', slug: 'api', branch: 'main', tag: null, hash: 'abc', pusher: 'ann', deleted: false, changedFiles: ['a.txt', 'b.txt'] });
    expect(e.repositoryUrls).toContain('https://github.com/acme/api.git');
  });
  it('parses a tag push and a deleting push', () => {
    expect(gh('push', { ref: 'refs/tags/v1.2', after: 'def', repository: repo })).toMatchObject({ event: 'tag', tag: 'v1.2', branch: 'v1.2', hash: 'def' });
    expect(gh('push', { ref: 'refs/heads/old', after: '0'.repeat(40), deleted: true, repository: repo })).toMatchObject({ event: 'push', deleted: true, hash: null });
  });
  it('parses pull requests: opened and synchronize name the source branch, merged the target', () => {
    const pr = (action: string, merged = false) => ({ action, repository: repo, sender: { login: 'bob' }, pull_request: { number: 7, merged, title: 't', head: { ref: 'feature', sha: 'h1' }, base: { ref: 'main' }, merge_commit_sha: 'm1' } });
    expect(gh('pull_request', pr('opened'))).toMatchObject({ event: 'pr:opened', branch: 'feature', hash: 'h1', sourceBranch: 'feature', targetBranch: 'main', pusher: 'bob' });
    expect(gh('pull_request', pr('synchronize'))).toMatchObject({ event: 'pr:synchronize', branch: 'feature' });
    expect(gh('pull_request', pr('closed', true))).toMatchObject({ event: 'pr:merged', branch: 'main', hash: 'm1' });
    expect(gh('pull_request', pr('closed'))).toMatchObject({ event: 'pr:closed', branch: 'feature' });
  });
  it('ignores other events and pings, and refuses payloads without their fields (pointer)', () => {
    expect(isIgnored(parseDelivery('github', { 'x-github-event': 'ping' }, {}))).toBe(true);
    expect(isIgnored(parseDelivery('github', { 'x-github-event': 'issues' }, {}))).toBe(true);
    expect(() => parseDelivery('github', { 'x-github-event': 'push' }, { repository: repo })).toThrow(InputError);
    try {
      parseDelivery('github', { 'x-github-event': 'push' }, { ref: 'refs/heads/x' });
    } catch (err) {
      expect((err as InputError).details[0]?.pointer).toBe('/repository');
    }
    expect(() => parseDelivery('github', {}, {})).toThrow(/X-GitHub-Event/);
    expect(() => parseDelivery('github', { 'x-github-event': 'push' }, [1])).toThrow(InputError);
  });
});

describe('GitLab', () => {
  const project = { path_with_namespace: 'group/sub/web', git_http_url: 'https://gitlab.com/group/sub/web.git' };
  it('parses push and tag push hooks', () => {
    const e = parseDelivery('gitlab', { 'x-gitlab-event': 'Push Hook' }, { ref: 'refs/heads/dev', after: 'a1', checkout_sha: 'a1', project, user_username: 'cy' });
    expect(e).toMatchObject({ source: 'gitlab', event: 'push', project: 'group/sub', slug: 'web', branch: 'dev', hash: 'a1', pusher: 'cy' });
    expect(parseDelivery('gitlab', { 'x-gitlab-event': 'Tag Push Hook' }, { ref: 'refs/tags/v2', after: 'a2', project })).toMatchObject({ event: 'tag', tag: 'v2' });
  });
  it('parses merge requests: open, update with new commits, merge', () => {
    const mr = (action: string, extra: Record<string, unknown> = {}) => ({ project, user: { username: 'dee' }, object_attributes: { iid: 3, action, source_branch: 'feat', target_branch: 'main', last_commit: { id: 'c1' }, ...extra } });
    const h = { 'x-gitlab-event': 'Merge Request Hook' };
    expect(parseDelivery('gitlab', h, mr('open'))).toMatchObject({ event: 'pr:opened', branch: 'feat' });
    expect(parseDelivery('gitlab', h, mr('update', { oldrev: 'c0' }))).toMatchObject({ event: 'pr:synchronize', branch: 'feat' });
    expect(parseDelivery('gitlab', h, mr('update'))).toMatchObject({ event: 'pr:edited' });
    expect(parseDelivery('gitlab', h, mr('merge', { merge_commit_sha: 'mm' }))).toMatchObject({ event: 'pr:merged', branch: 'main', hash: 'mm' });
  });
});

describe('Bitbucket', () => {
  it('parses a Cloud repo:push of a branch and of a tag', () => {
    const push = (type: string) => ({ repository: { full_name: 'team/svc', links: { html: { href: 'https://bitbucket.org/team/svc' } } }, actor: { nickname: 'eve' }, push: { changes: [{ new: { type, name: 'main', target: { hash: 'b1' } } }] } });
    expect(parseDelivery('bitbucket', { 'x-event-key': 'repo:push' }, push('branch'))).toMatchObject({ event: 'push', project: 'team', slug: 'svc', branch: 'main', hash: 'b1', pusher: 'eve' });
    expect(parseDelivery('bitbucket', { 'x-event-key': 'repo:push' }, push('tag'))).toMatchObject({ event: 'tag', tag: 'main' });
  });
  it('parses a Server repo:refs_changed', () => {
    const body = { repository: { slug: 'svc', project: { key: 'PRJ' } }, actor: { name: 'fin' }, changes: [{ ref: { id: 'refs/heads/release' }, toHash: 'c9', type: 'UPDATE' }] };
    expect(parseDelivery('bitbucket', { 'x-event-key': 'repo:refs_changed' }, body)).toMatchObject({ event: 'push', project: 'PRJ', slug: 'svc', branch: 'release', hash: 'c9' });
  });
  it('refuses a push without changes', () => {
    expect(() => parseDelivery('bitbucket', { 'x-event-key': 'repo:push' }, { repository: { full_name: 'a/b' }, push: { changes: [] } })).toThrow(/no changes/);
  });
});
