/** Pure edits of a pipeline being edited: stages by refId, edges from requisiteStageRefIds. */
export interface DraftStage {
  refId: string;
  type: string;
  name?: string;
  requisiteStageRefIds?: string[];
  [key: string]: unknown;
}

export interface PipelineDraft {
  application: string;
  name: string;
  stages: DraftStage[];
  triggers?: Array<Record<string, unknown>>;
  parameterConfig?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

const parentsOf = (s: DraftStage): string[] => (s.requisiteStageRefIds ?? []).map(String);

/** The next free refId: one more than the highest numeric refId (Deck's rule). */
export function nextRefId(stages: readonly DraftStage[]): string {
  let max = 0;
  const taken = new Set(stages.map((s) => String(s.refId)));
  for (const s of stages) {
    const n = Number(s.refId);
    if (Number.isInteger(n) && n > max) max = n;
  }
  let next = max + 1;
  while (taken.has(String(next))) next++;
  return String(next);
}

/** Adds a stage; when `after` names a stage, the new one depends on it. */
export function addStage(draft: PipelineDraft, stage: { type: string; name: string; context?: Record<string, unknown> }, after?: string): { draft: PipelineDraft; refId: string } {
  const refId = nextRefId(draft.stages);
  const s: DraftStage = { ...(stage.context ?? {}), refId, type: stage.type, name: stage.name, requisiteStageRefIds: after !== undefined && draft.stages.some((x) => x.refId === after) ? [after] : [] };
  return { draft: { ...draft, stages: [...draft.stages, s] }, refId };
}

/** Removes a stage; the stages that depended on it depend on its parents instead. */
export function removeStage(draft: PipelineDraft, refId: string): PipelineDraft {
  const removed = draft.stages.find((s) => s.refId === refId);
  if (!removed) return draft;
  const inherited = parentsOf(removed);
  return {
    ...draft,
    stages: draft.stages
      .filter((s) => s.refId !== refId)
      .map((s) => {
        const parents = parentsOf(s);
        if (!parents.includes(refId)) return s;
        const next = [...parents.filter((p) => p !== refId), ...inherited.filter((p) => !parents.includes(p))];
        return { ...s, requisiteStageRefIds: next };
      }),
  };
}

/** True when `target` depending on `source` would close a cycle (or is a self-loop). */
export function wouldCycle(stages: readonly DraftStage[], source: string, target: string): boolean {
  if (source === target) return true;
  // A cycle exists iff source already (transitively) depends on target.
  const byRef = new Map(stages.map((s) => [s.refId, s]));
  const seen = new Set<string>();
  const stack = [source];
  while (stack.length > 0) {
    const ref = stack.pop();
    if (ref === undefined) break;
    if (ref === target) return true;
    if (seen.has(ref)) continue;
    seen.add(ref);
    const s = byRef.get(ref);
    if (s) stack.push(...parentsOf(s));
  }
  return false;
}

/** `target` runs after `source`. Refused (unchanged, with a reason) when it would close a cycle. */
export function connectStages(draft: PipelineDraft, source: string, target: string): { draft: PipelineDraft; error?: string } {
  const t = draft.stages.find((s) => s.refId === target);
  if (!t || !draft.stages.some((s) => s.refId === source)) return { draft, error: 'no such stage' };
  if (parentsOf(t).includes(source)) return { draft };
  if (wouldCycle(draft.stages, source, target)) return { draft, error: `stage ${target} cannot run after ${source}: that would make a cycle` };
  return { draft: updateStage(draft, target, { requisiteStageRefIds: [...parentsOf(t), source] }) };
}

export function disconnectStages(draft: PipelineDraft, source: string, target: string): PipelineDraft {
  const t = draft.stages.find((s) => s.refId === target);
  if (!t) return draft;
  return updateStage(draft, target, { requisiteStageRefIds: parentsOf(t).filter((p) => p !== source) });
}

/** Merges `patch` into a stage; a key patched to undefined is removed. */
export function updateStage(draft: PipelineDraft, refId: string, patch: Record<string, unknown>): PipelineDraft {
  return {
    ...draft,
    stages: draft.stages.map((s) => {
      if (s.refId !== refId) return s;
      const next: DraftStage = { ...s };
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) delete next[k];
        else next[k] = v;
      }
      return next;
    }),
  };
}

/** Fields the server owns: sent back only as `id` and `version` (for conflict detection). */
export const SERVER_FIELDS = ['updateTs', 'createTs', 'lastModifiedBy', 'managedBy'];

export function toDraft(stored: Record<string, unknown>): PipelineDraft {
  const d: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) if (!SERVER_FIELDS.includes(k)) d[k] = v;
  const draft = d as PipelineDraft;
  return { ...draft, stages: Array.isArray(draft.stages) ? draft.stages : [] };
}
