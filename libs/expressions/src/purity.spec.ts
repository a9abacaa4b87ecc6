import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The Nx boundary rule bans framework packages, but it does not see Node built-ins (`node:fs` passes),
 * so this spec keeps the lib pure: production files import only siblings and @gennaker/common, and
 * never reach for code evaluation. Reading files here is fine: specs are not shipped.
 */
const sources = readdirSync(__dirname)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(__dirname, f), 'utf8') }));

describe('purity of libs/expressions', () => {
  it('has production sources to check', () => {
    expect(sources.map((s) => s.file)).toEqual(expect.arrayContaining(['index.ts', 'evaluator.ts', 'parser.ts', 'regex.ts']));
  });

  it.each(sources.map((s) => [s.file, s.text] as const))('%s imports only siblings and @gennaker/common', (_file, text) => {
    const imports = [...text.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((i) => !i?.startsWith('./') && i !== '@gennaker/common')).toEqual([]);
    expect(text).not.toMatch(/\brequire\(|\bimport\(/);
  });

  it.each(sources.map((s) => [s.file, s.text] as const))('%s never evaluates code', (_file, text) => {
    expect(text).not.toMatch(/\beval\(|new Function\b|\bFunction\(|vm\./);
  });
});
