// Query templates over scope variables, as Kayenta's FreeMarker templates are used in practice:
// `${scope}` and `${location}` (and a few more) are replaced by the scope's values; nothing else
// is evaluated. `$${` writes a literal `${`.

import { parseName } from '@gennaker/cloud';
import type { ErrorDetail } from '@gennaker/common';
import type { MetricScope } from './metric-source.port';

/** The variables every template may use, for docs and error messages. */
export const TEMPLATE_VARIABLES = [
  'scope',
  'location',
  'region',
  'serverGroup',
  'cluster',
  'application',
  'scopeName',
  'start',
  'end',
  'startEpochSeconds',
  'endEpochSeconds',
  'startEpochMillis',
  'endEpochMillis',
  'step',
  'stepSeconds',
] as const;

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The variables of a scope: built-ins, then Kayenta's extendedScopeParams (which may not shadow them). */
export function scopeVariables(scope: MetricScope): Record<string, string> {
  const parsed = parseName(scope.scope);
  const stepSeconds = scope.stepMs / 1000;
  const builtins: Record<(typeof TEMPLATE_VARIABLES)[number], string> = {
    scope: scope.scope,
    location: scope.location,
    region: scope.location,
    serverGroup: scope.scope,
    cluster: parsed?.cluster ?? scope.scope,
    application: parsed?.application ?? scope.scope,
    scopeName: scope.scopeName,
    start: new Date(scope.start).toISOString(),
    end: new Date(scope.end).toISOString(),
    startEpochSeconds: String(Math.floor(scope.start / 1000)),
    endEpochSeconds: String(Math.floor(scope.end / 1000)),
    startEpochMillis: String(scope.start),
    endEpochMillis: String(scope.end),
    // Prometheus durations take no fractions: 0.5 s is written 500ms.
    step: Number.isInteger(stepSeconds) ? `${stepSeconds}s` : `${scope.stepMs}ms`,
    stepSeconds: String(stepSeconds),
  };
  return { ...scope.extendedScopeParams, ...builtins };
}

export interface TemplatePart {
  kind: 'text' | 'variable';
  value: string;
  /** Offset of the part in the template. */
  at: number;
}

/** Splits a template into text and `${name}` parts; a syntax problem is reported as a message. */
export function parseTemplate(template: string): { parts: TemplatePart[]; error?: string } {
  const parts: TemplatePart[] = [];
  let text = '';
  let textAt = 0;
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('$${', i)) {
      text += '${';
      i += 3;
      continue;
    }
    if (template.startsWith('${', i)) {
      const close = template.indexOf('}', i + 2);
      if (close < 0) return { parts, error: `unclosed \${ at position ${i}` };
      const name = template.slice(i + 2, close).trim();
      if (!VARIABLE.test(name)) return { parts, error: `\${${template.slice(i + 2, close)}} at position ${i} is not a variable name` };
      if (text !== '') parts.push({ kind: 'text', value: text, at: textAt });
      parts.push({ kind: 'variable', value: name, at: i });
      text = '';
      i = close + 1;
      textAt = i;
      continue;
    }
    text += template[i];
    i++;
  }
  if (text !== '') parts.push({ kind: 'text', value: text, at: textAt });
  return { parts };
}

/** Syntax check of a template (config time: the scope's variables are not known yet). */
export function templateSyntaxErrors(template: string, pointer: string): ErrorDetail[] {
  const { error } = parseTemplate(template);
  return error ? [{ pointer, message: error }] : [];
}

/** A template that names a variable the scope does not have, or is malformed. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Replaces every `${name}` with its variable. Throws TemplateError naming an unknown variable
 * and the variables there are.
 */
export function expandTemplate(template: string, variables: Readonly<Record<string, string>>): string {
  const { parts, error } = parseTemplate(template);
  if (error) throw new TemplateError(error);
  return parts
    .map((p) => {
      if (p.kind === 'text') return p.value;
      const value = variables[p.value];
      if (value === undefined) {
        throw new TemplateError(`unknown template variable \${${p.value}}; known: ${Object.keys(variables).sort().join(', ')}`);
      }
      return value;
    })
    .join('');
}
