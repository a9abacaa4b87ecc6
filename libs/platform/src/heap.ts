import { setFlagsFromString } from 'node:v8';

/** How far above its live data V8 may grow a process's heap before a full collection, in percent. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Bounds heap growth in an api or worker. Under steady load V8 lets the heap grow up to four times
 * its live data before collecting; an api and a worker then sat at ~300 MiB each holding ~70 MiB
 * of live objects. 1.5 times keeps them near half that for a few percent of CPU. The flag is read
 * at every collection, so setting it at start-up takes effect; a `--heap-growing-percent` given on
 * the command line wins.
 */
export function boundHeapGrowth(execArgv: string[] = process.execArgv): void {
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
