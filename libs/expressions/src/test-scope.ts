import type { ExpressionScope } from './scope';

/**
 * The scope the specs (and the examples in docs/reference/expressions.md) evaluate against: shaped like a
 * real execution of the reference pipelines. Test-only; not exported from index.ts.
 */
export function testScope(): ExpressionScope {
  return {
    root: {
      trigger: {
        type: 'manual',
        user: 'ana@example.com',
        parameters: { x: 'hello', count: '3' },
        artifacts: [
          { type: 'docker/image', name: 'gcr.io/app/web', reference: 'gcr.io/app/web:1.2.3', version: '1.2.3' },
          { type: 'github/file', name: 'manifest.yml', reference: 'https://github.com/app/manifest.yml' },
        ],
        buildInfo: { number: 42, url: 'https://ci.example.com/job/app/42/' },
      },
      parameters: {
        region: 'us-east-1',
        Force_Canary: 'false',
        ami_us_east_1: 'ami-004df07a',
        ami_us_west_2: '  ',
        replicas: 3,
        enabled: 'true',
        tags: ['blue', 'green'],
      },
      execution: { id: '01HX3Z6Q9V', application: 'tracks', name: 'Release to PROD Canary' },
      deploymentDetails: [{ ami: 'ami-c8d07cb1', region: 'eu-west-1', jenkins: { name: 'PBC-tracks-build-master', number: '128' } }],
      deployedServerGroups: [{ region: 'us-central1', serverGroup: 'helloagain-cbaseprod-v001' }],
      useCandidateBuild: true,
      emptyList: [],
      nothing: null,
      payload: '{"version":"1.2.3","replicas":2,"regions":["us-east-1","eu-west-1"]}',
    },
    stages: [
      { id: 'st-1', refId: '1', name: 'Bake', type: 'bake', status: 'SUCCEEDED', context: { region: 'us-east-1' }, outputs: { ami: 'ami-0abc' } },
      { id: 'st-2', refId: '2', name: 'Canary', type: 'canary', status: 'FAILED_CONTINUE', context: { canaryScore: 61.5 }, outputs: {} },
      { id: 'st-3', refId: '3', name: 'Canary Analysis', type: 'kayentaCanary', status: 'SUCCEEDED', context: {}, outputs: { score: 97 } },
      {
        id: 'st-4',
        refId: '4',
        name: 'Proceed Anyway?',
        type: 'manualJudgment',
        status: 'SUCCEEDED',
        context: { judgmentStatus: 'continue', judgmentInput: 'Rollback' },
        outputs: {},
      },
      {
        id: 'st-5',
        refId: '5',
        name: 'Deploy',
        type: 'deploy',
        status: 'RUNNING',
        context: { 'deploy.server.groups': { 'us-east-1': ['tracks-prod-v042'] } },
        outputs: {},
      },
    ],
    pipelineIds: { 'Deploy to Prod': '078ea5bb-b747-4a5d-96b0-c7aa4793a2cf' },
  };
}
