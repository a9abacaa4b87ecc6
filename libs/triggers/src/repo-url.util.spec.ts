import { describe, expect, it } from 'vitest';
import { normalizeRepoUrl, sameRepo } from './repo-url.util';

describe('normalizeRepoUrl', () => {
  it('spells https, ssh, scp-like, file and bare paths alike', () => {
    for (const u of ['https://github.com/acme/api.git', 'https://GitHub.com/acme/api', 'git@github.com:acme/api.git', 'ssh://git@github.com/acme/api.git', 'https://user:tok@github.com/acme/api/']) {
      expect(normalizeRepoUrl(u)).toBe('github.com/acme/api');
    }
    expect(sameRepo('file:///tmp/x/repo.git', '/tmp/x/repo.git')).toBe(true);
    expect(sameRepo('https://github.com/acme/api', 'https://github.com/acme/API')).toBe(false);
  });
});
