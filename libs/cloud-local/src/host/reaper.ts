import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './process.util';

/**
 * The orphan reaper: one small detached process per install that stops the instances when their
 * host stopped beating without a clean shutdown (a SIGKILLed worker that nobody restarts). The
 * host writes a heartbeat file every tick with the process groups it supervises; a new host
 * writes the same file, so the reaper keeps waiting when a worker is restarted or another takes
 * over within the grace period. A clean shutdown deletes the file, and the reaper exits.
 */
const REAPER_SCRIPT = `
const fs = require('fs');
const [file, graceMs, hostKey] = [process.argv[1], Number(process.argv[2]), process.argv[3]];
const ours = (pgid) => {
  try { return fs.readFileSync('/proc/' + pgid + '/environ', 'utf8').includes('GENNAKER_LOCAL_HOST=' + hostKey); }
  catch { return !fs.existsSync('/proc/self/environ'); }
};
const signal = (pgids, sig) => { for (const g of pgids) { if (ours(g)) { try { process.kill(-g, sig); } catch {} } } };
const timer = setInterval(() => {
  let hb;
  try { hb = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { process.exit(0); }
  if (hb.reaper !== process.pid) process.exit(0);
  if (Date.now() - hb.at < graceMs) return;
  clearInterval(timer);
  signal(hb.pgids, 'SIGTERM');
  setTimeout(() => { signal(hb.pgids, 'SIGKILL'); try { fs.unlinkSync(file); } catch {} process.exit(0); }, 3000);
}, 1000);
`;

export interface Heartbeat {
  host: number;
  reaper: number | null;
  at: number;
  pgids: number[];
}

export class OrphanReaper {
  private readonly file: string;
  private reaperPid: number | null = null;

  constructor(
    dataDir: string,
    private readonly hostKey: string,
    private readonly graceMs: number,
  ) {
    this.file = join(dataDir, `host-${hostKey}.heartbeat.json`);
  }

  /** Reuses the reaper of a previous host when it still runs, else starts one. */
  ensure(): void {
    const previous = this.read();
    if (previous?.reaper && isAlive(previous.reaper, null) && this.isReaper(previous.reaper)) {
      this.reaperPid = previous.reaper;
      return;
    }
    const child = spawn(process.execPath, ['-e', REAPER_SCRIPT, this.file, String(this.graceMs), this.hostKey], { detached: true, stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '' } });
    child.unref();
    this.reaperPid = child.pid ?? null;
  }

  private isReaper(pid: number): boolean {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.file);
    } catch {
      return !existsSync('/proc/self/cmdline');
    }
  }

  beat(pgids: number[]): void {
    const hb: Heartbeat = { host: process.pid, reaper: this.reaperPid, at: Date.now(), pgids };
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(hb));
    renameSync(tmp, this.file);
  }

  /** A clean stop: the reaper exits when the file is gone. */
  stop(): void {
    rmSync(this.file, { force: true });
    this.reaperPid = null;
  }

  private read(): Heartbeat | null {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Heartbeat;
    } catch {
      return null;
    }
  }
}
