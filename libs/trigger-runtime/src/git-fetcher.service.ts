import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, TransientError } from '@gennaker/common';
import { Inject, Injectable } from '@nestjs/common';
import { TRIGGER_SETTINGS, type TriggerSettings } from './settings';

export interface FetchedFiles {
  commit: string;
  files: Array<{ file: string; content: string }>;
}

/**
 * Reads the pipeline files of a branch with the `git` command: a shallow fetch into a bare cache
 * repository per URL under GENNAKER_DATA_DIR, each fetch into a ref of its own so that concurrent
 * syncs do not step on each other; no working tree is checked out.
 */
@Injectable()
export class GitFetcher {
  constructor(@Inject(TRIGGER_SETTINGS) private readonly settings: TriggerSettings) {}

  private git(cwd: string, args: string[], maxBuffer = 16 * 1024 * 1024): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('git', args, { cwd, timeout: this.settings.gitTimeoutMs, maxBuffer, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo' } }, (err, stdout, stderr) => {
        if (err) reject(new TransientError(`git ${args[0]} failed: ${String(stderr || err.message).trim().slice(0, 500)}`, err));
        else resolve(stdout);
      });
    });
  }

  async fetch(url: string, branch: string, path: string): Promise<FetchedFiles> {
    if (url.startsWith('-') || branch.startsWith('-') || /\s/.test(branch)) throw new InputError('invalid repository URL or branch', [{ pointer: '/pipelinesRepo', message: 'must not start with "-"' }]);
    const dir = join(this.settings.dataDir, 'git-cache', createHash('sha256').update(url).digest('hex').slice(0, 24));
    if (!existsSync(join(dir, 'HEAD'))) {
      mkdirSync(dir, { recursive: true });
      await this.git(dir, ['init', '--bare', '-q', '.']);
    }
    const ref = `refs/gennaker/${randomUUID()}`;
    await this.git(dir, ['fetch', '-q', '--depth', '1', '--no-tags', '--no-write-fetch-head', '--', url, `+refs/heads/${branch}:${ref}`]);
    try {
      const commit = (await this.git(dir, ['rev-parse', ref])).trim();
      const prefix = path.replace(/^\.\/+/, '').replace(/\/+$/, '');
      const listed = (await this.git(dir, ['ls-tree', '-r', '--name-only', '-z', ref, '--', ...(prefix ? [prefix] : [])])).split('\0').filter((f) => f.toLowerCase().endsWith('.json'));
      const files: FetchedFiles['files'] = [];
      for (const file of listed.sort()) files.push({ file, content: await this.git(dir, ['show', `${ref}:${file}`]) });
      return { commit, files };
    } finally {
      await this.git(dir, ['update-ref', '-d', ref]).catch(() => undefined);
    }
  }
}
