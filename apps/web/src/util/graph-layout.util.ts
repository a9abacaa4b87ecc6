import dagre from '@dagrejs/dagre';

export interface LayoutInput {
  id: string;
  parents: readonly string[];
}

/**
 * Left-to-right positions for a stage graph (dagre), nodes by id, edges from each node's parents.
 * Parents that are not nodes (a dangling requisiteStageRefId while editing) are ignored.
 */
export function layoutGraph(nodes: readonly LayoutInput[], size = { width: 190, height: 64 }): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes) g.setNode(n.id, { width: size.width, height: size.height });
  for (const n of nodes) for (const p of n.parents) if (ids.has(p) && p !== n.id) g.setEdge(p, n.id);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const pos = g.node(n.id) as { x: number; y: number } | undefined;
    // dagre gives centres; React Flow wants top-left corners.
    out.set(n.id, { x: (pos?.x ?? 0) - size.width / 2, y: (pos?.y ?? 0) - size.height / 2 });
  }
  return out;
}
