import { describe, expect, it } from 'vitest';
import { chaosVictims, globMatches, parseChaosSettings, seededRandom, type ChaosCandidate } from './chaos.util';

const inst = (id: string, serverGroup: string, state = 'up'): ChaosCandidate => ({ id, serverGroup, state });

describe('local provider chaos', () => {
  it('is off unless set, and names the bad field', () => {
    expect(parseChaosSettings(undefined)).toBeNull();
    expect(parseChaosSettings('')).toBeNull();
    expect(parseChaosSettings('{"serverGroups":["a-*"],"killsPerMinute":3,"seed":1}')).toEqual({ serverGroups: ['a-*'], killsPerMinute: 3, states: ['up', 'starting'], seed: 1, minUp: 1 });
    expect(() => parseChaosSettings('{"killsPerMinute":3}')).toThrow('/serverGroups');
    expect(() => parseChaosSettings('{"serverGroups":["a"],"killsPerMinute":0}')).toThrow('/killsPerMinute');
    expect(() => parseChaosSettings('{"serverGroups":["a"],"killsPerMinute":1,"states":["stopping"]}')).toThrow('/states');
    expect(() => parseChaosSettings('kill everything')).toThrow('must be JSON');
  });

  it('matches server groups by glob', () => {
    expect(globMatches('hello-demo-*', 'hello-demo-v003')).toBe(true);
    expect(globMatches('hello-demo-*', 'hello-prod-v003')).toBe(false);
    expect(globMatches('hello-demo-v001', 'hello-demo-v001')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });

  it('kills only live instances of chosen groups, at about the configured rate', () => {
    const s = { serverGroups: ['app-*'], killsPerMinute: 6, states: ['up', 'starting'], seed: 42, minUp: 0 };
    const random = seededRandom(s.seed);
    const candidates = [inst('i1', 'app-v001'), inst('i2', 'app-v001'), inst('i3', 'app-v002', 'starting'), inst('i4', 'other-v001'), inst('i5', 'app-v002', 'crashed')];
    const killed: string[] = [];
    // Ten simulated minutes in 100 ms ticks: about 6 kills a minute per group, two groups.
    for (let t = 0; t < 6000; t++) killed.push(...chaosVictims(candidates, s, 100, random).map((v) => v.id));
    expect(new Set(killed)).toEqual(new Set(['i1', 'i2', 'i3']));
    expect(killed.length).toBeGreaterThan(90);
    expect(killed.length).toBeLessThan(150);
    expect(chaosVictims(candidates, s, 0, random)).toEqual([]);
  });

  it('leaves minUp instances of a group up', () => {
    const s = { serverGroups: ['*'], killsPerMinute: 600, states: ['up', 'starting'], seed: 3, minUp: 1 };
    const r = seededRandom(3);
    for (let i = 0; i < 50; i++) {
      // One up and one starting: only the starting one may go.
      expect(chaosVictims([inst('a', 'g', 'up'), inst('b', 'g', 'starting')], s, 60_000, r).map((v) => v.id)).toEqual(['b']);
      expect(chaosVictims([inst('a', 'g', 'up')], s, 60_000, r)).toEqual([]);
    }
    expect(chaosVictims([inst('a', 'g', 'up')], { ...s, minUp: 0 }, 60_000, r).map((v) => v.id)).toEqual(['a']);
  });

  it('is reproducible with a seed', () => {
    const s = { serverGroups: ['*'], killsPerMinute: 30, states: ['up'], seed: 7, minUp: 0 };
    const run = () => {
      const r = seededRandom(7);
      return Array.from({ length: 200 }, () => chaosVictims([inst('a', 'g1'), inst('b', 'g1'), inst('c', 'g2')], s, 250, r).map((v) => v.id).join(',')).join('|');
    };
    expect(run()).toBe(run());
  });
});
