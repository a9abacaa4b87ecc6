import { describe, expect, it } from 'vitest';
import { convertApplication, looksLikeApplication } from './application-conversion.util';
import front50 from './fixtures/export/front50-tracks-application.json';
import gate from './fixtures/export/spin-helloagain-application.json';

describe('convertApplication', () => {
  it('keeps name, email, description and Fiat permissions of a Front50 record; names every dropped field', () => {
    const c = convertApplication(structuredClone(front50));
    expect(c.document).toEqual({
      name: 'tracks',
      email: 'playback-api@example.com',
      description: 'Playback tracks service',
      permissions: { READ: ['playback-team', 'sre'], WRITE: ['playback-team'], EXECUTE: ['playback-team', 'release-bot'] },
    });
    expect(c.notes.changes.map((n) => n.pointer)).toEqual([
      '/name',
      '/cloudProviders',
      '/accounts',
      '/instancePort',
      '/platformHealthOnly',
      '/platformHealthOnlyShowOverride',
      '/trafficGuards',
      '/user',
      '/createTs',
      '/updateTs',
      '/lastModifiedBy',
    ]);
    expect(c.notes.warnings).toEqual([{ pointer: '/trafficGuards', message: expect.stringContaining('1 traffic guard(s) dropped') }]);
  });

  it("reads Gate's {name, attributes} shape and turns requiredGroupMembership into READ and WRITE", () => {
    const c = convertApplication(structuredClone(gate));
    expect(c.document).toEqual({ name: 'helloagain', email: 'hello@example.com', permissions: { READ: ['hello-devs'], WRITE: ['hello-devs'] } });
    const changes = Object.fromEntries(c.notes.changes.map((n) => [n.pointer, n.message]));
    expect(changes['/attributes/requiredGroupMembership']).toContain('became permissions READ and WRITE for hello-devs');
    expect(changes['/clusters']).toContain('Gennaker reads clusters from the cloud');
    expect(changes['/attributes/cloudProviders']).toBeDefined();
  });

  it('refuses names Gennaker cannot hold and drops a bad e-mail address', () => {
    expect(convertApplication({ name: 'my_app', email: 'x@y' }).notes.problems).toEqual([{ pointer: '/name', message: expect.stringContaining('"my_app" is not an application name') }]);
    const c = convertApplication({ name: 'shop', email: 'not an address', permissions: { READ: ['a'], ADMIN: ['b'] } });
    expect(c.document).toEqual({ name: 'shop', permissions: { READ: ['a'] } });
    expect(c.notes.changes.map((n) => n.pointer)).toEqual(['/email', '/permissions/ADMIN']);
  });

  it('tells applications from other documents', () => {
    expect(looksLikeApplication(front50)).toBe(true);
    expect(looksLikeApplication(gate)).toBe(true);
    expect(looksLikeApplication({ name: 'x', permissions: { READ: [] } })).toBe(true);
    expect(looksLikeApplication({ name: 'x', stages: [] })).toBe(false);
    expect(looksLikeApplication({ name: 'x' })).toBe(false);
  });
});
