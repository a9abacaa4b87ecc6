import { describe, expect, it } from 'vitest';
import { validatePipelineText } from './json-validation.util';

const stageTypes = [
  { type: 'wait', contextSchema: { type: 'object', properties: { waitTime: { oneOf: [{ type: 'number', minimum: 0 }, { type: 'string', minLength: 1 }] } }, required: ['waitTime'] } },
  { type: 'manualJudgment', contextSchema: { type: 'object', properties: {} } },
];

const text = (p: unknown) => JSON.stringify(p, null, 2);
const lineOf = (t: string, needle: string) => t.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('validatePipelineText', () => {
  it('accepts a valid pipeline', () => {
    const t = text({ application: 'app', name: 'p', stages: [{ refId: '1', type: 'wait', waitTime: 1 }] });
    expect(validatePipelineText(t, stageTypes).errors).toEqual([]);
  });

  it('puts a schema error at the line of its field', () => {
    const t = text({ application: 'app', name: 'p', stages: [{ refId: '1', type: 'wait', waitTime: 1 }, { refId: '2', type: 'wait', waitTime: -5, requisiteStageRefIds: ['1'] }] });
    const { errors } = validatePipelineText(t, stageTypes);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.line)).toContain(lineOf(t, '"waitTime": -5'));
  });

  it('puts a graph error (unknown refId) at its line', () => {
    const t = text({ application: 'app', name: 'p', stages: [{ refId: '1', type: 'wait', waitTime: 1, requisiteStageRefIds: ['9'] }] });
    const { errors } = validatePipelineText(t, stageTypes);
    expect(errors[0]!.pointer).toMatch(/^\/stages\/0\/requisiteStageRefIds/);
    expect(errors[0]!.line).toBe(lineOf(t, '"9"'));
  });

  it('puts a syntax error where the text breaks', () => {
    const t = '{\n  "application": "app",\n  "name": "p"\n  "stages": []\n}';
    const { errors } = validatePipelineText(t, stageTypes);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(4);
  });
});
