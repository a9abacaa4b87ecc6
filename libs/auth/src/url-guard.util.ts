import { lookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { hostAllowed, isIpAddress, refusalOf, type AddressPolicy } from '@gennaker/auth-policy';
import { InputError, TransientError } from '@gennaker/common';
import { Agent } from 'undici';

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The webhook stage's SSRF guard: the host of each URL is resolved and every address it resolves to
 * must be outside the refused ranges (loopback, link-local and metadata by default; private ranges
 * with GENNAKER_WEBHOOK_REFUSE_PRIVATE), unless the host or a CIDR is on GENNAKER_WEBHOOK_ALLOWED_HOSTS.
 * A refusal is bad input (never retried); a DNS failure is transient.
 */
export type UrlGuardFn = ((url: URL, pointer?: string) => Promise<void>) & { dispatcher: Agent };

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The address check again at connect time, as the `lookup` of the sockets the webhook stage opens:
 * the addresses checked are the ones connected to, so a DNS answer that changes between the guard's
 * check and the call (rebinding) is refused too.
 */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver) {
  return (hostname: string, options: LookupOptions | LookupCallback, callback?: LookupCallback): void => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts: LookupOptions = typeof options === 'object' && options !== null ? options : {};
    resolve(hostname).then(
      (addresses) => {
        if (!hostAllowed(hostname, policy)) {
          for (const a of addresses) {
            const why = refusalOf(a, policy);
            if (why !== null) {
              cb(Object.assign(new Error(`refused to connect to ${hostname}: ${why}`), { code: 'ESSRFREFUSED' }), '');
              return;
            }
          }
        }
        const list = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })).filter((a) => !opts.family || opts.family === a.family);
        const first = list[0];
        if (!first) cb(Object.assign(new Error(`${hostname} has no address of family ${String(opts.family)}`), { code: 'ENOTFOUND' }), '');
        else if (opts.all) cb(null, list);
        else cb(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => cb(err, ''),
    );
  };
}

export function createUrlGuard(policy: AddressPolicy, resolve: Resolver = systemResolver): UrlGuardFn {
  const guard = async (url: URL, pointer = '/url'): Promise<void> => {
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
  // The calls themselves connect only to addresses that pass the same check.
  return Object.assign(guard, { dispatcher: new Agent({ connect: { lookup: guardedLookup(policy, resolve) } }) });
}
