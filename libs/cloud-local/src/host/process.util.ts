import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** State and start time of a process from /proc (Linux); null where /proc is not there or it is gone. */
export function procStat(pid: number): { state: string; startTime: string; pgrp: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '?', pgrp: Number(rest[2]), startTime: rest[19] ?? '' };
  } catch {
    return null;
  }
}

export const HAS_PROC = existsSync('/proc/self/stat');

/** What identifies a process beyond its pid (which the kernel recycles): its start time. */
export function startToken(pid: number): string | null {
  return procStat(pid)?.startTime ?? null;
}

/** Whether `pid` is still the process we started (not dead, not a zombie, not a recycled pid). */
export function isAlive(pid: number, token: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: a process of another user took the pid; ours is gone.
    return false;
  }
  if (!HAS_PROC) return true;
  const st = procStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return false;
  return token === null || st.startTime === token;
}

/** Signals a whole process group (the instance and whatever it started). */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Processes started by this install (their environment holds GENNAKER_LOCAL_HOST=<hostKey>) that
 * lead their process group: instance id -> pid. Finds instances whose pid was never recorded (a
 * host that died between spawn and write) and strays to stop. Linux only.
 */
export function scanInstanceProcesses(hostKey: string): Map<string, number> {
  const found = new Map<string, number>();
  if (!HAS_PROC) return found;
  const marker = `GENNAKER_LOCAL_HOST=${hostKey}`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (!env.includes(marker)) continue;
    const st = procStat(pid);
    if (!st || st.pgrp !== pid || st.state === 'Z') continue;
    const id = env.split('\0').find((kv) => kv.startsWith('GENNAKER_INSTANCE_ID='))?.slice('GENNAKER_INSTANCE_ID='.length);
    if (id) found.set(id, pid);
  }
  return found;
}
