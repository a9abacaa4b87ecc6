/** A stage of the running execution as expressions see it (`#stage('Name')`, `#judgment('Name')`). */
export interface ExpressionStage {
  id: string;
  refId: string;
  name: string;
  type: string;
  status: string;
  context: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export interface ExpressionScope {
  /** Root variables: trigger, parameters, execution, plus upstream stage outputs and the stage's own context merged in. */
  root: Record<string, unknown>;
  /** Stages of the execution, for #stage and #judgment. */
  stages?: ExpressionStage[];
  /** name -> id, for #pipelineId */
  pipelineIds?: Record<string, string>;
}
