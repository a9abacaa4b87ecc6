import { cloneJson, pointer, type ErrorDetail } from '@gennaker/common';
import { Prng } from './prng.util';

export const MALFORMED_KINDS = [
  'wrongType',
  'missingRequired',
  'cycle',
  'selfReference',
  'unknownRequisite',
  'duplicateRefId',
  'unknownStageType',
  'hugeString',
  'hugeDocument',
  'deepNesting',
  'forbiddenKey',
  'badParameter',
  'badTimeWindow',
  'badNumber',
  'tooManyStages',
  'nonObjectRoot',
  'emptyObject',
  'invalidJson',
] as const;

export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** The error a validator must report for a case (it may report others too). */
export interface ExpectedError {
  pointer: string;
  /** 'prefix': the reported pointer is this one or lies under it (segment-wise). */
  match: 'exact' | 'prefix';
  /** Text the message of that same error must contain. */
  messageIncludes?: string;
}

export interface MalformedCase {
  index: number;
  kind: MalformedKind;
  /** What was broken, for a failing test's output (never the huge payload itself). */
  description: string;
  /** The request body as sent: text, so deep nesting and `__proto__` keys reach JSON.parse. */
  body: string;
  /** false only for invalidJson: JSON.parse throws, and the API must answer 400 at pointer "". */
  parses: boolean;
  expected: ExpectedError;
}

/** Whether `errors` holds the error a case expects. */
export function reportsExpectedError(errors: readonly ErrorDetail[], expected: ExpectedError): boolean {
  return errors.some(
    (e) =>
      (expected.match === 'exact'
        ? e.pointer === expected.pointer
        : e.pointer === expected.pointer || e.pointer.startsWith(`${expected.pointer}/`)) &&
      (expected.messageIncludes === undefined || e.message.includes(expected.messageIncludes)),
  );
}

type Json = Record<string, unknown>;
type Path = Array<string | number>;

const DEFAULT_MAX_STRING = 64 * 1024;
const DEFAULT_MAX_DOCUMENT = 1024 * 1024;

/** A seed being mutated, plus raw JSON text to splice in where JSON.stringify cannot go. */
class Draft {
  private readonly raw = new Map<string, string>();

  constructor(
    readonly doc: Json,
    private readonly rng: Prng,
  ) {}

  get stages(): Json[] {
    return this.doc['stages'] as Json[];
  }

  /** A string that render() replaces (quotes included) by `text`. */
  placeholder(text: string): string {
    const key = `__gk_raw_${this.raw.size}_${this.rng.int(1e9)}__`;
    this.raw.set(key, text);
    return key;
  }

  render(): string {
    let out = JSON.stringify(this.doc);
    // A function replacement, so `$` in the raw text is never read as a pattern.
    for (const [key, text] of this.raw) out = out.replace(JSON.stringify(key), () => text);
    return out;
  }
}

interface Mutation {
  description: string;
  expected: ExpectedError;
  /** For cases that are not a mutated seed (non-object roots, invalid JSON). */
  body?: string;
  parses?: boolean;
}

type Mutator = (d: Draft, rng: Prng) => Mutation;

const exact = (path: Path, messageIncludes?: string): ExpectedError => ({
  pointer: pointer(...path),
  match: 'exact',
  ...(messageIncludes === undefined ? {} : { messageIncludes }),
});

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function getAt(doc: unknown, path: Path): unknown {
  let cur = doc;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isJson(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

function setAt(doc: Json, path: Path, value: unknown): void {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = value;
  else if (isJson(parent)) parent[String(last)] = value;
  else throw new Error(`no parent for ${pointer(...path)}`);
}

function deleteAt(doc: Json, path: Path): void {
  const parent = getAt(doc, path.slice(0, -1));
  if (isJson(parent)) delete parent[String(path[path.length - 1])];
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function arrayAt(doc: Json, key: string): unknown[] {
  const v = doc[key];
  if (Array.isArray(v)) return v;
  const fresh: unknown[] = [];
  doc[key] = fresh;
  return fresh;
}

type FieldType = 'string' | 'boolean' | 'integer' | 'array' | 'object' | 'refId';

const WRONG_VALUES: Record<FieldType, unknown[]> = {
  string: [42, true, null, {}, [], 1.5, ['a']],
  boolean: ['true', 1, 0, null, {}, [], 'false'],
  integer: ['10', 1.5, true, null, {}, [], -0.5],
  array: ['a', 1, {}, null, true],
  object: ['a', 1, [], null, true],
  refId: [true, null, {}, [], 1.5, -1, ''],
};

const STAGE_FLAGS = [
  'failPipeline',
  'continuePipeline',
  'completeOtherBranchesThenFail',
  'failOnFailedExpressions',
  'overrideTimeout',
  'restrictExecutionDuringTimeWindow',
  'sendNotifications',
];

/** Typed fields of the document, the seed's nested ones only where they exist. */
function typedFields(d: Draft, rng: Prng): Array<[Path, FieldType]> {
  const fields: Array<[Path, FieldType]> = [
    [['application'], 'string'],
    [['name'], 'string'],
    [['id'], 'string'],
    [['description'], 'string'],
    [['stages'], 'array'],
    [['triggers'], 'array'],
    [['parameterConfig'], 'array'],
    [['limitConcurrent'], 'boolean'],
    [['maxConcurrentExecutions'], 'integer'],
    [['keepWaitingPipelines'], 'boolean'],
    [['notifications'], 'array'],
    [['expectedArtifacts'], 'array'],
    [['disabled'], 'boolean'],
  ];
  const i = rng.int(d.stages.length);
  const stage = d.stages[i] as Json;
  const s = (...rest: Path): Path => ['stages', i, ...rest];
  fields.push(
    [s(), 'object'],
    [s('refId'), 'refId'],
    [s('type'), 'string'],
    [s('name'), 'string'],
    [s('requisiteStageRefIds'), 'array'],
    [s('stageEnabled'), 'object'],
    [s('stageTimeoutMs'), 'integer'],
    [s('restrictedExecutionWindow'), 'object'],
    [s('notifications'), 'array'],
    [s('comments'), 'string'],
    ...STAGE_FLAGS.map((f): [Path, FieldType] => [s(f), 'boolean']),
  );
  const requisites = stage['requisiteStageRefIds'];
  if (Array.isArray(requisites) && requisites.length > 0) fields.push([s('requisiteStageRefIds', rng.int(requisites.length)), 'refId']);
  if (isJson(stage['stageEnabled'])) fields.push([s('stageEnabled', 'expression'), 'string']);
  const window = stage['restrictedExecutionWindow'];
  if (isJson(window)) {
    if (Array.isArray(window['whitelist']) && window['whitelist'].length > 0) {
      fields.push([s('restrictedExecutionWindow', 'whitelist', 0, rng.pick(['startHour', 'startMin', 'endHour', 'endMin'])), 'integer']);
    }
    if (Array.isArray(window['days']) && window['days'].length > 0) fields.push([s('restrictedExecutionWindow', 'days', 0), 'integer']);
  }
  const listed = (key: string, entry: Array<[string, FieldType]>) => {
    const list = d.doc[key];
    if (!Array.isArray(list) || list.length === 0) return;
    const k = rng.int(list.length);
    fields.push([[key, k], 'object'], ...entry.map(([f, t]): [Path, FieldType] => [[key, k, f], t]));
  };
  listed('triggers', [['type', 'string'], ['enabled', 'boolean']]);
  listed('notifications', [['type', 'string'], ['when', 'array'], ['address', 'string']]);
  listed('parameterConfig', [['name', 'string'], ['hasOptions', 'boolean'], ['options', 'array']]);
  listed('expectedArtifacts', [['id', 'string'], ['useDefaultArtifact', 'boolean']]);
  return fields;
}

function randomStage(d: Draft, rng: Prng): number {
  return rng.int(d.stages.length);
}

function refIdOf(d: Draft, i: number): string | number {
  return (d.stages[i] as Json)['refId'] as string | number;
}

function requisitesOf(d: Draft, i: number): unknown[] {
  return arrayAt(d.stages[i] as Json, 'requisiteStageRefIds');
}

/** Every object inside a stage, up to a few levels down (for keys inserted deep in a context). */
function objectsWithin(value: unknown, path: Path, out: Path[], depth: number): void {
  if (depth > 4) return;
  if (isJson(value)) {
    out.push(path);
    for (const [k, v] of Object.entries(value)) objectsWithin(v, [...path, k], out, depth + 1);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => objectsWithin(v, [...path, i], out, depth + 1));
  }
}

const MUTATORS: Record<MalformedKind, Mutator> = {
  wrongType(d, rng) {
    const [path, type] = rng.pick(typedFields(d, rng));
    const value = rng.pick(WRONG_VALUES[type]);
    setAt(d.doc, path, cloneJson(value));
    return { description: `set ${pointer(...path)} (${type}) to ${short(value)}`, expected: exact(path) };
  },

  missingRequired(d, rng) {
    const i = randomStage(d, rng);
    const candidates: Path[] = [['application'], ['name'], ['stages'], ['stages', i, 'refId'], ['stages', i, 'type']];
    for (const key of ['triggers', 'notifications', 'expectedArtifacts', 'parameterConfig'] as const) {
      const list = d.doc[key];
      const field = { triggers: 'type', notifications: 'type', expectedArtifacts: 'id', parameterConfig: 'name' }[key];
      if (Array.isArray(list) && list.length > 0) candidates.push([key, rng.int(list.length), field]);
    }
    const stage = d.stages[i] as Json;
    if (isJson(stage['stageEnabled'])) candidates.push(['stages', i, 'stageEnabled', 'expression']);
    const window = stage['restrictedExecutionWindow'];
    if (isJson(window) && Array.isArray(window['whitelist']) && window['whitelist'].length > 0) {
      candidates.push(['stages', i, 'restrictedExecutionWindow', 'whitelist', 0, rng.pick(['startHour', 'startMin', 'endHour', 'endMin'])]);
    }
    const path = rng.pick(candidates);
    deleteAt(d.doc, path);
    return { description: `removed ${pointer(...path)}`, expected: exact(path) };
  },

  cycle(d, rng) {
    // A ring whose members require only each other: the cycle is exactly these stages.
    const size = 2 + rng.int(Math.min(3, d.stages.length - 1));
    const ring = rng.sample(d.stages.length, size);
    ring.forEach((stageIndex, m) => {
      const previous = ring[(m + size - 1) % size] as number;
      (d.stages[stageIndex] as Json)['requisiteStageRefIds'] = [refIdOf(d, previous)];
    });
    // The validator starts at the lowest index and lists stages in execution order.
    const start = Math.min(...ring);
    const order: number[] = [];
    for (let m = ring.indexOf(start), n = 0; n <= size; n++, m = (m + 1) % size) order.push(ring[m] as number);
    const refs = order.map((i) => String(refIdOf(d, i)));
    return {
      description: `stages ${ring.join(', ')} require each other in a ring`,
      expected: exact(['stages', start, 'requisiteStageRefIds', 0], `stages form a cycle: ${refs.join(' -> ')}`),
    };
  },

  selfReference(d, rng) {
    const i = randomStage(d, rng);
    const requisites = requisitesOf(d, i);
    requisites.push(refIdOf(d, i));
    return { description: `stage ${i} requires its own refId`, expected: exact(['stages', i, 'requisiteStageRefIds', requisites.length - 1]) };
  },

  unknownRequisite(d, rng) {
    const i = randomStage(d, rng);
    const requisites = requisitesOf(d, i);
    const missing = rng.chance(0.5) ? `missing-${rng.int(1e6)}` : 900_000 + rng.int(1e5);
    requisites.splice(rng.int(requisites.length + 1), 0, missing);
    const at = requisites.indexOf(missing);
    return { description: `stage ${i} requires unknown refId ${short(missing)}`, expected: exact(['stages', i, 'requisiteStageRefIds', at]) };
  },

  duplicateRefId(d, rng) {
    const [a, b] = rng.sample(d.stages.length, 2) as [number, number];
    const [first, second] = a < b ? [a, b] : [b, a];
    const ref = refIdOf(d, first);
    // Numbers and their digits are the same refId: "1" after 1 is a duplicate too.
    const copy = typeof ref === 'string' && /^\d+$/.test(ref) && rng.chance(0.3) ? Number(ref) : ref;
    (d.stages[second] as Json)['refId'] = copy;
    return { description: `stage ${second} reuses refId ${short(copy)} of stage ${first}`, expected: exact(['stages', second, 'refId']) };
  },

  unknownStageType(d, rng) {
    const i = randomStage(d, rng);
    const type = rng.pick(['deployManifest', 'runJob', 'bakeManifest', 'travis', 'concourse', 'gremlin', `custom${rng.int(1000)}`]);
    (d.stages[i] as Json)['type'] = type;
    return { description: `stage ${i} has type ${type}`, expected: exact(['stages', i, 'type'], `"${type}"`) };
  },

  hugeString(d, rng) {
    const i = randomStage(d, rng);
    const huge = 'x'.repeat(DEFAULT_MAX_STRING + 1 + rng.int(10_000));
    const targets: Path[] = [['name'], ['description'], ['stages', i, 'name'], ['stages', i, 'comments'], ['stages', i, 'scriptBody'], ['stages', i, 'notes']];
    const path = rng.pick(targets);
    if (path[path.length - 1] === 'notes') {
      (d.stages[i] as Json)['notes'] = ['short', huge];
      path.push(1);
    } else if (rng.chance(0.2)) {
      // A huge key instead of a huge value.
      (d.stages[i] as Json)[huge] = 1;
      return { description: `stage ${i} has a key of ${huge.length} characters`, expected: exact(['stages', i, huge]) };
    } else {
      setAt(d.doc, path, huge);
    }
    return { description: `${pointer(...path)} holds ${huge.length} characters`, expected: exact(path) };
  },

  hugeDocument(d, rng) {
    // Every string is under the per-string limit; only the total is too much.
    const chunk = 'y'.repeat(50_000);
    const padding = Array.from({ length: Math.ceil(DEFAULT_MAX_DOCUMENT / chunk.length) + rng.int(3) }, () => chunk);
    if (rng.chance(0.5)) d.doc['padding'] = padding;
    else (d.stages[randomStage(d, rng)] as Json)['padding'] = padding;
    return { description: `${padding.length} strings of ${chunk.length} characters`, expected: exact([]) };
  },

  deepNesting(d, rng) {
    const depth = rng.pick([40, 100, 1000, 10_000, 10_000]);
    const raw = rng.chance(0.5) ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const i = randomStage(d, rng);
    const path: Path = rng.pick<Path>([['stages', i, 'nested'], ['metadata'], ['stages', i, 'stageEnabled', 'extra']]);
    if (path.length === 4) (d.stages[i] as Json)['stageEnabled'] = { type: 'expression', expression: 'true' };
    setAt(d.doc, path, d.placeholder(raw));
    return { description: `${pointer(...path)} nests ${depth} levels`, expected: { pointer: pointer(...path), match: 'prefix' } };
  },

  forbiddenKey(d, rng) {
    const key = rng.pick(['__proto__', '__proto__', 'constructor', 'prototype']);
    const i = randomStage(d, rng);
    const within: Path[] = [];
    objectsWithin(d.stages[i], ['stages', i], within, 0);
    const triggers = d.doc['triggers'];
    const targets: Path[] = [[], rng.pick(within)];
    if (Array.isArray(triggers) && triggers.length > 0) targets.push(['triggers', rng.int(triggers.length)]);
    const target = rng.pick(targets);
    const holder = getAt(d.doc, target) as Json;
    // Inserted through the text: assigning obj['__proto__'] in JS would set the prototype instead.
    holder[d.placeholder(JSON.stringify(key))] = d.placeholder(rng.pick(['{"isAdmin": true}', '"x"', '1', '{"toString": 1}', '[]', 'null']));
    return { description: `key ${key} inserted at ${pointer(...target) || '/'}`, expected: exact([...target, key]) };
  },

  badParameter(d, rng) {
    const params = arrayAt(d.doc, 'parameterConfig');
    const name = `gk_param_${rng.int(1e6)}`;
    const mode = rng.int(7);
    switch (mode) {
      case 0:
        params.push({ name }, { name, label: 'again' });
        return { description: `parameter ${name} twice`, expected: exact(['parameterConfig', params.length - 1, 'name']) };
      case 1:
        params.push(rng.chance(0.5) ? { name, hasOptions: true } : { name, hasOptions: true, options: [] });
        return { description: `parameter ${name} has hasOptions but no options`, expected: exact(['parameterConfig', params.length - 1, 'options']) };
      case 2:
        params.push({ name, hasOptions: true, default: 'gold', options: [{ value: 'silver' }, { value: 'bronze' }] });
        return { description: `parameter ${name} defaults outside its options`, expected: exact(['parameterConfig', params.length - 1, 'default']) };
      case 3: {
        const bad = rng.pick(['has space', '', '${evil}', '1abc', 'a"b', 'x'.repeat(200), 'ünïcode', 'a/b']);
        params.push({ name: bad });
        return { description: `parameter named ${short(bad)}`, expected: exact(['parameterConfig', params.length - 1, 'name']) };
      }
      case 4:
        params.push({ label: 'no name', default: 'x' });
        return { description: 'parameter without a name', expected: exact(['parameterConfig', params.length - 1, 'name']) };
      case 5:
        params.push({ name, hasOptions: true, options: [{ label: 'no value' }] });
        return { description: `parameter ${name} has an option without value`, expected: exact(['parameterConfig', params.length - 1, 'options', 0, 'value']) };
      default:
        params.push({ name: rng.pick([5, null, true, { n: 1 }]) });
        return { description: 'parameter name of the wrong type', expected: exact(['parameterConfig', params.length - 1, 'name']) };
    }
  },

  badTimeWindow(d, rng) {
    const i = randomStage(d, rng);
    const window: Json = { whitelist: [{ startHour: 10, startMin: 0, endHour: 12, endMin: 0 }], days: [1, 2, 3] };
    const stage = d.stages[i] as Json;
    stage['restrictExecutionDuringTimeWindow'] = true;
    stage['restrictedExecutionWindow'] = window;
    const base: Path = ['stages', i, 'restrictedExecutionWindow'];
    const breakage = rng.pick<[Path, unknown]>([
      [['whitelist', 0, 'startHour'], 24],
      [['whitelist', 0, 'startHour'], -1],
      [['whitelist', 0, 'endHour'], 25],
      [['whitelist', 0, 'startMin'], 60],
      [['whitelist', 0, 'endMin'], -1],
      [['whitelist', 0, 'endMin'], '15'],
      [['whitelist', 0, 'startSec'], 3],
      [['days', 1], 0],
      [['days', 2], 8],
      [['timeZone'], 'Mars/Olympus_Mons'],
    ]);
    const path = [...base, ...breakage[0]];
    setAt(d.doc, path, breakage[1]);
    return { description: `set ${pointer(...path)} to ${short(breakage[1])}`, expected: exact(path) };
  },

  badNumber(d, rng) {
    const i = randomStage(d, rng);
    const [path, value, raw] = rng.pick<[Path, unknown, boolean]>([
      [['stages', i, 'stageTimeoutMs'], 0, false],
      [['stages', i, 'stageTimeoutMs'], -1000, false],
      [['stages', i, 'stageTimeoutMs'], 1.5, false],
      // Parsed as Infinity, which JSON cannot store.
      [['stages', i, 'stageTimeoutMs'], '1e400', true],
      [['stages', i, 'waitTime'], '-1e999', true],
      [['maxConcurrentExecutions'], -1, false],
      [['maxConcurrentExecutions'], 2.5, false],
    ]);
    setAt(d.doc, path, raw ? d.placeholder(String(value)) : value);
    return { description: `set ${pointer(...path)} to ${String(value)}`, expected: exact(path) };
  },

  tooManyStages(d, rng) {
    const target = 501 + rng.int(200);
    for (let n = d.stages.length; n < target; n++) d.stages.push({ refId: `gk${n}`, type: 'wait', waitTime: 1 });
    return { description: `${target} stages`, expected: exact(['stages']) };
  },

  nonObjectRoot(d, rng) {
    const body = rng.pick(['[]', '[{}]', '"pipeline"', '42', 'null', 'true', 'false', '-0', '"{}"', `[${JSON.stringify(d.doc)}]`]);
    return { description: `root ${short(body)}`, expected: exact([]), body };
  },

  emptyObject(_d, rng) {
    const body = rng.pick(['{}', '{"application": "app", "name": "p"}', '{ }']);
    return { description: `body ${body} has no stages`, expected: exact(['stages']), body };
  },

  invalidJson(d, rng) {
    const text = JSON.stringify(d.doc);
    const body = rng.pick([
      '',
      '   ',
      text.slice(0, 1 + rng.int(text.length - 1)),
      `${text.slice(0, -1)},}`,
      "{'application': 'app'}",
      '{"a": 1}{"b": 2}',
      'NaN',
      '{"stageTimeoutMs": NaN}',
      `\uFEFF${text}`,
      '{"stages": [undefined]}',
    ]);
    return { description: `not JSON: ${short(body)}`, expected: exact([]), body, parses: false };
  },
};

/**
 * `count` malformed pipeline bodies made from valid seed pipelines, every kind in turn, each with
 * the error a validator must report. Deterministic: the same seeds, count and seed give the same
 * bodies. Seeds must be valid pipelines with at least two stages (refIds unique).
 */
export function generateMalformedPipelines(seedPipelines: readonly unknown[], count: number, seed: number): MalformedCase[] {
  const seeds = seedPipelines.filter((s): s is Json => isJson(s) && Array.isArray(s['stages']) && s['stages'].length >= 2);
  if (seeds.length === 0) throw new Error('generateMalformedPipelines needs a seed pipeline with at least two stages');
  const rng = new Prng(seed);
  const cases: MalformedCase[] = [];
  for (let index = 0; index < count; index++) {
    const kind = MALFORMED_KINDS[index % MALFORMED_KINDS.length] as MalformedKind;
    const draft = new Draft(cloneJson(rng.pick(seeds)), rng);
    const m = MUTATORS[kind](draft, rng);
    cases.push({
      index,
      kind,
      description: m.description,
      body: m.body ?? draft.render(),
      parses: m.parses ?? true,
      expected: m.expected,
    });
  }
  return cases;
}
