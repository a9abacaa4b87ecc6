/** JSON Schema pieces shared by the cloud stages (draft 2020-12, Spinnaker's field names). */

const expr = { type: 'string', pattern: '\\$\\{' };

export const countOrExpr = (description: string) => ({ description, anyOf: [{ type: 'integer', minimum: 0 }, expr] });

export const capacitySchema = {
  type: 'object',
  description: 'Instances: {min, max, desired}.',
  properties: {
    min: countOrExpr('Fewest instances.'),
    max: countOrExpr('Most instances.'),
    desired: countOrExpr('Instances wanted now.'),
  },
};

export const accountSchema = { type: 'string', minLength: 1, description: 'Account name (see GET /api/v1/accounts).' };
export const cloudProviderSchema = { type: 'string', description: 'aws or local; must match the account\'s provider.' };
export const regionsSchema = { type: 'array', items: { type: 'string' }, description: 'Regions to act in (local: ["local"]).' };
export const clusterSchema = { type: 'string', minLength: 1, description: 'Frigga cluster name: app[-stack[-detail]].' };
export const targetSchema = {
  type: 'string',
  description: 'Which server group of the cluster: current_asg_dynamic (newest), ancestor_asg_dynamic (the one before), oldest_asg_dynamic, largest_asg_dynamic.',
};

/** Fields every cluster stage has. */
export const clusterStageProperties = {
  cluster: clusterSchema,
  credentials: accountSchema,
  account: accountSchema,
  regions: regionsSchema,
  region: { type: 'string' },
  cloudProvider: cloudProviderSchema,
  cloudProviderType: cloudProviderSchema,
  moniker: { type: 'object' },
  interestingHealthProviderNames: { type: 'array', items: { type: 'string' } },
  namespaces: { type: 'array', items: { type: 'string' } },
};

/** Stages that act on one server group: by name, or `target` within `cluster`. */
export const serverGroupStageProperties = {
  ...clusterStageProperties,
  serverGroupName: { type: 'string', minLength: 1, description: 'The server group, by name (instead of cluster + target).' },
  asgName: { type: 'string', minLength: 1 },
  target: targetSchema,
};
