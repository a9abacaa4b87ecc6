/** The Git hosts whose webhooks Gennaker accepts. */
export type GitSource = 'github' | 'gitlab' | 'bitbucket';
export const GIT_SOURCES: readonly GitSource[] = ['github', 'gitlab', 'bitbucket'];

/**
 * Normalised event names a git trigger's `events` can list. `push` is a push to a branch, `tag` a
 * push of a tag; pull/merge requests are `pr:opened`, `pr:synchronize` (new commits), `pr:merged`;
 * other pull request actions keep their own name (`pr:closed`, `pr:reopened`, ...).
 */
export type GitEventName = 'push' | 'tag' | 'pr:opened' | 'pr:synchronize' | 'pr:merged' | `pr:${string}`;

/** One delivery of a Git host, whatever the host: what triggers match and expressions read. */
export interface GitEvent {
  source: GitSource;
  event: GitEventName;
  /** The host's own event name (`push`, `Merge Request Hook`, `repo:push`...). */
  hostEvent: string;
  /** Owner, group or Bitbucket project (Spinnaker's `project`). */
  project: string;
  /** Repository name (Spinnaker's `slug`). */
  slug: string;
  /**
   * The branch the event is about: the pushed branch, the tag for a tag push, the source branch of
   * an opened or synchronized pull request and the target branch of a merged one.
   */
  branch: string | null;
  tag: string | null;
  /** The full ref of a push (`refs/heads/main`). */
  ref: string | null;
  /** The commit: head of the push, head of the pull request, or the merge commit. */
  hash: string | null;
  sourceBranch: string | null;
  targetBranch: string | null;
  pullRequest: { number: number; title: string | null; url: string | null; action: string } | null;
  /** Who pushed or acted. */
  pusher: string | null;
  /** A push that deleted its branch or tag: it never fires a pipeline. */
  deleted: boolean;
  /** URLs the repository is known by (clone, ssh, web), to recognise an application's pipelines repo. */
  repositoryUrls: string[];
  /** Files added or modified by the pushed commits (for `git/file` artifacts). */
  changedFiles: string[];
}

/** A delivery whose event is understood but starts nothing (a ping, an issue comment...). */
export interface IgnoredDelivery {
  ignored: true;
  hostEvent: string;
  reason: string;
}

export type ParsedDelivery = GitEvent | IgnoredDelivery;

export function isIgnored(d: ParsedDelivery): d is IgnoredDelivery {
  return (d as IgnoredDelivery).ignored === true;
}
