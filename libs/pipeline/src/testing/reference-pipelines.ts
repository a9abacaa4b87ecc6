import type { StageTypeInfo } from '../model';
import a from '../fixtures/spinnaker/A_orca_convertedPipelineTemplateSource.json';
import b2 from '../fixtures/spinnaker/B2_netflix_tracks_prod_deployment.reconstructed.json';
import b from '../fixtures/spinnaker/B_netflix_tracks_release_to_prod_canary.reconstructed.json';
import c from '../fixtures/spinnaker/C_capstan_canary_prod.json';

export interface ReferencePipeline {
  file: string;
  /** The parsed file, unchanged (treat as read-only; clone before mutating). */
  document: unknown;
}

/** The Spinnaker pipelines of fixtures/spinnaker (sources in its README). */
export const REFERENCE_PIPELINES: readonly ReferencePipeline[] = [
  { file: 'A_orca_convertedPipelineTemplateSource.json', document: a },
  { file: 'B_netflix_tracks_release_to_prod_canary.reconstructed.json', document: b },
  { file: 'B2_netflix_tracks_prod_deployment.reconstructed.json', document: b2 },
  { file: 'C_capstan_canary_prod.json', document: c },
];

/**
 * The stage types the issue lists for Gennaker, as the "known" set of the reference and fuzz specs
 * (no context schemas: those belong to libs/stages).
 */
export const GENNAKER_STAGE_TYPE_NAMES = [
  'wait',
  'manualJudgment',
  'checkPreconditions',
  'evaluateVariables',
  'webhook',
  'pipeline',
  'bake',
  'deploy',
  'findImage',
  'resizeServerGroup',
  'enableServerGroup',
  'disableServerGroup',
  'destroyServerGroup',
  'rollbackCluster',
  'scaleDownCluster',
  'shrinkCluster',
  'kayentaCanary',
] as const;

/** The list above as StageTypeInfo, with `canary` (Spinnaker's older name) as kayentaCanary's alias. */
export const GENNAKER_STAGE_TYPES: readonly StageTypeInfo[] = GENNAKER_STAGE_TYPE_NAMES.map((type) =>
  type === 'kayentaCanary' ? { type, aliases: ['canary'] } : { type },
);
