import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useMemo } from 'react';
import { layoutGraph } from '../util/graph-layout.util';
import { statusLabel, statusTone } from '../util/status.util';

export interface GraphStage {
  /** The node id: a refId in the editor, a stage id in an execution. */
  id: string;
  refId: string;
  label: string;
  type: string;
  status?: string;
  parents: readonly string[];
  detail?: string;
}

type StageNodeData = { stage: GraphStage; selected: boolean; editable: boolean };
type StageNode = Node<StageNodeData, 'stage'>;

const StageNodeView = memo(function StageNodeView({ data }: NodeProps<StageNode>) {
  const s = data.stage;
  const tone = s.status ? statusTone(s.status) : 'none';
  return (
    <div className={`stage-node status-${tone}${data.selected ? ' selected' : ''}${data.editable ? ' editable' : ''}`} data-refid={s.refId} data-testid={`stage-node-${s.refId}`}>
      <Handle type="target" position={Position.Left} aria-label={`Runs after (into ${s.label})`} data-testid={`stage-in-${s.refId}`} />
      <div className="stage-node-name">{s.label}</div>
      <div className="stage-node-type">
        {s.type}
        {s.status ? ` · ${statusLabel(s.status)}` : ''}
        {s.detail ? ` · ${s.detail}` : ''}
      </div>
      <Handle type="source" position={Position.Right} aria-label={`Then (out of ${s.label})`} data-testid={`stage-out-${s.refId}`} />
    </div>
  );
});

const nodeTypes = { stage: StageNodeView };

export interface StageGraphProps {
  stages: readonly GraphStage[];
  selected?: string | null;
  onSelect?: (id: string | null) => void;
  editable?: boolean;
  onConnect?: (source: string, target: string) => void;
  onDisconnect?: (source: string, target: string) => void;
  onRemove?: (id: string) => void;
  height?: number;
  label: string;
}

/**
 * A stage graph (React Flow): nodes by refId, edges from requisiteStageRefIds, laid out left to right
 * by dagre. Editable: drag from a stage's right handle to another's left handle to connect; select an
 * edge or a stage and press Delete to remove it.
 */
export function StageGraph({ stages, selected, onSelect, editable = false, onConnect, onDisconnect, onRemove, height = 360, label }: StageGraphProps) {
  // Layout depends only on the structure, not on statuses: live updates do not move nodes.
  const structure = stages.map((s) => `${s.id}<${s.parents.join(',')}`).join('|');
  const positions = useMemo(() => layoutGraph(stages.map((s) => ({ id: s.id, parents: s.parents }))), [structure]);
  const nodes: StageNode[] = useMemo(
    () =>
      stages.map((s) => ({
        id: s.id,
        type: 'stage',
        position: positions.get(s.id) ?? { x: 0, y: 0 },
        data: { stage: s, selected: s.id === selected, editable },
        selected: s.id === selected,
        draggable: false,
        ariaLabel: `Stage ${s.label} (${s.type}${s.status ? `, ${statusLabel(s.status)}` : ''})`,
      })),
    [stages, positions, selected, editable],
  );
  const edges: Edge[] = useMemo(() => {
    const ids = new Set(stages.map((s) => s.id));
    return stages.flatMap((s) =>
      s.parents
        .filter((p) => ids.has(p))
        .map((p) => ({ id: `${p}->${s.id}`, source: p, target: s.id, deletable: editable, ariaLabel: `Edge from ${p} to ${s.id}` })),
    );
  }, [stages, editable]);
  const large = stages.length > 60;
  return (
    <div className="stage-graph" style={{ height }} role="group" aria-label={label}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }}
        minZoom={0.1}
        nodesDraggable={false}
        nodesConnectable={editable}
        elementsSelectable
        // Only what is on screen is rendered: an execution of hundreds of stages stays smooth.
        onlyRenderVisibleElements={large}
        deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
        onNodeClick={(_, n) => onSelect?.(n.id)}
        // Keyboard: Tab to a stage, Enter selects it. Nodes are controlled, so React Flow reports
        // its selection as a change, followed here.
        onNodesChange={(changes) => {
          const chosen = changes.find((c) => c.type === 'select' && c.selected);
          if (chosen && chosen.type === 'select' && chosen.id !== selected) onSelect?.(chosen.id);
        }}
        onPaneClick={() => onSelect?.(null)}
        onConnect={(c: Connection) => {
          if (c.source && c.target) onConnect?.(c.source, c.target);
        }}
        onEdgesDelete={(es) => es.forEach((e) => onDisconnect?.(e.source, e.target))}
        onNodesDelete={(ns) => ns.forEach((n) => onRemove?.(n.id))}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
