import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const ROOT = resolve(__dirname, '../../..');

function newest(dir: string): number {
  let max = 0;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('spec.ts')) max = Math.max(max, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return max;
}

function mtime(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

let built = false;

/**
 * Makes sure dist/apps/{api,worker,cli} match the sources (esbuild, ~200 ms), so integration tests
 * start the same bundles that `npm run demo` and the docker images run. A directory lock keeps
 * test files running in parallel from building at once.
 */
export async function ensureBuilt(apps: string[] = ['api', 'worker', 'cli']): Promise<void> {
  if (built) return;
  const lock = join(ROOT, 'dist', '.build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) {
        rmdirSync(lock);
        continue;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const sources = Math.max(newest(join(ROOT, 'apps')), newest(join(ROOT, 'libs')));
    const stale = apps.filter((a) => existsSync(join(ROOT, 'apps', a, 'src/main.ts')) && mtime(join(ROOT, 'dist/apps', a, 'main.js')) < sources);
    await Promise.all(
      stale.map((app) =>
        build({
          entryPoints: [join(ROOT, `apps/${app}/src/main.ts`)],
          outfile: join(ROOT, `dist/apps/${app}/main.js`),
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          packages: 'external',
          sourcemap: true,
          tsconfig: join(ROOT, 'tsconfig.json'),
          logLevel: 'error',
          keepNames: true,
        }),
      ),
    );
    built = true;
  } finally {
    rmdirSync(lock);
  }
}
