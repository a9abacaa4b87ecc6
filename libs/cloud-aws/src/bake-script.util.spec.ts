import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME, PACKAGE_VERSION, bakeImageName, bakeUserData } from './bake-script.util';

describe('bake script', () => {
  it('names images <package>-<version>-<timestamp>', () => {
    const now = Date.UTC(2025, 0, 2, 3, 4, 5);
    expect(bakeImageName('shop', '1.2.3-1', now)).toBe('shop-1.2.3-1-20250102030405');
    expect(bakeImageName('shop', undefined, now)).toBe('shop-latest-20250102030405');
    expect(bakeImageName('shop', '1:2.0~rc1', now)).toBe('shop-1_2.0_rc1-20250102030405');
    expect(bakeImageName('x'.repeat(200), '1', now)).toHaveLength(128);
  });

  it('installs the pinned version, runs the script, reports ready or failed through its tag', () => {
    const script = bakeUserData({ package: 'shop', version: '1.2.3', region: 'eu-west-1', provisioningScript: 'echo hi' });
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain('apt-get install -y shop=1.2.3');
    expect(script).toContain('yum install -y shop-1.2.3');
    expect(script).toContain('echo hi');
    expect(script).toContain('Key=gennaker:bake-status,Value=$1');
    expect(script.indexOf('echo hi')).toBeLessThan(script.indexOf('report ready'));
    expect(script).toMatch(/trap '.*report failed' ERR/);
  });

  it('accepts package names and versions a shell cannot misread, and nothing else', () => {
    for (const ok of ['shop', 'lib-foo+bar', 'python3.11']) expect(PACKAGE_NAME.test(ok), ok).toBe(true);
    for (const bad of ['', 'a b', 'a;rm -rf /', '$(id)', '-rf', 'a`b`']) expect(PACKAGE_NAME.test(bad), bad).toBe(false);
    for (const ok of ['1.2.3', '1:2.0~rc1-3', '2024.01.01']) expect(PACKAGE_VERSION.test(ok), ok).toBe(true);
    for (const bad of ['1 2', '1;id', '$(id)', '1|x']) expect(PACKAGE_VERSION.test(bad), bad).toBe(false);
  });
});
