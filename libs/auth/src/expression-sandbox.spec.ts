import { evaluateTemplate } from '@gennaker/expressions';
import { describe, expect, it } from 'vitest';

/**
 * Acceptance (c) of issue 8, expression side: the escapes people try against SpEL-style
 * evaluators fail, and none of them reaches the process (its environment, files, modules).
 */
const SENTINEL = `sentinel-${Math.random().toString(36).slice(2)}`;
process.env['GK_SANDBOX_SENTINEL'] = SENTINEL;

const scope = { execution: { id: 'e1', application: 'app', stages: [] }, trigger: { type: 'manual', parameters: { x: '1' } }, parameters: { x: '1' }, stages: [] } as never;

const ATTEMPTS = [
  "${T(java.lang.Runtime).getRuntime().exec('touch /tmp/gk-pwned')}",
  "${T(java.lang.System).getenv('GK_SANDBOX_SENTINEL')}",
  "${new java.io.File('/etc/passwd').exists()}",
  "${''.getClass().forName('java.lang.Runtime')}",
  "${#this.getClass()}",
  "${'x'.constructor.constructor('return process.env.GK_SANDBOX_SENTINEL')()}",
  "${parameters['__proto__']['constructor']['constructor']('return process')().env.GK_SANDBOX_SENTINEL}",
  "${parameters.constructor.constructor('return process')().mainModule.require('child_process').execSync('id')}",
  "${#root.constructor}",
  "${trigger.__proto__.toString.call(process)}",
  "${process.env.GK_SANDBOX_SENTINEL}",
  "${global.process.env}",
  "${require('fs').readFileSync('/etc/passwd')}",
  "${import('fs')}",
  "${#environment['GK_SANDBOX_SENTINEL']}",
  "${@systemProperties['user.home']}",
  "${{}.toString.constructor('return this')()}",
  "${'a'.repeat(100000000)}",
  "${(parameters.x + parameters.x + parameters.x + parameters.x).matches('(a+)+$')}",
];

describe('expression sandbox escapes', () => {
  it.each(ATTEMPTS)('%s fails or yields nothing of the process', (src) => {
    let out: unknown;
    try {
      out = evaluateTemplate(src, scope);
    } catch (err) {
      out = { thrown: String(err) };
    }
    const text = JSON.stringify(out) ?? '';
    expect(text).not.toContain(SENTINEL);
    expect(text).not.toMatch(/root:x:0:0|uid=\d+|\[object process\]/);
    // Evaluation errors are values, never a live object of the runtime.
    expect(typeof out === 'object' && out !== null && 'value' in (out as object) && typeof (out as { value: unknown }).value === 'function').toBe(false);
  });
});
