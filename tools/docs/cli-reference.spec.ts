import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../apps/cli/src/main';

const PAGE = readFileSync(resolve(__dirname, '../../docs/reference/cli.md'), 'utf8');

/** What `gennaker <args> --help` prints. */
async function help(args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await run(['node', 'gennaker', ...args, '--help']);
  vi.restoreAllMocks();
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('docs/reference/cli.md', () => {
  const documented = [...PAGE.matchAll(/^\| `gennaker ([a-z]+)(?: ([a-z]+))?/gm)].map((m) => [m[1]!, m[2]] as const);

  it('lists every command the CLI has', async () => {
    const top = [...(await help([])).matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    for (const cmd of top) {
      const sub = [...(await help([cmd])).matchAll(/^Commands:\n([\s\S]*)$/gm)][0]?.[1] ?? '';
      const subs = [...sub.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
      if (subs.length === 0) expect(documented.some(([c]) => c === cmd), `gennaker ${cmd}`).toBe(true);
      for (const s of subs) expect(documented.some(([c, d]) => c === cmd && d === s), `gennaker ${cmd} ${s}`).toBe(true);
    }
  });

  it('lists only commands that exist, with the options the CLI has', async () => {
    expect(documented.length).toBeGreaterThan(10);
    for (const line of PAGE.split('\n').filter((l) => l.startsWith('| `gennaker '))) {
      const cmd = /`gennaker ([a-z]+)(?: ([a-z]+))?/.exec(line)!;
      const text = await help([cmd[1]!, ...(cmd[2] ? [cmd[2]] : [])]);
      expect(text, line).toMatch(/^Usage: gennaker /m);
      for (const option of line.match(/(?<![\w-])--?[a-z][a-z-]*/g) ?? []) expect(text, `${line}: ${option}`).toContain(option);
    }
  });
});
