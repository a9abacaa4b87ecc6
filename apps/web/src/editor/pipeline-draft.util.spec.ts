import { describe, expect, it } from 'vitest';
import { addStage, connectStages, disconnectStages, nextRefId, removeStage, wouldCycle, type PipelineDraft } from './pipeline-draft.util';

const base = (): PipelineDraft => ({
  application: 'app',
  name: 'p',
  stages: [
    { refId: '1', type: 'wait', requisiteStageRefIds: [] },
    { refId: '2', type: 'wait', requisiteStageRefIds: ['1'] },
    { refId: '3', type: 'wait', requisiteStageRefIds: ['2'] },
  ],
});

describe('pipeline draft edits', () => {
  it('adds a stage after the selected one with the next refId', () => {
    const { draft, refId } = addStage(base(), { type: 'manualJudgment', name: 'Approve' }, '3');
    expect(refId).toBe('4');
    expect(draft.stages.at(-1)).toMatchObject({ refId: '4', type: 'manualJudgment', name: 'Approve', requisiteStageRefIds: ['3'] });
    expect(nextRefId([{ refId: 'a', type: 'x' }, { refId: '7', type: 'x' }])).toBe('8');
  });

  it('removes a stage and links its children to its parents', () => {
    const d = removeStage(base(), '2');
    expect(d.stages.map((s) => s.refId)).toEqual(['1', '3']);
    expect(d.stages[1]!.requisiteStageRefIds).toEqual(['1']);
  });

  it('connects stages but refuses cycles and self-loops', () => {
    expect(wouldCycle(base().stages, '3', '1')).toBe(true);
    expect(wouldCycle(base().stages, '1', '1')).toBe(true);
    expect(wouldCycle(base().stages, '1', '3')).toBe(false);
    const refused = connectStages(base(), '3', '1');
    expect(refused.error).toMatch(/cycle/);
    expect(refused.draft.stages[0]!.requisiteStageRefIds).toEqual([]);
    const ok = connectStages(base(), '1', '3');
    expect(ok.error).toBeUndefined();
    expect(ok.draft.stages[2]!.requisiteStageRefIds).toEqual(['2', '1']);
    expect(disconnectStages(ok.draft, '2', '3').stages[2]!.requisiteStageRefIds).toEqual(['1']);
  });
});
