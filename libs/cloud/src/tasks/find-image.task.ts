import { InputError } from '@gennaker/common';
import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CloudDeps } from '../cloud-deps';
import { deploymentDetailOf, selectImageSource, SELECTION_STRATEGIES, type DeploymentDetail, type SelectionStrategy } from '../cluster.util';
import { boolOf } from '../stage-context.util';
import { applicationOf } from './cluster-ops.task';
import { requireCluster, stageTarget } from './task.util';

/**
 * findImage (Orca's findImageFromCluster): the image a cluster runs, per region, as
 * `deploymentDetails` for a downstream deploy.
 */
export function findImageFromClusterTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'findImageFromCluster',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const { provider, account, regions } = stageTarget(deps, ctx);
      const cluster = requireCluster(ctx);
      const strategy = (ctx['selectionStrategy'] ?? 'NEWEST') as SelectionStrategy;
      if (!(SELECTION_STRATEGIES as readonly string[]).includes(strategy)) {
        throw new InputError(`unknown selectionStrategy ${JSON.stringify(strategy)}`, [{ pointer: '/selectionStrategy', message: `must be one of ${SELECTION_STRATEGIES.join(', ')}` }]);
      }
      const onlyEnabled = ctx['onlyEnabled'] === undefined ? true : boolOf(ctx['onlyEnabled']);
      const details: DeploymentDetail[] = [];
      const missing: string[] = [];
      for (const region of regions) {
        const groups = (await provider.listServerGroups(account, region, { application: applicationOf(cluster), cluster })).filter((g) => g.cluster === cluster);
        const source = selectImageSource(groups, strategy, onlyEnabled);
        if (!source) {
          missing.push(region);
          continue;
        }
        const [image] = source.image.id ? await provider.findImages(account, region, { id: source.image.id }) : [];
        details.push(
          deploymentDetailOf(image ?? { id: source.image.id, name: source.image.name ?? source.image.id, tags: {} }, region, provider.type, {
            account,
            serverGroupName: source.name,
            sourceServerGroup: source.name,
          }),
        );
      }
      if (missing.length > 0) {
        return { status: 'TERMINAL', error: { message: `no ${onlyEnabled ? 'enabled ' : ''}server group of cluster ${cluster} in ${account} region(s) ${missing.join(', ')} to take an image from` } };
      }
      return { status: 'SUCCEEDED', outputs: { deploymentDetails: details, amiDetails: details.map((d) => ({ ami: d.imageId, imageId: d.imageId, imageName: d.imageName, region: d.region })) } };
    },
  };
}
