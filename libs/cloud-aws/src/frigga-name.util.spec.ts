import { describe, expect, it } from 'vitest';
import { clusterOf, launchTemplateNameOf, parseFriggaName } from './frigga-name.util';

describe('parseFriggaName', () => {
  it('parses app, stack, detail and version', () => {
    expect(parseFriggaName('shop-prod-blue-v012')).toEqual({ application: 'shop', stack: 'prod', detail: 'blue', cluster: 'shop-prod-blue', sequence: 12 });
    expect(parseFriggaName('shop-v000')).toEqual({ application: 'shop', cluster: 'shop', sequence: 0 });
    expect(parseFriggaName('shop--canary-v001')).toEqual({ application: 'shop', detail: 'canary', cluster: 'shop--canary', sequence: 1 });
    expect(parseFriggaName('shop-prod')).toEqual({ application: 'shop', stack: 'prod', cluster: 'shop-prod', sequence: null });
    expect(parseFriggaName('shop-prod-a-b~c-v999')?.detail).toBe('a-b~c');
  });

  it('refuses what Frigga refuses', () => {
    for (const bad of ['', '-v001', 'shop prod-v001', 'sh*p-v001', 'shop-pr od-v001', 'shop-st^ck-v001']) {
      expect(parseFriggaName(bad), bad).toBeNull();
    }
  });

  it('clusterOf and launch template names', () => {
    expect(clusterOf('shop-prod-v003')).toBe('shop-prod');
    expect(clusterOf('shop-prod')).toBe('shop-prod');
    expect(launchTemplateNameOf('shop-prod-a~b^c-v001')).toBe('shop-prod-a_b_c-v001');
  });
});
