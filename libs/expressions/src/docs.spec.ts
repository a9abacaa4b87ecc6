import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateObject, findExpressionSyntaxErrors } from './evaluate-object';
import { functionNames } from './functions';
import { DEFAULT_LIMITS } from './limits';
import { allowedMethods } from './methods';
import type { ExpressionScope } from './scope';
import { evaluateTemplate } from './template';

/*
 * docs/reference/expressions.md is the user's reference; this spec evaluates every example in it against
 * the sample scope it shows, so the page fails the build as soon as it stops telling the truth.
 */
const doc = readFileSync(resolve(__dirname, '../../../docs/reference/expressions.md'), 'utf8');

const scopeBlock = /```json scope\n([\s\S]*?)```/.exec(doc)?.[1];
const scope = JSON.parse(scopeBlock ?? '{}') as ExpressionScope;

interface Table {
  header: string[];
  rows: string[][];
}

/** Cells of a Markdown table row; `\|` is a pipe inside a cell (GitHub renders it so, even in code). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

function tables(markdown: string): Table[] {
  const found: Table[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('|') || !/^\|\s*---/.test(lines[i + 1] ?? '')) continue;
    const table: Table = { header: cells(line), rows: [] };
    for (i += 2; i < lines.length && (lines[i] ?? '').startsWith('|'); i++) table.rows.push(cells(lines[i] ?? ''));
    found.push(table);
  }
  return found;
}

const code = (cell: string): string => {
  const m = /^`(.*)`$/.exec(cell);
  if (!m?.[1]) throw new Error(`expected a code cell, got: ${cell}`);
  return m[1];
};
const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

const all = tables(doc);
const examples = all
  .filter((t) => t.header[0] === 'Expression' && t.header[1] === 'Result')
  .flatMap((t) => t.rows.map(([expression = '', result = '']) => ({ expression: code(expression), result })));
const unsupported = all
  .filter((t) => t.header[0] === 'SpEL')
  .flatMap((t) => t.rows.map(([spel = '', why = '', instead = '']) => ({ spel: code(spel), why, instead })));

describe('docs/reference/expressions.md', () => {
  it('has a sample scope and enough examples to be a reference', () => {
    expect(scope.root).toBeDefined();
    expect(scope.stages?.length).toBeGreaterThan(0);
    expect(examples.length).toBeGreaterThan(80);
    expect(unsupported.length).toBeGreaterThan(8);
  });

  it.each(examples)('$expression gives $result', ({ expression, result }) => {
    const evaluated = evaluateTemplate(expression, scope);
    const error = /^error at (\d+): (.+)$/.exec(result);
    if (error) {
      expect(evaluated.value).toBe(expression);
      expect(evaluated.errors.map((e) => `error at ${e.position}: ${e.reason}`)).toEqual([result]);
    } else {
      expect(evaluated.errors).toEqual([]);
      expect(evaluated.value).toEqual(JSON.parse(code(result)));
    }
  });

  it.each(unsupported)('refuses $spel and its replacement works', ({ spel, instead }) => {
    expect(evaluateTemplate(spel, scope).errors).not.toEqual([]);
    const replacements = codeSpans(instead).filter((c) => c.includes('${'));
    expect(replacements.length).toBeGreaterThan(0);
    expect(findExpressionSyntaxErrors(replacements)).toEqual([]);
    // Replacements that only read the sample scope must also evaluate.
    const readable = replacements.filter((r) => !r.includes('#stage('));
    expect(evaluateObject(readable, scope).errors).toEqual([]);
  });

  it('states the default limits', () => {
    const limits = all.find((t) => t.header[0] === 'Limit');
    const documented = Object.fromEntries((limits?.rows ?? []).map(([name = '', value = '']) => [code(name), Number(value)]));
    expect(documented).toEqual({ ...DEFAULT_LIMITS });
  });

  it('mentions every function and every method', () => {
    for (const name of functionNames()) expect(doc).toContain(`#${name}`);
    for (const kind of ['string', 'list', 'map'] as const) {
      for (const method of allowedMethods(kind)) expect(doc).toContain(`${method}(`);
    }
  });
});
