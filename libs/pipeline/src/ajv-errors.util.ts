import type { ErrorDetail } from '@gennaker/common';
import type { ErrorObject } from 'ajv';
import { fieldLabel } from './error-list.util';
import { PATTERN_HINTS } from './pipeline-schema.util';

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function escapeSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

/**
 * One Ajv error as `{pointer, message}`. Ajv's instancePath is already an RFC 6901 pointer; for
 * `required` and `additionalProperties` the pointer is moved onto the missing or extra key, which
 * is where a person has to look. `if` errors are dropped: the failing `then` is reported itself.
 */
export function ajvErrorToDetail(e: ErrorObject): ErrorDetail | undefined {
  const params: Record<string, unknown> = e.params;
  const at = (p: string, message: string): ErrorDetail => ({ pointer: p, message: `${fieldLabel(p)} ${message}` });
  switch (e.keyword) {
    case 'if':
      return undefined;
    case 'required':
      return at(`${e.instancePath}/${escapeSegment(str(params['missingProperty']))}`, 'is required');
    case 'additionalProperties': {
      const key = str(params['additionalProperty']);
      return at(`${e.instancePath}/${escapeSegment(key)}`, `is not a known key of ${fieldLabel(e.instancePath)}`);
    }
    case 'type': {
      const types = Array.isArray(params['type']) ? params['type'].map(str) : [str(params['type'])];
      return at(e.instancePath, `must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`);
    }
    case 'enum': {
      const allowed = Array.isArray(params['allowedValues']) ? params['allowedValues'] : [];
      return at(e.instancePath, `must be one of ${allowed.slice(0, 20).map(str).join(', ')}`);
    }
    case 'const':
      return at(e.instancePath, `must be ${str(params['allowedValue'])}`);
    case 'minLength':
      return at(e.instancePath, params['limit'] === 1 ? 'must not be empty' : `must be at least ${str(params['limit'])} characters long`);
    case 'maxLength':
      return at(e.instancePath, `must be at most ${str(params['limit'])} characters long`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return at(e.instancePath, `must be ${str(params['comparison'])} ${str(params['limit'])}`);
    case 'minItems':
      return at(e.instancePath, `must have at least ${str(params['limit'])} items`);
    case 'maxItems':
      return at(e.instancePath, `must have at most ${str(params['limit'])} items`);
    case 'pattern': {
      const pattern = str(params['pattern']);
      return at(e.instancePath, PATTERN_HINTS[pattern] ?? `must match ${pattern}`);
    }
    case 'false schema':
      return at(e.instancePath, 'is not allowed');
    default:
      return at(e.instancePath, e.message ?? `fails ${e.keyword}`);
  }
}
