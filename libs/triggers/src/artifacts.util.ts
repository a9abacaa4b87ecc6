import { isPlainObject } from '@gennaker/common';
import type { ExpectedArtifact } from '@gennaker/pipeline';
import type { GitEvent } from './git-event.model';

/** An artifact as Spinnaker models it (type, name, reference, version...). */
export interface Artifact {
  type?: string;
  name?: string;
  reference?: string;
  version?: string;
  artifactAccount?: string;
  [key: string]: unknown;
}

export interface ArtifactBinding {
  /** The artifacts the execution starts with: what matched, then defaults used. */
  artifacts: Artifact[];
  /** Each expected artifact with what it was bound to (Spinnaker's resolvedExpectedArtifacts). */
  resolvedExpectedArtifacts: Array<ExpectedArtifact & { boundArtifact: Artifact | null }>;
  /** Ids of required expected artifacts that nothing matched and that have no usable default. */
  missing: string[];
}

/** Keys of matchArtifact that describe the expectation itself rather than a field to match. */
const NOT_MATCHED = new Set(['id', 'kind', 'customKind', 'metadata', 'displayName']);

/**
 * Does an incoming artifact satisfy a `matchArtifact`? Every non-empty string field is a regular
 * expression that must match the whole incoming field (Spinnaker's `matches`).
 */
export function artifactMatches(match: Record<string, unknown>, incoming: Artifact): boolean {
  for (const [k, v] of Object.entries(match)) {
    if (NOT_MATCHED.has(k) || typeof v !== 'string' || v === '') continue;
    const actual = incoming[k];
    if (typeof actual !== 'string') return false;
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${v})$`);
    } catch {
      if (actual !== v) return false;
      continue;
    }
    if (!re.test(actual)) return false;
  }
  return true;
}

/**
 * Binds a pipeline's expectedArtifacts to what the trigger brought. `required` lists the expected
 * artifact ids the trigger needs (a trigger's expectedArtifactIds): when one of them has neither a
 * match nor a default, the trigger does not fire.
 */
export function bindArtifacts(expected: readonly ExpectedArtifact[] | undefined, incoming: readonly Artifact[], required: readonly string[] = []): ArtifactBinding {
  const artifacts: Artifact[] = [...incoming];
  const resolved: ArtifactBinding['resolvedExpectedArtifacts'] = [];
  const missing: string[] = [];
  for (const e of expected ?? []) {
    const match = isPlainObject(e.matchArtifact) ? e.matchArtifact : {};
    let bound: Artifact | null = incoming.find((a) => artifactMatches(match, a)) ?? null;
    if (!bound && e.useDefaultArtifact && isPlainObject(e.defaultArtifact)) {
      bound = { ...(e.defaultArtifact as Artifact) };
      artifacts.push(bound);
    }
    if (!bound && required.includes(e.id)) missing.push(e.id);
    resolved.push({ ...e, boundArtifact: bound });
  }
  return { artifacts, resolvedExpectedArtifacts: resolved, missing };
}

/** The artifacts a Git event brings: the repository at its commit, and each file the push added or changed. */
export function gitArtifacts(e: GitEvent): Artifact[] {
  const out: Artifact[] = [
    { type: 'git/repo', name: `${e.project}/${e.slug}`, reference: e.repositoryUrls[0] ?? `${e.project}/${e.slug}`, version: e.hash ?? e.branch ?? undefined },
  ];
  for (const f of e.changedFiles) out.push({ type: `${e.source}/file`, name: f, reference: f, version: e.hash ?? undefined });
  return out;
}
