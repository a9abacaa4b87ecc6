import { lookup } from 'node:dns/promises';
import { hostAllowed, isIpAddress, refusalOf, type AddressPolicy } from '@gennaker/auth-policy';
import { InputError, TransientError } from '@gennaker/common';

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The webhook stage's SSRF guard: the host of each URL is resolved and every address it resolves to
 * must be outside the refused ranges (loopback, link-local and metadata by default; private ranges
 * with GENNAKER_WEBHOOK_REFUSE_PRIVATE), unless the host or a CIDR is on GENNAKER_WEBHOOK_ALLOWED_HOSTS.
 * A refusal is bad input (never retried); a DNS failure is transient.
 */
export function createUrlGuard(policy: AddressPolicy, resolve: Resolver = systemResolver): (url: URL, pointer?: string) => Promise<void> {
  return async (url: URL, pointer = '/url') => {
    const host = url.hostname;
    if (hostAllowed(host, policy)) return;
    let addresses: string[];
    if (isIpAddress(host)) addresses = [host.replace(/^\[|\]$/g, '')];
    else {
      try {
        addresses = await resolve(host);
      } catch (err) {
        throw new TransientError(`cannot resolve ${host}: ${(err as { code?: string }).code ?? (err as Error).message}`, err);
      }
    }
    for (const a of addresses) {
      const why = refusalOf(a, policy);
      if (why !== null) {
        throw new InputError(`refused to call ${url.protocol}//${url.host}: ${why} (allow it with GENNAKER_WEBHOOK_ALLOWED_HOSTS)`, [{ pointer, message: `${host} resolves to a refused address` }]);
      }
    }
  };
}
