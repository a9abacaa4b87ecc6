import { describe, expect, it } from 'vitest';
import { ExpressionEvaluationError } from './expression-error';
import { evaluateExpression } from './expression';
import { evaluateTemplate } from './template';
import { testScope } from './test-scope';

/** Small deterministic PRNG (mulberry32), so a failure reproduces from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'parameters', 'trigger', '.', '?.', '[', ']', '(', ')', '{', '}', ',', ':', '0', '1', '-1', '2.5', "'a'", '"b"', "'}'",
  '+', '-', '*', '/', '%', '^', '==', '!=', '<', '>=', 'and', 'or', 'not', '!', '?', '?:', 'matches', "'(a+)+'",
  '#stage', "('Canary')", '#toJson', '#readJson', '#this', '#root', '.?[', '.![', '.^[', 'size()', 'trim()', 'split',
  "('')", 'constructor', '__proto__', 'T', 'new', '@', '=', 'null', 'true', 'region', 'tags', 'artifacts', '~', '${', '`', '\\',
];

describe('fuzz: random token soup never escapes the error type', () => {
  it('evaluateExpression returns or throws ExpressionEvaluationError for 3000 seeded inputs', () => {
    const scope = testScope();
    const random = prng(20240501);
    let failures = 0;
    for (let n = 0; n < 3000; n++) {
      const length = 1 + Math.floor(random() * 12);
      const src = Array.from({ length }, () => PIECES[Math.floor(random() * PIECES.length)]).join(random() < 0.5 ? '' : ' ');
      try {
        evaluateExpression(src, scope, { maxSteps: 5000 });
      } catch (err) {
        failures++;
        if (!(err instanceof ExpressionEvaluationError)) throw new Error(`seed input ${JSON.stringify(src)} threw ${String(err)}`);
        expect(err.position).toBeGreaterThanOrEqual(0);
        expect(err.position).toBeLessThanOrEqual(src.length);
      }
    }
    // Most soup is invalid; some is not. Both paths ran.
    expect(failures).toBeGreaterThan(1000);
    expect(failures).toBeLessThan(3000);
  });

  it('evaluateTemplate never throws for 1000 seeded templates', () => {
    const scope = testScope();
    const random = prng(7);
    for (let n = 0; n < 1000; n++) {
      const src = Array.from({ length: 1 + Math.floor(random() * 10) }, () => PIECES[Math.floor(random() * PIECES.length)]).join('');
      const text = `x \${${src}} y`;
      const result = evaluateTemplate(text, scope, { maxSteps: 5000 });
      if (result.errors.length > 0) expect(result.value).toBe(text);
    }
  });
});
