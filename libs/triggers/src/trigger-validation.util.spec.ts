import { describe, expect, it } from 'vitest';
import { matchPipelineTrigger } from './pipeline-trigger.util';
import { validateTriggers } from './trigger-validation.util';

describe('validateTriggers', () => {
  it('accepts good git, cron and pipeline triggers and leaves other types alone', () => {
    expect(validateTriggers({ triggers: [
      { type: 'git', source: 'github', project: 'a', slug: 'b', branch: '^main$', secret: 's', events: ['push'] },
      { type: 'cron', cronExpression: '0 0/5 * * * ?', timeZone: 'Europe/Paris' },
      { type: 'pipeline', application: 'app', pipeline: 'p1', status: ['successful', 'failed'] },
      { type: 'jenkins', job: 'x' },
    ] })).toEqual([]);
  });
  it('names each bad field by pointer', () => {
    const errors = validateTriggers({
      expectedArtifacts: [{ id: 'a1' }],
      triggers: [
        { type: 'git', source: 'svn', branch: '(', expectedArtifactIds: ['a1', 'nope'] },
        { type: 'cron', cronExpression: '* * *' },
        { type: 'cron', cronExpression: '* * * * *', tz: 'Nowhere/City' },
        { type: 'pipeline', status: ['done'] },
      ],
    });
    expect(errors.map((e) => e.pointer)).toEqual([
      '/triggers/0/expectedArtifactIds/1',
      '/triggers/0/source',
      '/triggers/0/project',
      '/triggers/0/slug',
      '/triggers/0/branch',
      '/triggers/1/cronExpression',
      '/triggers/2/tz',
      '/triggers/3/application',
      '/triggers/3/pipeline',
      '/triggers/3/status/0',
    ]);
  });
});

describe('matchPipelineTrigger', () => {
  const t = { type: 'pipeline', enabled: true, application: 'app', pipeline: 'p1', status: ['failed', 'canceled'] };
  it('fires on the chosen statuses of the chosen pipeline', () => {
    expect(matchPipelineTrigger(t, { application: 'app', pipelineConfigId: 'p1', name: 'build', status: 'TERMINAL' })).toEqual({ fired: true });
    expect(matchPipelineTrigger(t, { application: 'app', pipelineConfigId: 'p1', name: 'build', status: 'CANCELED' })).toEqual({ fired: true });
    expect(matchPipelineTrigger(t, { application: 'app', pipelineConfigId: 'p1', name: 'build', status: 'SUCCEEDED' })).toEqual({ fired: false, reason: 'status successful is not one of failed, canceled' });
    expect(matchPipelineTrigger({ ...t, status: undefined }, { application: 'app', pipelineConfigId: 'p1', name: 'b', status: 'SUCCEEDED' })).toEqual({ fired: true });
    expect(matchPipelineTrigger(t, { application: 'app', pipelineConfigId: 'p2', name: 'b', status: 'TERMINAL' })).toMatchObject({ fired: false });
    expect(matchPipelineTrigger({ ...t, enabled: false }, { application: 'app', pipelineConfigId: 'p1', name: 'b', status: 'TERMINAL' })).toEqual({ fired: false, reason: 'trigger disabled' });
  });
});
