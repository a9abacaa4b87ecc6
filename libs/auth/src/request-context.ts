import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '@gennaker/auth-policy';

interface RequestStore {
  principal: Principal | null;
  /** Application permissions the guard already checked for this principal, as `application:PERMISSION`. */
  verified: ReadonlySet<string>;
}

const storage = new AsyncLocalStorage<RequestStore>();

/**
 * The principal of the HTTP request being handled, for checks deeper than the controller (who
 * starts an execution) without passing it through every service. The api runs each handler inside
 * `run` (an interceptor, after the guard authenticated the caller).
 */
export const RequestContext = {
  run<T>(principal: Principal | null, fn: () => T, verified: Iterable<string> = []): T {
    return storage.run({ principal, verified: new Set(verified) }, fn);
  },
  /** The request's principal; null outside requests (cron ticks, worker tasks) and on public routes. */
  principal(): Principal | null {
    return storage.getStore()?.principal ?? null;
  },
  /** Whether the guard of this request already found that its principal holds `permission` on `application`. */
  verified(application: string, permission: string): boolean {
    return storage.getStore()?.verified.has(`${application}:${permission}`) ?? false;
  },
};
