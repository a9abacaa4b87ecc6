import { pointer, type ErrorDetail } from '@gennaker/common';
import { isRecord, own, ownArray, refKey, short, shortQuote, stageLabel, type JsonRecord } from './document.util';

interface Edge {
  target: number;
  /** Index in the stage's requisiteStageRefIds, for the error pointer. */
  position: number;
}

/**
 * The checks on stages as a graph: duplicate refIds (reported on the later stage),
 * requisiteStageRefIds naming no stage or the stage itself (reported on that array element), and
 * cycles (one error per cycle, listing its refIds in execution order). Stages or refIds of the
 * wrong type are skipped here: the schema reports them. Stops adding errors at about `limit`.
 */
export function checkStageGraph(doc: JsonRecord, limit = Number.POSITIVE_INFINITY): ErrorDetail[] {
  const stages = ownArray(doc, 'stages');
  const errors: ErrorDetail[] = [];
  const byRef = new Map<string, number>();
  const ownRef: Array<string | undefined> = [];

  stages.forEach((stage, i) => {
    const key = isRecord(stage) ? refKey(own(stage, 'refId')) : undefined;
    ownRef.push(key);
    if (key === undefined) return;
    const first = byRef.get(key);
    if (first === undefined) {
      byRef.set(key, i);
      return;
    }
    errors.push({
      pointer: pointer('stages', i, 'refId'),
      message: `duplicate refId ${shortQuote(key)}: ${stageLabel(stages, i)} uses the refId of ${stageLabel(stages, first)}`,
    });
  });

  const edges: Edge[][] = stages.map(() => []);
  stages.forEach((stage, i) => {
    if (!isRecord(stage)) return;
    ownArray(stage, 'requisiteStageRefIds').forEach((value, position) => {
      const key = refKey(value);
      if (key === undefined) return;
      // Past the limit, edges are still collected but no more messages: those are the cost.
      const report = errors.length < limit;
      const at = () => pointer('stages', i, 'requisiteStageRefIds', position);
      if (key === ownRef[i]) {
        if (report) errors.push({ pointer: at(), message: `${stageLabel(stages, i)} depends on itself (refId ${shortQuote(key)})` });
        return;
      }
      const target = byRef.get(key);
      if (target === undefined) {
        if (report) errors.push({ pointer: at(), message: `${stageLabel(stages, i)} depends on refId ${shortQuote(key)}, which no stage has` });
        return;
      }
      edges[i]?.push({ target, position });
    });
  });

  for (const component of stronglyConnectedComponents(edges)) {
    if (component.length < 2) continue;
    errors.push(describeCycle(component, edges, stages, ownRef));
  }
  return errors;
}

/**
 * One concrete cycle through the component's first stage `s`, found by the shortest path along
 * "requires" edges back to `s`, then read backwards so it runs in execution order: "1 -> 2 -> 1"
 * means 2 waits for 1 and 1 waits for 2. The pointer is s's requisiteStageRefIds entry on that cycle.
 */
function describeCycle(
  component: readonly number[],
  edges: readonly Edge[][],
  stages: readonly unknown[],
  ownRef: ReadonlyArray<string | undefined>,
): ErrorDetail {
  const members = new Set(component);
  const start = Math.min(...component);
  const via = new Map<number, { from: number; edge: Edge }>();
  const queue: number[] = [start];
  let closing: { from: number; edge: Edge } | undefined;
  for (let head = 0; head < queue.length && closing === undefined; head++) {
    const v = queue[head] as number;
    for (const edge of edges[v] ?? []) {
      if (!members.has(edge.target)) continue;
      if (edge.target === start) {
        closing = { from: v, edge };
        break;
      }
      if (via.has(edge.target)) continue;
      via.set(edge.target, { from: v, edge });
      queue.push(edge.target);
    }
  }
  // The requires-path start -> ... -> last, then last -> start closes it.
  const path: number[] = [];
  let firstEdge: Edge | undefined = closing?.from === start ? closing.edge : undefined;
  for (let v = closing?.from ?? start; v !== start; ) {
    path.push(v);
    const step = via.get(v);
    if (step === undefined) break;
    if (step.from === start) firstEdge = step.edge;
    v = step.from;
  }
  // path holds last .. first-after-start; execution order is start, last, ..., first-after-start, start.
  const order = [start, ...path, start];
  const refs = order.map((i) => short(ownRef[i] ?? `stages[${i}]`));
  return {
    pointer: pointer('stages', start, 'requisiteStageRefIds', firstEdge?.position ?? 0),
    message: `stages form a cycle: ${refs.join(' -> ')} (${stageLabel(stages, start)} is part of it)`,
  };
}

/** Tarjan's algorithm without recursion (500 stages in a chain must not grow the call stack). */
function stronglyConnectedComponents(edges: readonly Edge[][]): number[][] {
  const n = edges.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: Array<{ v: number; next: number }> = [{ v: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1] as { v: number; next: number };
      const v = frame.v;
      if (frame.next === 0 && index[v] === -1) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = true;
      }
      const out = edges[v] ?? [];
      if (frame.next < out.length) {
        const w = (out[frame.next] as Edge).target;
        frame.next++;
        if (index[w] === -1) work.push({ v: w, next: 0 });
        else if (onStack[w]) low[v] = Math.min(low[v] as number, index[w] as number);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent.v] = Math.min(low[parent.v] as number, low[v] as number);
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number | undefined;
        do {
          w = stack.pop() as number;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}
