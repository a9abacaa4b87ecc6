import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, isPlainObject } from '@gennaker/common';

export const MANIFEST_FILE = '.gennaker-image.json';

export interface PackageInput {
  package: string;
  version?: string;
  /** A directory to copy (relative to `cwd`). */
  directory?: string;
  /** Or a git repository (path) and a commit of it. */
  repository?: string;
  commit?: string;
  command?: string | string[];
  env?: Record<string, unknown>;
}

export interface PackagedImage {
  digest: string;
  path: string;
  command: string[];
  env: Record<string, string>;
  sizeBytes: number;
  /** The commit a git bake resolved to. */
  commit?: string;
  /** The image existed already (same content). */
  existed: boolean;
}

/**
 * Content-addressed images under `<dataDir>/images/<sha256>`: a copy of a directory (without
 * .git) or `git archive` of a commit, plus a manifest (command, env, version). The digest covers
 * every file's path, executable bit and bytes, and the manifest, so the same content is one image.
 */
export class ImageStore {
  constructor(
    private readonly dataDir: string,
    private readonly cwd: string,
  ) {}

  imagePath(digest: string): string {
    return join(this.dataDir, 'images', digest);
  }

  async package(input: PackageInput, options: { rebake?: boolean } = {}): Promise<PackagedImage> {
    const tmp = join(this.dataDir, 'tmp', `bake-${randomBytes(6).toString('hex')}`);
    await mkdir(tmp, { recursive: true });
    try {
      let commit: string | undefined;
      if (typeof input.repository === 'string' && input.repository !== '') {
        commit = await this.archiveCommit(input.repository, input.commit ?? 'HEAD', tmp);
      } else if (typeof input.directory === 'string' && input.directory !== '') {
        const src = resolve(this.cwd, input.directory);
        if (!existsSync(src) || !statSync(src).isDirectory()) {
          throw new InputError(`directory ${input.directory} does not exist (resolved to ${src})`, [{ pointer: '/directory', message: 'no such directory' }]);
        }
        await cp(src, tmp, { recursive: true, filter: (p) => !relative(src, p).split(/[\\/]/).includes('.git') });
      } else {
        throw new InputError('a local bake needs a directory, or a repository and commit', [{ pointer: '/directory', message: 'directory or repository is required' }]);
      }
      const command = await this.resolveCommand(input.command, tmp);
      const env = Object.fromEntries(Object.entries(isPlainObject(input.env) ? input.env : {}).map(([k, v]) => [k, String(v)]));
      if (input.version) env['APP_VERSION'] = input.version;
      const manifest = { package: input.package, version: input.version ?? null, command, env, ...(commit ? { commit } : {}) };
      await writeFile(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
      const { digest, size } = digestOf(tmp);
      const final = this.imagePath(digest);
      const existed = existsSync(join(final, MANIFEST_FILE));
      if (existed && !options.rebake) {
        await rm(tmp, { recursive: true, force: true });
      } else {
        await mkdir(join(this.dataDir, 'images'), { recursive: true });
        if (existsSync(final)) await rm(final, { recursive: true, force: true });
        await rename(tmp, final);
      }
      return { digest, path: final, command, env, sizeBytes: size, existed, ...(commit ? { commit } : {}) };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
  }

  private async archiveCommit(repository: string, commit: string, into: string): Promise<string> {
    const repo = resolve(this.cwd, repository);
    if (!existsSync(repo)) throw new InputError(`repository ${repository} does not exist (resolved to ${repo})`, [{ pointer: '/repository', message: 'no such repository' }]);
    const sha = (await run('git', ['-C', repo, 'rev-parse', '--verify', `${commit}^{commit}`]).catch((err: Error) => {
      throw new InputError(`commit ${commit} not found in ${repository}: ${err.message}`, [{ pointer: '/commit', message: 'no such commit' }]);
    })).trim();
    // git archive | tar -x: exactly the committed tree, nothing untracked.
    await new Promise<void>((ok, fail) => {
      const git = spawn('git', ['-C', repo, 'archive', '--format=tar', sha], { stdio: ['ignore', 'pipe', 'pipe'] });
      const tar = spawn('tar', ['-x', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
      let errors = '';
      git.stderr.on('data', (d: Buffer) => (errors += d.toString()));
      tar.stderr.on('data', (d: Buffer) => (errors += d.toString()));
      git.stdout.pipe(tar.stdin);
      let pending = 2;
      const done = (code: number | null): void => {
        if (code !== 0) fail(new Error(`git archive failed: ${errors.trim() || `exit ${code}`}`));
        else if (--pending === 0) ok();
      };
      git.on('error', fail);
      tar.on('error', fail);
      git.on('close', done);
      tar.on('close', done);
    });
    return sha;
  }

  /** The command of an instance: given, else node on server.mjs / server.js / index.mjs / index.js / package.json main. */
  private async resolveCommand(given: PackageInput['command'], dir: string): Promise<string[]> {
    if (Array.isArray(given) && given.length > 0 && given.every((x) => typeof x === 'string' && x !== '')) return given;
    if (typeof given === 'string' && given.trim() !== '') return given.trim().split(/\s+/);
    if (given !== undefined) throw new InputError('command must be a non-empty string or list of strings', [{ pointer: '/command', message: 'invalid command' }]);
    for (const f of ['server.mjs', 'server.js', 'index.mjs', 'index.js']) if (existsSync(join(dir, f))) return ['node', f];
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const main = (JSON.parse(await readFile(pkg, 'utf8')) as { main?: unknown }).main;
        if (typeof main === 'string' && main !== '') return ['node', main];
      } catch {
        // an unreadable package.json is no command either
      }
    }
    throw new InputError('cannot tell how to start the application: give a command (e.g. ["node", "app.js"])', [{ pointer: '/command', message: 'required: no server.mjs, index.js or package.json main found' }]);
  }
}

/** sha256 over sorted relative paths, executable bits and contents (symlinks by their target). */
export function digestOf(dir: string): { digest: string; size: number } {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  const rel = files.map((f) => ({ f, r: relative(dir, f).split('\\').join('/') })).sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
  const hash = createHash('sha256');
  let size = 0;
  for (const { f, r } of rel) {
    const st = lstatSync(f);
    hash.update(r).update('\0');
    if (st.isSymbolicLink()) {
      hash.update('l').update(readlinkSync(f));
    } else {
      hash.update((st.mode & 0o111) !== 0 ? 'x' : '-');
      const data = readFileSync(f);
      size += data.length;
      hash.update(data);
    }
    hash.update('\0');
  }
  return { digest: hash.digest('hex'), size };
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', fail);
    p.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(err.trim() || `${cmd} exited ${code}`))));
  });
}

/** Argv for an instance: `node` is this Node; relative paths to files of the image become absolute (visible in ps). */
export function instanceArgv(command: readonly string[], imagePath: string, nodePath: string): { file: string; args: string[] } {
  const [head, ...rest] = command;
  const file = head === 'node' ? nodePath : (head as string);
  const args = rest.map((a) => (!isAbsolute(a) && !a.startsWith('-') && existsSync(join(imagePath, a)) ? join(imagePath, a) : a));
  return { file, args };
}
