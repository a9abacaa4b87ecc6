import { describe, expect, it } from 'vitest';
import { artifactMatches, bindArtifacts } from './artifacts.util';

describe('artifacts', () => {
  it('matches every matchArtifact field as a whole-string regex', () => {
    expect(artifactMatches({ type: 'docker/image', name: 'acme/.*' }, { type: 'docker/image', name: 'acme/api' })).toBe(true);
    expect(artifactMatches({ type: 'docker/image', name: 'acme' }, { type: 'docker/image', name: 'acme/api' })).toBe(false);
    expect(artifactMatches({ id: 'x', type: '' }, { name: 'a' })).toBe(true);
    expect(artifactMatches({ reference: 'x' }, { name: 'a' })).toBe(false);
  });
  it('binds matches, falls back to defaults, and names the required ones left unbound', () => {
    const expected = [
      { id: 'img', matchArtifact: { type: 'docker/image', name: 'acme/api' } },
      { id: 'cfg', matchArtifact: { type: 'github/file', name: 'deploy/.*\\.yml' }, useDefaultArtifact: true, defaultArtifact: { type: 'github/file', name: 'deploy/default.yml' } },
      { id: 'other', matchArtifact: { type: 's3/object' } },
    ];
    const r = bindArtifacts(expected, [{ type: 'docker/image', name: 'acme/api', version: '1.2' }], ['img', 'other']);
    expect(r.missing).toEqual(['other']);
    expect(r.resolvedExpectedArtifacts.map((e) => e.boundArtifact?.name ?? null)).toEqual(['acme/api', 'deploy/default.yml', null]);
    expect(r.artifacts).toHaveLength(2);
    expect(bindArtifacts(expected, [], []).missing).toEqual([]);
  });
});
