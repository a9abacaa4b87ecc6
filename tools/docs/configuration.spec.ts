import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const PAGE = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

/** Names in the code that look like settings but are not read from the environment of api, worker, web or CLI. */
const NOT_SETTINGS: Record<string, string> = {
  GENNAKER_STAGE_TYPES: 'a constant of the pipeline specs',
  GENNAKER_STAGE_TYPE_NAMES: 'a constant of the pipeline specs',
  GENNAKER_SERVER_GROUP: 'given to local instances (docs/local-provider.md)',
  GENNAKER_CLUSTER: 'given to local instances (docs/local-provider.md)',
  GENNAKER_INSTANCE_ID: 'given to local instances (docs/local-provider.md)',
  GENNAKER_LOCAL_HOST: 'given to local instances (docs/local-provider.md)',
  GENNAKER_ENV: 'the heredoc marker of the AWS user data',
  GENNAKER_BAKE_READY: "a line the AWS bake builder writes to its console",
  GENNAKER_BAKE_FAILED: "a line the AWS bake builder writes to its console",
  GENNAKER_TEST_NODE_ARGS: 'node flags the test harness gives the api and workers it starts (benchmark profiling)',
};
/** Environment a process reads that is not Gennaker's to document (or is given to instances). */
const NOT_OURS = new Set(['PATH', 'HOME', 'LANG', 'APP_VERSION', 'NODE_ENV', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']);

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx|mjs)$/.test(e.name) && !/\.(spec|int-spec|e2e)\.ts$/.test(e.name)) out.push(p);
    }
  };
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk(dir);
  return out;
}

/** Every setting the code of the processes, the web server, the CLI, the demo and the test harness reads. */
function settingsInCode(): Map<string, string> {
  const found = new Map<string, string>();
  const files = [...sources(join(ROOT, 'libs')), ...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'tools/demo'))];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bGENNAKER_[A-Z0-9_]+\b/g)) if (!found.has(m[0])) found.set(m[0], relative(ROOT, file));
    for (const m of text.matchAll(/\benv(?:\[['"]|\.)([A-Z][A-Z0-9_]+)/g)) if (m[1] && !found.has(m[1])) found.set(m[1], relative(ROOT, file));
  }
  return found;
}

describe('docs/configuration.md', () => {
  const inCode = settingsInCode();

  it('documents every setting the code reads, in a table row of its own', () => {
    const rows = new Set([...PAGE.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    const missing = [...inCode].filter(([name]) => !NOT_SETTINGS[name] && !NOT_OURS.has(name) && !rows.has(name)).map(([name, file]) => `${name} (read in ${file})`);
    expect(missing).toEqual([]);
  });

  it('documents no setting the code does not read', () => {
    const rows = [...PAGE.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1] ?? '');
    expect(rows.filter((name) => !inCode.has(name))).toEqual([]);
    expect(new Set(rows).size, 'a setting listed twice').toBe(rows.length);
  });

  it('keeps its list of names that are not settings honest', () => {
    for (const name of Object.keys(NOT_SETTINGS)) expect(inCode.has(name), `${name} is no longer in the code`).toBe(true);
    const local = readFileSync(join(ROOT, 'docs/local-provider.md'), 'utf8');
    for (const name of ['GENNAKER_SERVER_GROUP', 'GENNAKER_CLUSTER', 'GENNAKER_INSTANCE_ID', 'GENNAKER_LOCAL_HOST']) expect(local, name).toContain(`\`${name}\``);
  });
});
