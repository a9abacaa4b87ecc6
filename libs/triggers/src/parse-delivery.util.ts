import { InputError, isPlainObject } from '@gennaker/common';
import type { GitEvent, GitEventName, GitSource, ParsedDelivery } from './git-event.model';
import { header } from './signature.util';

type Headers = Record<string, string | string[] | undefined>;
type Obj = Record<string, unknown>;

/**
 * Turns a delivery of any supported host into a `GitEvent` (or says why it starts nothing).
 * Bad payloads throw InputError with the JSON pointer of the missing or wrong field (HTTP 400).
 */
export function parseDelivery(source: GitSource, headers: Headers, body: unknown): ParsedDelivery {
  if (!isPlainObject(body)) throw new InputError('the payload must be a JSON object', [{ pointer: '', message: 'must be an object' }]);
  switch (source) {
    case 'github':
      return parseGithub(required(header(headers, 'x-github-event'), 'X-GitHub-Event'), body);
    case 'gitlab':
      return parseGitlab(header(headers, 'x-gitlab-event') ?? (typeof body['object_kind'] === 'string' ? body['object_kind'] : undefined), body);
    case 'bitbucket':
      return parseBitbucket(required(header(headers, 'x-event-key'), 'X-Event-Key'), body);
  }
}

function required(v: string | undefined, name: string): string {
  if (!v) throw new InputError(`the ${name} header is missing`, [{ pointer: '', message: `header ${name} is required` }]);
  return v;
}

function obj(body: Obj, path: string): Obj {
  let cur: unknown = body;
  for (const k of path.split('/').slice(1)) cur = isPlainObject(cur) ? cur[k] : undefined;
  if (!isPlainObject(cur)) throw new InputError(`the payload has no object at ${path}`, [{ pointer: path, message: 'must be an object' }]);
  return cur;
}

function str(body: Obj, path: string): string {
  const v = opt(body, path);
  if (v === null) throw new InputError(`the payload has no string at ${path}`, [{ pointer: path, message: 'must be a non-empty string' }]);
  return v;
}

function opt(body: Obj, path: string): string | null {
  let cur: unknown = body;
  for (const k of path.split('/').slice(1)) cur = isPlainObject(cur) ? cur[k] : Array.isArray(cur) ? cur[Number(k)] : undefined;
  return typeof cur === 'string' && cur !== '' ? cur : typeof cur === 'number' ? String(cur) : null;
}

const ZERO = /^0{40}$/;

function refParts(ref: string): { branch: string | null; tag: string | null } {
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length), tag: null };
  if (ref.startsWith('refs/tags/')) return { branch: null, tag: ref.slice('refs/tags/'.length) };
  return { branch: ref, tag: null };
}

function base(source: GitSource, hostEvent: string): Omit<GitEvent, 'event' | 'project' | 'slug'> {
  return {
    source,
    hostEvent,
    branch: null,
    tag: null,
    ref: null,
    hash: null,
    sourceBranch: null,
    targetBranch: null,
    pullRequest: null,
    pusher: null,
    deleted: false,
    repositoryUrls: [],
    changedFiles: [],
  };
}

function changed(commits: unknown): string[] {
  const files = new Set<string>();
  if (!Array.isArray(commits)) return [];
  for (const c of commits) {
    if (!isPlainObject(c)) continue;
    for (const k of ['added', 'modified']) {
      const list = c[k];
      if (Array.isArray(list)) for (const f of list) if (typeof f === 'string') files.add(f);
    }
  }
  return [...files];
}

function urls(o: Obj, keys: string[]): string[] {
  return keys.map((k) => o[k]).filter((v): v is string => typeof v === 'string' && v !== '');
}

// --- GitHub -----------------------------------------------------------------------------------

function githubRepo(body: Obj): { project: string; slug: string; repositoryUrls: string[] } {
  const repo = obj(body, '/repository');
  const slug = str(body, '/repository/name');
  const project = opt(body, '/repository/owner/login') ?? opt(body, '/repository/owner/name') ?? str(body, '/repository/full_name').split('/')[0] ?? '';
  return { project, slug, repositoryUrls: urls(repo, ['clone_url', 'ssh_url', 'git_url', 'html_url', 'url']) };
}

function parseGithub(hostEvent: string, body: Obj): ParsedDelivery {
  if (hostEvent === 'ping') return { ignored: true, hostEvent, reason: 'a ping: the webhook is set up' };
  if (hostEvent === 'push') {
    const ref = str(body, '/ref');
    const { branch, tag } = refParts(ref);
    const after = opt(body, '/after');
    const deleted = body['deleted'] === true || (after !== null && ZERO.test(after));
    return {
      ...base('github', hostEvent),
      ...githubRepo(body),
      event: tag !== null ? 'tag' : 'push',
      branch: branch ?? tag,
      tag,
      ref,
      hash: deleted ? null : (opt(body, '/head_commit/id') ?? after),
      pusher: opt(body, '/pusher/name') ?? opt(body, '/sender/login'),
      deleted,
      changedFiles: changed(body['commits']),
    };
  }
  if (hostEvent === 'pull_request') {
    const action = str(body, '/action');
    const pr = obj(body, '/pull_request');
    const merged = pr['merged'] === true;
    const head = str(body, '/pull_request/head/ref');
    const target = str(body, '/pull_request/base/ref');
    const event: GitEventName = action === 'closed' && merged ? 'pr:merged' : `pr:${action}`;
    return {
      ...base('github', hostEvent),
      ...githubRepo(body),
      event,
      branch: event === 'pr:merged' ? target : head,
      hash: event === 'pr:merged' ? (opt(body, '/pull_request/merge_commit_sha') ?? opt(body, '/pull_request/head/sha')) : opt(body, '/pull_request/head/sha'),
      sourceBranch: head,
      targetBranch: target,
      pullRequest: { number: Number(pr['number'] ?? 0), title: opt(body, '/pull_request/title'), url: opt(body, '/pull_request/html_url'), action },
      pusher: opt(body, '/sender/login'),
    };
  }
  return { ignored: true, hostEvent, reason: `GitHub event "${hostEvent}" starts no pipeline (push and pull_request do)` };
}

// --- GitLab -----------------------------------------------------------------------------------

function gitlabRepo(body: Obj): { project: string; slug: string; repositoryUrls: string[] } {
  const p = obj(body, '/project');
  const full = str(body, '/project/path_with_namespace');
  const cut = full.lastIndexOf('/');
  return {
    project: cut > 0 ? full.slice(0, cut) : (opt(body, '/project/namespace') ?? ''),
    slug: cut > 0 ? full.slice(cut + 1) : full,
    repositoryUrls: urls(p, ['git_http_url', 'git_ssh_url', 'http_url', 'ssh_url', 'web_url']),
  };
}

const GITLAB_MR_ACTIONS: Record<string, string> = { open: 'opened', update: 'synchronize', merge: 'merged', close: 'closed', reopen: 'reopened' };

function parseGitlab(hostEvent: string | undefined, body: Obj): ParsedDelivery {
  const kind = hostEvent ?? '';
  if (kind === 'Push Hook' || kind === 'Tag Push Hook' || kind === 'push' || kind === 'tag_push') {
    const ref = str(body, '/ref');
    const { branch, tag } = refParts(ref);
    const after = opt(body, '/after');
    const deleted = after !== null && ZERO.test(after);
    return {
      ...base('gitlab', kind),
      ...gitlabRepo(body),
      event: tag !== null ? 'tag' : 'push',
      branch: branch ?? tag,
      tag,
      ref,
      hash: deleted ? null : (opt(body, '/checkout_sha') ?? after),
      pusher: opt(body, '/user_username') ?? opt(body, '/user_name'),
      deleted,
      changedFiles: changed(body['commits']),
    };
  }
  if (kind === 'Merge Request Hook' || kind === 'merge_request') {
    const attrs = obj(body, '/object_attributes');
    const rawAction = opt(body, '/object_attributes/action') ?? 'update';
    // An update without new commits (a title edit) is not a synchronize.
    const action = rawAction === 'update' && attrs['oldrev'] === undefined ? 'edited' : (GITLAB_MR_ACTIONS[rawAction] ?? rawAction);
    const head = str(body, '/object_attributes/source_branch');
    const target = str(body, '/object_attributes/target_branch');
    const event: GitEventName = `pr:${action}`;
    return {
      ...base('gitlab', kind),
      ...gitlabRepo(body),
      event,
      branch: event === 'pr:merged' ? target : head,
      hash: event === 'pr:merged' ? (opt(body, '/object_attributes/merge_commit_sha') ?? opt(body, '/object_attributes/last_commit/id')) : opt(body, '/object_attributes/last_commit/id'),
      sourceBranch: head,
      targetBranch: target,
      pullRequest: { number: Number(attrs['iid'] ?? 0), title: opt(body, '/object_attributes/title'), url: opt(body, '/object_attributes/url'), action },
      pusher: opt(body, '/user/username') ?? opt(body, '/user/name'),
    };
  }
  return { ignored: true, hostEvent: kind, reason: `GitLab event "${kind}" starts no pipeline (Push Hook, Tag Push Hook and Merge Request Hook do)` };
}

// --- Bitbucket (Cloud and Server) -------------------------------------------------------------

function parseBitbucket(hostEvent: string, body: Obj): ParsedDelivery {
  if (hostEvent === 'diagnostics:ping') return { ignored: true, hostEvent, reason: 'a ping: the webhook is set up' };
  if (hostEvent === 'repo:push') {
    // Cloud: push.changes[] with new/old refs; the first change names the ref.
    const full = str(body, '/repository/full_name');
    const [project = '', slug = ''] = full.split('/');
    const change = firstChange(body);
    const next = isPlainObject(change['new']) ? change['new'] : null;
    const old = isPlainObject(change['old']) ? change['old'] : null;
    const ref = next ?? old;
    if (!ref) throw new InputError('the push names no ref', [{ pointer: '/push/changes/0/new', message: 'must be an object' }]);
    const name = typeof ref['name'] === 'string' ? ref['name'] : '';
    if (name === '') throw new InputError('the push names no ref', [{ pointer: '/push/changes/0/new/name', message: 'must be a non-empty string' }]);
    const isTag = ref['type'] === 'tag';
    return {
      ...base('bitbucket', hostEvent),
      project,
      slug,
      event: isTag ? 'tag' : 'push',
      branch: name,
      tag: isTag ? name : null,
      ref: isTag ? `refs/tags/${name}` : `refs/heads/${name}`,
      hash: next ? (opt(next as Obj, '/target/hash') ?? null) : null,
      pusher: opt(body, '/actor/nickname') ?? opt(body, '/actor/display_name'),
      deleted: next === null,
      repositoryUrls: [opt(body, '/repository/links/html/href')].filter((u): u is string => u !== null),
    };
  }
  if (hostEvent === 'repo:refs_changed') {
    // Server / Data Center.
    const project = str(body, '/repository/project/key');
    const slug = str(body, '/repository/slug');
    const changes = body['changes'];
    if (!Array.isArray(changes) || changes.length === 0 || !isPlainObject(changes[0])) {
      throw new InputError('the push has no changes', [{ pointer: '/changes', message: 'must be a non-empty list' }]);
    }
    const c = changes[0] as Obj;
    const refId = str(c, '/ref/id');
    const { branch, tag } = refParts(refId);
    const deleted = c['type'] === 'DELETE';
    return {
      ...base('bitbucket', hostEvent),
      project,
      slug,
      event: tag !== null ? 'tag' : 'push',
      branch: branch ?? tag,
      tag,
      ref: refId,
      hash: deleted ? null : opt(c, '/toHash'),
      pusher: opt(body, '/actor/name'),
      deleted,
    };
  }
  return { ignored: true, hostEvent, reason: `Bitbucket event "${hostEvent}" starts no pipeline (repo:push and repo:refs_changed do)` };
}

function firstChange(body: Obj): Obj {
  const changes = obj(body, '/push')['changes'];
  if (!Array.isArray(changes) || changes.length === 0 || !isPlainObject(changes[0])) {
    throw new InputError('the push has no changes', [{ pointer: '/push/changes', message: 'must be a non-empty list' }]);
  }
  return changes[0] as Obj;
}
