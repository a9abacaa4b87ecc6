import { EvaluationFault } from './expression-error';
import { intArg, stringArg } from './methods';
import type { ExpressionScope, ExpressionStage } from './scope';
import { describeKind, isList, isMap, mapGet, MAX_DATA_DEPTH, readOwn, toJson } from './values';

export interface FunctionContext {
  scope: ExpressionScope;
  maxResultSize: number;
  maxDepth: number;
}

interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  call: (args: unknown[], ctx: FunctionContext) => unknown;
}

/**
 * The `#name(...)` helpers of Orca's expression support that need no I/O. Faults about an argument carry
 * its index, so the error points at the argument rather than at the `#`.
 */
const FUNCTIONS = new Map<string, FunctionSpec>([
  ['stage', one((name, ctx) => stageView(findStage(ctx, 'name', stringArg(name, 0))))],
  ['stageByRefId', one((refId, ctx) => stageView(findStage(ctx, 'refId', stringArg(refId, 0))))],
  ['stageExists', one((name, ctx) => (ctx.scope.stages ?? []).some((s) => s.name === stringArg(name, 0)))],
  ['judgment', one(judgment)],
  ['judgement', one(judgment)],
  ['pipelineId', one(pipelineId)],
  ['toJson', one((value, ctx) => toJson(value, ctx.maxResultSize))],
  ['readJson', one(readJson)],
  ['toInt', one(toInt)],
  ['toFloat', one(toFloat)],
  ['toBoolean', one(toBoolean)],
  ['alphanumerical', one((s) => stringArg(s, 0).replace(/[^A-Za-z0-9]/g, ''))],
  ['toBase64', one((s) => toBase64(stringArg(s, 0)))],
  ['fromBase64', one((s) => fromBase64(stringArg(s, 0)))],
]);

/** Orca helpers we deliberately leave out, with the reason the error gives. */
const REFUSED = new Map<string, string>([
  ['fromUrl', 'expressions cannot make network requests'],
  ['jsonFromUrl', 'expressions cannot make network requests'],
  ['propertiesFromUrl', 'expressions cannot make network requests'],
  ['yamlFromUrl', 'expressions cannot make network requests'],
]);

export function isFunctionName(name: string): boolean {
  return FUNCTIONS.has(name);
}

export function functionNames(): string[] {
  return [...FUNCTIONS.keys()];
}

export function callFunction(name: string, args: unknown[], ctx: FunctionContext): unknown {
  const spec = FUNCTIONS.get(name);
  if (!spec) {
    const refused = REFUSED.get(name);
    throw new EvaluationFault(refused ? `#${name} is not supported: ${refused}` : `unknown function '#${name}'`);
  }
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    throw new EvaluationFault(`#${name} takes ${spec.minArgs} argument${spec.minArgs === 1 ? '' : 's'}, got ${args.length}`);
  }
  return spec.call(args, ctx);
}

function one(call: (arg: unknown, ctx: FunctionContext) => unknown): FunctionSpec {
  return { minArgs: 1, maxArgs: 1, call: (args, ctx) => call(args[0], ctx) };
}

function findStage(ctx: FunctionContext, field: 'name' | 'refId', value: string): ExpressionStage {
  const stage = (ctx.scope.stages ?? []).find((s) => s[field] === value);
  if (!stage) throw new EvaluationFault(`no stage with ${field} '${value}' in this execution`, 0);
  return stage;
}

/** A fresh plain map, so expressions never hold the engine's own stage object. */
function stageView(stage: ExpressionStage): Record<string, unknown> {
  return {
    id: stage.id,
    refId: stage.refId,
    name: stage.name,
    type: stage.type,
    status: stage.status,
    context: stage.context,
    outputs: stage.outputs,
  };
}

/** Orca: the `judgmentInput` a user chose in the named manual judgment stage (null until they choose). */
function judgment(name: unknown, ctx: FunctionContext): unknown {
  const wanted = stringArg(name, 0);
  const stages = (ctx.scope.stages ?? []).filter((s) => s.name === wanted);
  const stage = stages.find((s) => s.type === 'manualJudgment');
  if (!stage) {
    const other = stages[0];
    throw new EvaluationFault(
      other
        ? `stage '${wanted}' is a ${other.type} stage, not a manualJudgment stage`
        : `no manualJudgment stage named '${wanted}' in this execution`,
      0,
    );
  }
  return isMap(stage.context) ? mapGet(stage.context, 'judgmentInput') : null;
}

function pipelineId(name: unknown, ctx: FunctionContext): string {
  const wanted = stringArg(name, 0);
  const ids = ctx.scope.pipelineIds;
  const found = ids && isMap(ids) ? readOwn(ids, wanted)?.value : undefined;
  if (typeof found !== 'string') throw new EvaluationFault(`no pipeline named '${wanted}' in this application`, 0);
  return found;
}

function readJson(text: unknown, ctx: FunctionContext): unknown {
  const source = stringArg(text, 0);
  let parsed: unknown;
  try {
    parsed = JSON.parse(source) as unknown;
  } catch (err) {
    throw new EvaluationFault(`#readJson: not valid JSON (${err instanceof Error ? err.message : String(err)})`, 0);
  }
  // JSON.parse itself is iterative; our walkers are recursive, so refuse absurd nesting up front.
  if (dataDepth(parsed, Math.min(ctx.maxDepth, MAX_DATA_DEPTH)) > Math.min(ctx.maxDepth, MAX_DATA_DEPTH)) {
    throw new EvaluationFault(`#readJson: JSON is nested deeper than ${ctx.maxDepth} levels`, 0);
  }
  return parsed;
}

/** Depth of nested lists/maps, computed without recursion and giving up once past `limit`. */
function dataDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [v, depth] = entry;
    if (depth > max) max = depth;
    if (max > limit) return max;
    if (isList(v)) v.forEach((item) => stack.push([item, depth + 1]));
    else if (isMap(v)) Object.values(v).forEach((item) => stack.push([item, depth + 1]));
  }
  return max;
}

/** Java Integer.valueOf: integers and integer strings only; '1.5' is an error, not 1. */
function toInt(v: unknown): number {
  if (typeof v === 'number') return intArg(v, 0);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) {
    const n = Number(v.trim());
    if (Number.isSafeInteger(n)) return n;
  }
  throw new EvaluationFault(`#toInt: cannot convert ${describeArg(v)} to an integer`, 0);
}

function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) {
    const n = Number(v.trim());
    if (Number.isFinite(n)) return n;
  }
  throw new EvaluationFault(`#toFloat: cannot convert ${describeArg(v)} to a number`, 0);
}

/** Java Boolean.valueOf: 'true' in any case is true, every other string false. */
function toBoolean(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v.toLowerCase() === 'true';
  throw new EvaluationFault(`#toBoolean: cannot convert ${describeArg(v)} to a boolean`, 0);
}

function toBase64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(s: string): string {
  const clean = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new EvaluationFault('#fromBase64: not valid base64', 0);
  }
  const binary = atob(clean);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EvaluationFault('#fromBase64: the decoded bytes are not UTF-8 text', 0);
  }
}

function describeArg(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
  return describeKind(v);
}
