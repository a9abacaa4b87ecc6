import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CliConfig {
  url?: string;
  token?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:8084';

export function configPath(): string {
  return join(process.env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'gennaker', 'config.json');
}

export function readConfig(): CliConfig {
  const p = configPath();
  if (!existsSync(p)) return {};
  try {
    const v = JSON.parse(readFileSync(p, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as CliConfig) : {};
  } catch {
    return {};
  }
}

/** Stores URL and token readable by the user only (mode 600). */
export function writeConfig(c: CliConfig): string {
  const p = configPath();
  mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
  writeFileSync(p, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  chmodSync(p, 0o600);
  return p;
}

/** Flags first, then what `gennaker login` stored, then GENNAKER_URL / GENNAKER_TOKEN, then the default URL. */
export function resolveTarget(flags: { url?: string; token?: string }): { url: string; token?: string } {
  const stored = readConfig();
  const url = flags.url ?? stored.url ?? process.env['GENNAKER_URL'] ?? DEFAULT_URL;
  const token = flags.token ?? stored.token ?? (process.env['GENNAKER_TOKEN'] || undefined);
  return { url, token };
}
