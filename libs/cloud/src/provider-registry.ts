import { InputError } from '@gennaker/common';
import type { CloudAccount, CloudProvider, CloudProviderRegistry } from './provider.port';

/**
 * The accounts of every configured provider, built once at start-up. Refuses an account that two
 * providers both claim.
 */
export class ProviderRegistry implements CloudProviderRegistry {
  private readonly byAccount = new Map<string, { account: CloudAccount; provider: CloudProvider }>();

  constructor(readonly providers: readonly CloudProvider[]) {
    for (const provider of providers) {
      for (const account of provider.accounts()) {
        const other = this.byAccount.get(account.name);
        if (other) throw new Error(`account "${account.name}" is defined twice (providers ${other.provider.type} and ${provider.type})`);
        this.byAccount.set(account.name, { account, provider });
      }
    }
  }

  accounts(): CloudAccount[] {
    return [...this.byAccount.values()].map((e) => e.account);
  }

  account(name: string, pointer = '/account'): CloudAccount {
    const e = this.byAccount.get(name);
    if (!e) {
      const known = [...this.byAccount.keys()];
      throw new InputError(`unknown account "${name}"${known.length > 0 ? `; configured accounts: ${known.join(', ')}` : ''}`, [
        { pointer, message: `no account named "${name}"` },
      ]);
    }
    return e.account;
  }

  providerFor(account: string, pointer = '/account'): CloudProvider {
    this.account(account, pointer);
    return (this.byAccount.get(account) as { provider: CloudProvider }).provider;
  }
}

/**
 * Account and region of a stage, checked: an unknown account or a region the account does not
 * have is bad input naming the field.
 */
export function checkAccountRegion(
  registry: CloudProviderRegistry,
  account: unknown,
  region: unknown,
  pointers: { account: string; region: string },
): { account: CloudAccount; provider: CloudProvider; region: string } {
  if (typeof account !== 'string' || account === '') throw new InputError('an account is required', [{ pointer: pointers.account, message: 'required' }]);
  let acc: CloudAccount;
  try {
    acc = registry.account(account);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.message, [{ pointer: pointers.account, message: `no account named "${account}"` }]);
    throw err;
  }
  if (typeof region !== 'string' || region === '') throw new InputError('a region is required', [{ pointer: pointers.region, message: 'required' }]);
  if (!acc.regions.includes(region)) {
    throw new InputError(`account "${account}" has no region "${region}" (it has ${acc.regions.join(', ')})`, [
      { pointer: pointers.region, message: `not a region of account ${account}` },
    ]);
  }
  return { account: acc, provider: registry.providerFor(account), region };
}
