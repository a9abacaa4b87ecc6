/** Parsed expression. `pos` is the offset of the node's main token, which errors report. */
interface NodeBase {
  pos: number;
  /** Height of the subtree; bounded by maxDepth so that evaluation recursion is bounded too. */
  depth: number;
}

export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%' | '^'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | 'matches';
export type LogicalOperator = 'and' | 'or';
export type UnaryOperator = '-' | '+' | '!';
export type SelectionMode = 'all' | 'first' | 'last';

export type Node =
  | (NodeBase & { kind: 'literal'; value: string | number | boolean | null })
  /** A bare name: a property of the active object (the root, or the element inside a selection). */
  | (NodeBase & { kind: 'identifier'; name: string })
  /** `#root`, `#this`, or an unknown `#name` (refused at evaluation). */
  | (NodeBase & { kind: 'variable'; name: string })
  /** `argPositions` are where each argument's first token starts, for errors about an argument. */
  | (NodeBase & { kind: 'function'; name: string; args: Node[]; argPositions: number[] })
  | (NodeBase & { kind: 'property'; target: Node; name: string; nullSafe: boolean })
  | (NodeBase & { kind: 'index'; target: Node; index: Node; nullSafe: boolean })
  | (NodeBase & { kind: 'method'; target: Node; name: string; args: Node[]; argPositions: number[]; nullSafe: boolean })
  | (NodeBase & { kind: 'unary'; operator: UnaryOperator; operand: Node })
  | (NodeBase & { kind: 'binary'; operator: BinaryOperator; left: Node; right: Node })
  | (NodeBase & { kind: 'logical'; operator: LogicalOperator; left: Node; right: Node })
  | (NodeBase & { kind: 'ternary'; test: Node; then: Node; otherwise: Node })
  | (NodeBase & { kind: 'elvis'; left: Node; right: Node })
  | (NodeBase & { kind: 'list'; items: Node[] })
  | (NodeBase & { kind: 'map'; entries: Array<{ key: string; value: Node }> })
  | (NodeBase & { kind: 'selection'; target: Node; mode: SelectionMode; predicate: Node; nullSafe: boolean })
  | (NodeBase & { kind: 'projection'; target: Node; expression: Node; nullSafe: boolean });

export type NodeKind = Node['kind'];
