import { describe, expect, it } from 'vitest';
import { decideAfterInterval } from './canary-decision.util';

const t = { marginal: 50, pass: 75 };

describe('canary decisions', () => {
  it('goes on while scores stay above marginal, and the last score decides', () => {
    expect(decideAfterInterval([{ score: 60, classification: 'Marginal' }], 3, t)).toEqual({ done: false });
    expect(decideAfterInterval([{ score: 60, classification: 'Marginal' }, { score: 100, classification: 'Pass' }, { score: 80, classification: 'Pass' }], 3, t)).toMatchObject({ done: true, result: 'Pass', score: 80, earlyStop: false });
    expect(decideAfterInterval([{ score: 100, classification: 'Pass' }, { score: 60, classification: 'Marginal' }], 2, t)).toMatchObject({ done: true, result: 'Marginal', score: 60 });
    expect(decideAfterInterval([{ score: 100, classification: 'Pass' }, { score: 10, classification: 'Fail' }], 2, t)).toMatchObject({ done: true, result: 'Fail', earlyStop: false });
  });

  it('fails at or below the marginal threshold (as Orca does), early when intervals remain', () => {
    expect(decideAfterInterval([{ score: 50, classification: 'Marginal' }], 3, t)).toMatchObject({ done: true, result: 'Fail', earlyStop: true, message: expect.stringContaining('after interval 1 of 3') });
    expect(decideAfterInterval([{ score: 0, classification: 'Fail' }], 3, t)).toMatchObject({ done: true, result: 'Fail', earlyStop: true });
    expect(decideAfterInterval([{ score: 100, classification: 'Pass' }, { score: 50, classification: 'Marginal' }], 2, t)).toMatchObject({ done: true, result: 'Fail', earlyStop: false });
  });

  it('never stops early on an interval without data, and never passes on one', () => {
    expect(decideAfterInterval([{ score: 0, classification: 'NoData' }], 3, t)).toEqual({ done: false });
    expect(decideAfterInterval([{ score: 100, classification: 'Pass' }, { score: 0, classification: 'NoData' }], 2, t)).toMatchObject({ done: true, result: 'NoData', message: expect.stringContaining('no data') });
  });
});
