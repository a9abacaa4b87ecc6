import type { Execution, Stage } from './model';
import { isComplete, isHalt, letsDownstreamRun } from './status';

export function findStage(execution: Execution, stageId: string): Stage | undefined {
  return execution.stages.find((s) => s.id === stageId);
}

export function topLevelStages(execution: Execution): Stage[] {
  return execution.stages.filter((s) => s.parentStageId === null);
}

export function parentOf(execution: Execution, stage: Stage): Stage | undefined {
  return stage.parentStageId === null ? undefined : findStage(execution, stage.parentStageId);
}

/** Stages in the same graph as `stage`: top-level ones, or a parent's children of the same phase. */
export function siblingsOf(execution: Execution, stage: Stage): Stage[] {
  return execution.stages.filter(
    (s) => s.parentStageId === stage.parentStageId && s.syntheticStageOwner === stage.syntheticStageOwner,
  );
}

export function upstreamStages(execution: Execution, stage: Stage): Stage[] {
  if (stage.requisiteStageRefIds.length === 0) return [];
  return siblingsOf(execution, stage).filter((s) => stage.requisiteStageRefIds.includes(s.refId));
}

export function downstreamStages(execution: Execution, stage: Stage): Stage[] {
  return siblingsOf(execution, stage).filter((s) => s.requisiteStageRefIds.includes(stage.refId));
}

export function childrenOf(execution: Execution, stage: Stage, owner?: 'STAGE_BEFORE' | 'STAGE_AFTER'): Stage[] {
  return execution.stages.filter(
    (s) => s.parentStageId === stage.id && (owner === undefined || s.syntheticStageOwner === owner),
  );
}

export function allUpstreamComplete(execution: Execution, stage: Stage): boolean {
  return upstreamStages(execution, stage).every((s) => letsDownstreamRun(s.status));
}

export function anyUpstreamHalted(execution: Execution, stage: Stage): boolean {
  return upstreamStages(execution, stage).some((s) => isHalt(s.status));
}

/** Initial stages of a graph: no requisites. */
export function initialStages(stages: Stage[]): Stage[] {
  return stages.filter((s) => s.requisiteStageRefIds.length === 0);
}

/** Every stage downstream of `stage` among its siblings, transitively (not including it). */
export function allDownstream(execution: Execution, stage: Stage): Stage[] {
  const seen = new Set<string>();
  const out: Stage[] = [];
  const queue = [stage];
  while (queue.length > 0) {
    const cur = queue.shift() as Stage;
    for (const d of downstreamStages(execution, cur)) {
      if (!seen.has(d.id)) {
        seen.add(d.id);
        out.push(d);
        queue.push(d);
      }
    }
  }
  return out;
}

/** Every descendant (children, grandchildren...) of a stage. */
export function descendantsOf(execution: Execution, stage: Stage): Stage[] {
  const out: Stage[] = [];
  const queue = [stage];
  while (queue.length > 0) {
    const cur = queue.shift() as Stage;
    for (const c of childrenOf(execution, cur)) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/**
 * Stages whose outputs `stage` can see, nearest first (after Orca's `ancestors()`): upstream
 * siblings transitively, the parent and its ancestors, and the completed synthetic children of
 * those stages.
 */
export function ancestorsOf(execution: Execution, stage: Stage): Stage[] {
  const out: Stage[] = [];
  const seen = new Set<string>([stage.id]);
  const queue: Stage[] = [stage];
  while (queue.length > 0) {
    const cur = queue.shift() as Stage;
    const next: Stage[] = [...upstreamStages(execution, cur)];
    const parent = parentOf(execution, cur);
    if (parent) next.push(parent);
    for (const n of next) {
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      out.push(n);
      queue.push(n);
    }
  }
  return out;
}

export function isStageRunnable(execution: Execution, stage: Stage): boolean {
  return stage.status === 'NOT_STARTED' && allUpstreamComplete(execution, stage);
}

export function everyComplete(stages: Stage[]): boolean {
  return stages.every((s) => isComplete(s.status));
}
