import { describe, expect, it } from 'vitest';
import { accountsOfContext, accountsOfStages } from './stage-accounts.util';

describe('accounts a stage touches', () => {
  it('reads credentials, account and deploy clusters, and leaves expressions for run time', () => {
    expect(accountsOfContext({ credentials: 'prod', cluster: 'app-main' })).toEqual(['prod']);
    expect(accountsOfContext({ clusters: [{ account: 'prod' }, { account: 'test' }, { account: '${parameters.acc}' }] }).sort()).toEqual(['prod', 'test']);
    expect(accountsOfContext({ account: '${trigger.parameters.account}' })).toEqual([]);
    expect(accountsOfContext({ url: 'https://x', payload: { nested: { account: 'not-a-stage-field' } } })).toEqual([]);
  });
  it('collects every account of a pipeline', () => {
    expect(accountsOfStages([{ type: 'wait' }, { credentials: 'a' }, { clusters: [{ account: 'b' }, { credentials: 'a' }] }]).sort()).toEqual(['a', 'b']);
    expect(accountsOfStages(undefined)).toEqual([]);
  });
});
