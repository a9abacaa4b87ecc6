import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudProvider } from '@gennaker/cloud';
import { describe, expect, it } from 'vitest';
import { loadAccounts } from './accounts.loader';
import { readCloudSettings } from './cloud-settings';
import { buildProviders, type ProviderFactoryContext } from './provider-factories';

const dir = mkdtempSync(join(tmpdir(), 'gk-accounts-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const ctx = { role: 'api', settings: readCloudSettings({}), log: console } as unknown as ProviderFactoryContext;

describe('accounts file', () => {
  it('reads YAML (and JSON), keeping the built-in local account', () => {
    const yaml = file('a.yaml', 'accounts:\n  - name: prod\n    provider: aws\n    environment: prod\n    regions: [us-east-1, eu-west-1]\n    assumeRole: arn:aws:iam::1:role/spinnaker\n');
    expect(loadAccounts(yaml).map((a) => [a.name, a.provider, a.regions])).toEqual([
      ['local', 'local', ['local']],
      ['prod', 'aws', ['us-east-1', 'eu-west-1']],
    ]);
    const json = file('a.json', JSON.stringify({ accounts: [{ name: 'local', provider: 'local', regions: ['local', 'other'], environment: 'dev' }] }));
    expect(loadAccounts(json)).toEqual([{ name: 'local', provider: 'local', regions: ['local', 'other'], environment: 'dev' }]);
    expect(loadAccounts(null)).toEqual([{ name: 'local', provider: 'local', regions: ['local'], environment: 'test' }]);
  });

  it('a bad file stops the process with every problem and its pointer', () => {
    const bad = file('bad.yaml', 'accounts:\n  - name: prod\n    provider: gcp\n    regions: []\n');
    expect(() => loadAccounts(bad)).toThrow(/is invalid:\n- \/accounts\/0\/provider: provider must be one of aws, local\n- \/accounts\/0\/regions/);
    expect(() => loadAccounts(join(dir, 'missing.yaml'))).toThrow(/cannot be read/);
    expect(() => loadAccounts(file('broken.yaml', 'accounts: [\n'))).toThrow(/cannot be read/);
  });

  it('refuses to start when accounts name a provider this build does not have', () => {
    const accounts = loadAccounts(file('aws.yaml', 'accounts:\n  - {name: prod, provider: aws, regions: [us-east-1]}\n'));
    const local = { type: 'local', accounts: () => [] } as unknown as CloudProvider;
    expect(() => buildProviders(accounts, ctx, { local: () => local })).toThrow('GENNAKER_ACCOUNTS_FILE lists aws accounts (prod), but this build has no aws provider');
    expect(buildProviders(accounts, ctx, { local: () => local, aws: () => ({ type: 'aws' }) as CloudProvider }).map((p) => p.type)).toEqual(['local', 'aws']);
  });
});
