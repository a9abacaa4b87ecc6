import type { StageDefinition, SyntheticStageSpec } from '@gennaker/engine';
import { isExpression } from '../capacity.util';
import { SELECTION_STRATEGIES } from '../cluster.util';
import { clusterStageErrors, stringList } from '../stage-context.util';
import { clusterStageProperties } from './schema.util';

export const findImageStage: StageDefinition = {
  type: 'findImage',
  aliases: ['findImageFromCluster'],
  label: 'Find Image from Cluster',
  description: 'Finds the image a cluster runs in each region (NEWEST, OLDEST or LARGEST server group, or FAIL when they differ), for a later deploy.',
  contextSchema: {
    type: 'object',
    properties: {
      ...clusterStageProperties,
      selectionStrategy: { enum: [...SELECTION_STRATEGIES] },
      onlyEnabled: { type: ['boolean', 'string'], description: 'Only enabled server groups (default true).' },
      imageNamePattern: { type: 'string' },
    },
    anyOf: [{ required: ['cluster'] }, { required: ['moniker'] }],
  },
  outputs: { deploymentDetails: '[{region, imageId, ami, imageName, serverGroupName, cloudProvider}]', amiDetails: '[{ami, imageId, imageName, region}]' },
  example: { refId: '1', type: 'findImage', cluster: 'hello-demo', credentials: 'local', cloudProvider: 'local', regions: ['local'], selectionStrategy: 'NEWEST', onlyEnabled: true },
  taskTypes: ['findImageFromCluster'],
  validate: (ctx) => clusterStageErrors(ctx),
  plan: () => ({ tasks: [{ name: 'findImageFromCluster', type: 'findImageFromCluster' }] }),
};

/**
 * Bake: one image per region, baked in parallel (Orca plans a child per region), each region's
 * image in `deploymentDetails`. A bake with the same inputs reuses the image unless `rebake`.
 * Local provider: `directory` (or `repository` + `commit`) is packaged, `command` starts it.
 */
export const bakeStage: StageDefinition = {
  type: 'bake',
  label: 'Bake',
  description:
    'Bakes an image of a package in each region (AWS: an AMI; local: a content-addressed copy of a directory or a git commit). Same inputs reuse the image unless rebake.',
  contextSchema: {
    type: 'object',
    properties: {
      package: { type: 'string', minLength: 1, description: 'What to bake (AWS: OS packages; local: the image name).' },
      version: { type: 'string', description: 'Version of the package (local: given to the instances as APP_VERSION).' },
      regions: { type: 'array', items: { type: 'string' } },
      region: { type: 'string' },
      account: { type: 'string', description: 'Account to bake in (default: the first of cloudProviderType).' },
      cloudProviderType: { type: 'string' },
      baseOs: { type: 'string' },
      baseLabel: { type: 'string' },
      vmType: { type: 'string' },
      storeType: { type: 'string' },
      rebake: { type: ['boolean', 'string'], description: 'Bake again even if an image with the same inputs exists.' },
      extendedAttributes: { type: 'object' },
      directory: { type: 'string', description: 'Local: the application directory to package (relative to the worker\'s working directory).' },
      repository: { type: 'string', description: 'Local: a git repository (path) to package a commit of.' },
      commit: { type: 'string', description: 'Local: the commit (default HEAD).' },
      command: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Local: how an instance starts (default: node server.mjs, index.js or package.json main).' },
      env: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    },
    required: ['package'],
  },
  outputs: { deploymentDetails: '[{region, imageId, ami, imageName, package, cloudProvider}] (one per region)' },
  example: { refId: '1', type: 'bake', name: 'Bake', cloudProviderType: 'local', regions: ['local'], package: 'hello', version: 'v2', directory: 'examples/service' },
  taskTypes: ['createBake', 'monitorBake'],
  syntheticStageTypes: ['bake'],
  validate(ctx) {
    const errors: Array<{ pointer: string; message: string }> = [];
    if (ctx['regions'] === undefined && ctx['region'] === undefined) errors.push({ pointer: '/regions', message: 'regions to bake in are required' });
    if (Array.isArray(ctx['regions']) && ctx['regions'].length === 0) errors.push({ pointer: '/regions', message: 'at least one region' });
    if (ctx['account'] !== undefined && !isExpression(ctx['account']) && (typeof ctx['account'] !== 'string' || ctx['account'] === '')) {
      errors.push({ pointer: '/account', message: 'must be an account name' });
    }
    return errors;
  },
  plan: ({ stage }) => {
    const ctx = stage.context;
    if (ctx['bakeInRegion'] === true) {
      return { tasks: [{ name: 'createBake', type: 'createBake' }, { name: 'monitorBake', type: 'monitorBake' }] };
    }
    const regions = stringList(ctx['regions']).length > 0 ? stringList(ctx['regions']) : typeof ctx['region'] === 'string' ? [ctx['region']] : [];
    const { regions: _r, region: _g, ...rest } = ctx;
    const before: SyntheticStageSpec[] = regions.map((region) => ({
      type: 'bake',
      name: `Bake in ${region}`,
      refId: region,
      requisiteStageRefIds: [],
      context: { ...rest, region, bakeInRegion: true },
    }));
    return { tasks: [], before };
  },
};
