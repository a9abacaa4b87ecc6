import { describe, expect, it } from 'vitest';
import { evaluateExpression } from './expression';
import type { ExpressionScope } from './scope';
import { evaluateObject, findExpressionSyntaxErrors } from './evaluate-object';
import { evaluateTemplate } from './template';

/*
 * Expressions copied verbatim from real Spinnaker pipelines (the reference set in
 * /work/shared/reference/spinnaker-pipelines): Netflix "tracks" (B, B2) and capstan canary_prod (C).
 * `stageEnabled.expression` is written without `${}`, as Spinnaker stores it.
 */
function executionScope(overrides: { canary?: string; analysis?: string; force?: string; candidate?: unknown; jenkins?: string; ami?: string }): ExpressionScope {
  return {
    root: {
      parameters: { Force_Canary: overrides.force ?? 'false', ami_us_east_1: overrides.ami ?? 'ami-004df07a', ami_us_west_2: 'ami-b75084cf', ami_eu_west_1: '' },
      deploymentDetails: [{ ami: 'ami-c8d07cb1', jenkins: { name: overrides.jenkins ?? 'PBC-tracks-build-master', number: '1042' } }],
      deployedServerGroups: [{ region: 'us-central1', serverGroup: 'helloagain-cbaseprod-v003' }],
      useCandidateBuild: overrides.candidate ?? 'true',
      execution: { id: 'exec-1' },
      trigger: { type: 'cron', parameters: {} },
    },
    stages: [
      { id: 'c', refId: '2', name: 'Canary', type: 'canary', status: overrides.canary ?? 'SUCCEEDED', context: {}, outputs: {} },
      { id: 'k', refId: '5', name: 'Canary Analysis', type: 'kayentaCanary', status: overrides.analysis ?? 'SUCCEEDED', context: {}, outputs: {} },
    ],
  };
}

describe('real pipeline expressions', () => {
  it.each<[string, Parameters<typeof executionScope>[0], boolean]>([
    // B: manual judgment "Proceed Anyway?" only when the canary failed but let the pipeline continue.
    ['#stage(\'Canary\')[\'status\'].toString() == "FAILED_CONTINUE"', { canary: 'FAILED_CONTINUE' }, true],
    ['#stage(\'Canary\')[\'status\'].toString() == "FAILED_CONTINUE"', { canary: 'SUCCEEDED' }, false],
    // B: script and precondition stages skipped when canary is forced.
    ['parameters.Force_Canary == "false"', { force: 'false' }, true],
    ['parameters.Force_Canary == "false"', { force: 'true' }, false],
    // B2: regional deploys only when an AMI was given for the region.
    ["parameters.ami_us_east_1.trim() != ''", {}, true],
    ["parameters.ami_us_east_1.trim() != ''", { ami: '   ' }, false],
    ["parameters.ami_eu_west_1.trim() != ''", {}, false],
    // C: promote or destroy by the Kayenta verdict.
    ["#stage('Canary Analysis')['status']=='SUCCEEDED'", { analysis: 'SUCCEEDED' }, true],
    ["#stage('Canary Analysis')['status']!='SUCCEEDED'", { analysis: 'TERMINAL' }, true],
    ["#stage('Canary Analysis')['status']=='SUCCEEDED'", { analysis: 'TERMINAL' }, false],
  ])('stageEnabled %s with %j is %s', (expression, overrides, expected) => {
    expect(evaluateExpression(expression, executionScope(overrides))).toBe(expected);
  });

  it.each<[string, Parameters<typeof executionScope>[0], boolean]>([
    // B: preconditions of type expression.
    ["${deploymentDetails[0].jenkins.name == 'PBC-tracks-build-master'}", {}, true],
    ["${deploymentDetails[0].jenkins.name == 'PBC-tracks-build-master'}", { jenkins: 'PBC-tracks-build-feature' }, false],
    ["${useCandidateBuild.toString() == 'true'}", { candidate: 'true' }, true],
    // A boolean output works too: toString() is why the pipeline author wrote it that way.
    ["${useCandidateBuild.toString() == 'true'}", { candidate: true }, true],
    ["${useCandidateBuild.toString() == 'true'}", { candidate: false }, false],
  ])('precondition %s with %j is %s', (template, overrides, expected) => {
    expect(evaluateTemplate(template, executionScope(overrides))).toEqual({ value: expected, errors: [] });
  });

  it('fills the Jenkins stage parameters of B', () => {
    const stage = { job: 'PBC-tracks-promote-libraries', parameters: { buildJob: '${deploymentDetails[0].jenkins.name}', buildNumber: '${deploymentDetails[0].jenkins.number}' } };
    expect(evaluateObject(stage, executionScope({}))).toEqual({
      value: { job: 'PBC-tracks-promote-libraries', parameters: { buildJob: 'PBC-tracks-build-master', buildNumber: '1042' } },
      errors: [],
    });
  });

  it('fills the Kayenta scopes of C', () => {
    const scopes = [
      {
        controlLocation: '${ deployedServerGroups[0].region }',
        controlScope: 'helloagain-cbaseprod-v000',
        experimentLocation: '${ deployedServerGroups[0].region }',
        experimentScope: '${ deployedServerGroups[0].serverGroup }',
        extendedScopeParams: { resourceType: 'gke_container' },
        scopeName: 'default',
      },
    ];
    expect(evaluateObject(scopes, executionScope({})).value).toEqual([
      {
        controlLocation: 'us-central1',
        controlScope: 'helloagain-cbaseprod-v000',
        experimentLocation: 'us-central1',
        experimentScope: 'helloagain-cbaseprod-v003',
        extendedScopeParams: { resourceType: 'gke_container' },
        scopeName: 'default',
      },
    ]);
  });

  it('reports the stage a real expression needs when it is missing', () => {
    const scope = { ...executionScope({}), stages: [] };
    expect(() => evaluateExpression("#stage('Canary Analysis')['status']=='SUCCEEDED'", scope)).toThrow(
      expect.objectContaining({ position: 7, reason: "no stage with name 'Canary Analysis' in this execution" }),
    );
  });

  it('finds no syntax errors in any of them', () => {
    const all = {
      raw: [
        "${#stage('Canary')['status'].toString() == \"FAILED_CONTINUE\"}",
        '${parameters.Force_Canary == "false"}',
        "${parameters.ami_us_east_1.trim() != ''}",
        "${#stage('Canary Analysis')['status']=='SUCCEEDED'}",
      ],
      templates: ["${deploymentDetails[0].jenkins.name == 'PBC-tracks-build-master'}", "${useCandidateBuild.toString() == 'true'}", '${ deployedServerGroups[0].serverGroup }'],
    };
    expect(findExpressionSyntaxErrors(all)).toEqual([]);
  });

  it('evaluates the brief examples', () => {
    const scope = executionScope({});
    (scope.root['trigger'] as Record<string, unknown>)['parameters'] = { x: 'from-trigger' };
    (scope.root['parameters'] as Record<string, unknown>)['region'] = 'eu-west-1';
    expect(evaluateTemplate("${ #stage('Canary')['status'].toString() == 'SUCCEEDED' }", scope).value).toBe(true);
    expect(evaluateTemplate("${trigger['parameters']['x']}", scope).value).toBe('from-trigger');
    expect(evaluateTemplate('${parameters.region}', scope).value).toBe('eu-west-1');
    expect(evaluateTemplate('${execution.id}', scope).value).toBe('exec-1');
    expect(evaluateTemplate('${ deploymentDetails[0].ami }', scope).value).toBe('ami-c8d07cb1');
  });
});
