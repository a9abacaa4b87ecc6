import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '@gennaker/auth-policy';

const storage = new AsyncLocalStorage<Principal | null>();

/**
 * The principal of the HTTP request being handled, for checks deeper than the controller (who
 * starts an execution) without passing it through every service. The api runs each handler inside
 * `run` (an interceptor, after the guard authenticated the caller).
 */
export const RequestContext = {
  run<T>(principal: Principal | null, fn: () => T): T {
    return storage.run(principal, fn);
  },
  /** The request's principal; null outside requests (cron ticks, worker tasks) and on public routes. */
  principal(): Principal | null {
    return storage.getStore() ?? null;
  },
};
