// CPU time from /proc, for benchmarks that report what a unit of work costs (Linux only).
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds a process has used (user + system). */
export function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** A process's command name (the text in parentheses: it may itself hold spaces or parentheses). */
function statCommand(stat: string): string {
  return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
}

/** User + system CPU seconds from a /proc/<pid>/stat line (fields after the command name). */
function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds the whole machine has been busy (every process: api, workers, Postgres, Redis, the bench). */
export function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)) / 100;
}

/**
 * CPU seconds used by every live process whose command name is `comm` (e.g. `postgres`, `redis-server`),
 * counting only processes alive at both readings; compare two readings of the same processes.
 */
export function commandCpuSeconds(comm: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (statCommand(stat) === comm) out.set(Number(entry), statCpuSeconds(stat));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

/** CPU seconds used between two readings of `commandCpuSeconds`, by processes present in both or only the later one. */
export function commandCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}
