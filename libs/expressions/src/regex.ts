import { EvaluationFault } from './expression-error';
import { MAX_REGEX_INPUT_LENGTH, MAX_REGEX_PATTERN_LENGTH } from './limits';

/*
 * Java-flavoured regular expressions for `matches`, `split` and `replaceAll`, run by a Pike VM (Thompson
 * NFA with captures): time is linear in pattern size x input length whatever the pattern, so `(a+)+$`
 * cannot hang a worker the way it hangs a backtracking engine. The price is no backreferences and no
 * lookaround, which pipelines do not need. Work is reported through `charge` so it counts as steps.
 */

type CharTest = (code: number) => boolean;
type Assertion = 'lineStart' | 'lineEnd' | 'inputStart' | 'inputEnd' | 'wordBoundary' | 'notWordBoundary';

type RegexNode =
  | { kind: 'char'; test: CharTest }
  | { kind: 'sequence'; items: RegexNode[] }
  | { kind: 'alternation'; options: RegexNode[] }
  | { kind: 'group'; index: number | null; body: RegexNode }
  | { kind: 'repeat'; body: RegexNode; min: number; max: number; greedy: boolean }
  | { kind: 'assert'; assertion: Assertion };

type Instruction =
  | { op: 'char'; test: CharTest }
  | { op: 'split'; first: number; second: number }
  | { op: 'jump'; to: number }
  | { op: 'save'; slot: number }
  | { op: 'assert'; assertion: Assertion }
  | { op: 'match' };

export interface CompiledRegex {
  program: Instruction[];
  groupCount: number;
  groupNames: ReadonlyMap<string, number>;
  multiline: boolean;
}

/** Charged with units of work (threads stepped); the evaluator turns them into steps. */
export type Charge = (units: number) => void;

const MAX_PROGRAM_SIZE = 10_000;
const MAX_REPEAT = 1000;

const range = (lo: number, hi: number): CharTest => (c) => c >= lo && c <= hi;
const isDigitCode: CharTest = range(48, 57);
const isWordCode: CharTest = (c) => isDigitCode(c) || range(65, 90)(c) || range(97, 122)(c) || c === 95;
const isSpaceCode: CharTest = (c) => c === 32 || (c >= 9 && c <= 13);
const isLineTerminator: CharTest = (c) => c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
const not = (test: CharTest): CharTest => (c) => !test(c);

// Java's (?i) folds ASCII letters only unless UNICODE_CASE is also given.
const swapAsciiCase = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c >= 97 && c <= 122 ? c - 32 : c);

class RegexParser {
  private i = 0;
  private groupCount = 0;
  readonly groupNames = new Map<string, number>();
  private ignoreCase = false;
  private dotAll = false;
  multiline = false;

  constructor(private readonly src: string) {}

  parse(): { node: RegexNode; groupCount: number } {
    this.leadingFlags();
    const node = this.alternation();
    if (this.i < this.src.length) this.fail(`unmatched ')'`);
    return { node, groupCount: this.groupCount };
  }

  /** Java allows `(?i)` anywhere; we take flags only at the very start, which is where pipelines put them. */
  private leadingFlags(): void {
    const m = /^\(\?([a-zA-Z]+)\)/.exec(this.src);
    if (!m?.[1]) return;
    for (const flag of m[1]) {
      if (flag === 'i') this.ignoreCase = true;
      else if (flag === 's') this.dotAll = true;
      else if (flag === 'm') this.multiline = true;
      else this.fail(`flag '${flag}' is not supported (only i, s, m)`);
    }
    this.i = m[0].length;
  }

  private alternation(): RegexNode {
    const options = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 && options[0] ? options[0] : { kind: 'alternation', options };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      items.push(this.quantifier(atom));
    }
    return { kind: 'sequence', items };
  }

  private quantifier(atom: RegexNode): RegexNode {
    const c = this.src[this.i];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m?.[1]) this.fail("'{' must start a repetition like {2} or {1,3}");
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) this.fail(`repetition counts above ${MAX_REPEAT} are not supported`);
      if (max < min) this.fail(`repetition {${min},${max}} has its bounds reversed`);
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    let greedy = true;
    if (this.src[this.i] === '?') {
      greedy = false;
      this.i++;
    } else if (this.src[this.i] === '+') {
      this.fail('possessive quantifiers are not supported');
    }
    if (atom.kind === 'assert') this.fail('nothing to repeat');
    const next = this.src[this.i];
    if (next === '*' || next === '+' || next === '{' || (next === '?' && !greedy)) this.fail('nothing to repeat');
    return { kind: 'repeat', body: atom, min, max, greedy };
  }

  private atom(): RegexNode {
    const c = this.src[this.i++];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return { kind: 'char', test: this.fold(this.characterClass()) };
      case '.':
        return { kind: 'char', test: this.dotAll ? () => true : not(isLineTerminator) };
      case '^':
        return { kind: 'assert', assertion: 'lineStart' };
      case '$':
        return { kind: 'assert', assertion: 'lineEnd' };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
      case '{':
        return this.fail('nothing to repeat');
      case undefined:
        return this.fail('unexpected end of pattern');
      default:
        return this.literal(c.charCodeAt(0));
    }
  }

  private group(): RegexNode {
    let index: number | null = null;
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i + 1);
      if (rest.startsWith(':')) {
        this.i += 2;
      } else if (/^<[A-Za-z][A-Za-z0-9]*>/.test(rest)) {
        const name = /^<([A-Za-z][A-Za-z0-9]*)>/.exec(rest)?.[1] ?? '';
        if (this.groupNames.has(name)) this.fail(`group name '${name}' is used twice`);
        index = ++this.groupCount;
        this.groupNames.set(name, index);
        this.i += name.length + 3;
      } else if (/^(=|!|<=|<!)/.test(rest)) {
        this.fail('lookahead and lookbehind are not supported');
      } else if (rest.startsWith('>')) {
        this.fail('atomic groups are not supported');
      } else {
        this.fail('inline flags are only supported at the start of the pattern, like (?i)');
      }
    } else {
      index = ++this.groupCount;
    }
    const body = this.alternation();
    if (this.src[this.i] !== ')') this.fail("missing ')'");
    this.i++;
    return { kind: 'group', index, body };
  }

  private escape(): RegexNode {
    const c = this.src[this.i++];
    if (c === undefined) return this.fail('pattern ends with a lone backslash');
    switch (c) {
      case 'b':
        return { kind: 'assert', assertion: 'wordBoundary' };
      case 'B':
        return { kind: 'assert', assertion: 'notWordBoundary' };
      case 'A':
        return { kind: 'assert', assertion: 'inputStart' };
      case 'z':
      case 'Z':
        return { kind: 'assert', assertion: 'inputEnd' };
      case 'Q': {
        // \Q...\E quotes literally (what Java's Pattern.quote produces).
        const end = this.src.indexOf('\\E', this.i);
        const text = this.src.slice(this.i, end < 0 ? undefined : end);
        this.i = end < 0 ? this.src.length : end + 2;
        return { kind: 'sequence', items: [...text].map((ch) => this.literal(ch.charCodeAt(0))) };
      }
      default: {
        const test = this.escapeTest(c);
        return { kind: 'char', test: this.fold(test) };
      }
    }
  }

  /** Escapes that stand for one character or a class of characters, valid inside and outside `[...]`. */
  private escapeTest(c: string): CharTest {
    switch (c) {
      case 'd':
        return isDigitCode;
      case 'D':
        return not(isDigitCode);
      case 'w':
        return isWordCode;
      case 'W':
        return not(isWordCode);
      case 's':
        return isSpaceCode;
      case 'S':
        return not(isSpaceCode);
      default: {
        const code = this.escapedCode(c);
        return (x) => x === code;
      }
    }
  }

  private escapedCode(c: string): number {
    const simple: Record<string, number> = { t: 9, n: 10, r: 13, f: 12, a: 7, e: 27 };
    const known = simple[c];
    if (known !== undefined) return known;
    if (c === 'x' || c === 'u') {
      const width = c === 'x' ? 2 : 4;
      const hex = this.src.slice(this.i, this.i + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) this.fail(`\\${c} needs ${width} hex digits`);
      this.i += width;
      return Number.parseInt(hex, 16);
    }
    if (/[1-9]/.test(c) || c === 'k') this.fail('backreferences are not supported');
    if (/[A-Za-z0-9]/.test(c)) this.fail(`escape \\${c} is not supported`);
    return c.charCodeAt(0);
  }

  private characterClass(): CharTest {
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const tests: CharTest[] = [];
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) this.fail("missing ']'");
      if (c === ']') {
        this.i++;
        break;
      }
      if (c === '[') this.fail('nested character classes are not supported');
      if (c === '&' && this.src[this.i + 1] === '&') this.fail('character class intersection (&&) is not supported');
      const low = this.classAtom();
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        if (typeof low !== 'number') this.fail('a range cannot start with a class like \\d');
        this.i++;
        const high = this.classAtom();
        if (typeof high !== 'number') this.fail('a range cannot end with a class like \\d');
        if (high < low) this.fail('character range is out of order');
        tests.push(range(low, high));
      } else {
        tests.push(typeof low === 'number' ? (x) => x === low : low);
      }
    }
    if (tests.length === 0) this.fail('empty character class');
    const any: CharTest = (x) => tests.some((t) => t(x));
    return negated ? not(any) : any;
  }

  /** One member of a class: a code, or a class test for \d \w \s and their negations. */
  private classAtom(): number | CharTest {
    const c = this.src[this.i++];
    if (c === undefined) return this.fail("missing ']'");
    if (c !== '\\') return c.charCodeAt(0);
    const e = this.src[this.i++];
    if (e === undefined) return this.fail("missing ']'");
    if ('dDwWsS'.includes(e)) return this.escapeTest(e);
    if (e === 'b') this.fail('\\b is not allowed in a character class');
    return this.escapedCode(e);
  }

  private literal(code: number): RegexNode {
    return { kind: 'char', test: this.fold((x) => x === code) };
  }

  private fold(test: CharTest): CharTest {
    return this.ignoreCase ? (x) => test(x) || test(swapAsciiCase(x)) : test;
  }

  private fail(reason: string): never {
    throw new EvaluationFault(`invalid regular expression: ${reason} (at ${this.i} in the pattern)`);
  }
}

class RegexCompiler {
  readonly program: Instruction[] = [];

  emit(instruction: Instruction): Instruction {
    if (this.program.length >= MAX_PROGRAM_SIZE) throw new EvaluationFault('regular expression is too complex');
    this.program.push(instruction);
    return instruction;
  }

  get next(): number {
    return this.program.length;
  }

  compile(node: RegexNode): void {
    switch (node.kind) {
      case 'char':
        this.emit({ op: 'char', test: node.test });
        return;
      case 'assert':
        this.emit({ op: 'assert', assertion: node.assertion });
        return;
      case 'sequence':
        node.items.forEach((item) => this.compile(item));
        return;
      case 'group':
        if (node.index === null) return this.compile(node.body);
        this.emit({ op: 'save', slot: node.index * 2 });
        this.compile(node.body);
        this.emit({ op: 'save', slot: node.index * 2 + 1 });
        return;
      case 'alternation': {
        const jumps: Array<Instruction & { op: 'jump' }> = [];
        node.options.forEach((option, k) => {
          const last = k === node.options.length - 1;
          const split = last ? undefined : (this.emit({ op: 'split', first: this.next + 1, second: -1 }) as Instruction & { op: 'split' });
          this.compile(option);
          if (!last) jumps.push(this.emit({ op: 'jump', to: -1 }) as Instruction & { op: 'jump' });
          if (split) split.second = this.next;
        });
        jumps.forEach((j) => (j.to = this.next));
        return;
      }
      case 'repeat':
        return this.repeat(node);
    }
  }

  private repeat(node: RegexNode & { kind: 'repeat' }): void {
    for (let k = 0; k < node.min; k++) this.compile(node.body);
    if (node.max === Infinity) {
      const loop = this.next;
      const split = this.emit({ op: 'split', first: -1, second: -1 }) as Instruction & { op: 'split' };
      const body = this.next;
      this.compile(node.body);
      this.emit({ op: 'jump', to: loop });
      [split.first, split.second] = node.greedy ? [body, this.next] : [this.next, body];
      return;
    }
    const splits: Array<Instruction & { op: 'split' }> = [];
    for (let k = node.min; k < node.max; k++) {
      const split = this.emit({ op: 'split', first: -1, second: -1 }) as Instruction & { op: 'split' };
      splits.push(split);
      const body = this.next;
      this.compile(node.body);
      split.first = body;
    }
    const end = this.next;
    for (const split of splits) {
      if (node.greedy) split.second = end;
      else [split.first, split.second] = [end, split.first];
    }
  }
}

const cache = new Map<string, CompiledRegex>();
const CACHE_SIZE = 64;

/** Compiles a Java-style pattern; refuses long patterns and the syntax a linear-time engine cannot run. */
export function compileRegex(pattern: string): CompiledRegex {
  const cached = cache.get(pattern);
  if (cached) return cached;
  if (pattern.length > MAX_REGEX_PATTERN_LENGTH) {
    throw new EvaluationFault(`regular expression is longer than ${MAX_REGEX_PATTERN_LENGTH} characters`);
  }
  const parser = new RegexParser(pattern);
  const { node, groupCount } = parser.parse();
  const compiler = new RegexCompiler();
  compiler.emit({ op: 'save', slot: 0 });
  compiler.compile(node);
  compiler.emit({ op: 'save', slot: 1 });
  compiler.emit({ op: 'match' });
  const compiled: CompiledRegex = { program: compiler.program, groupCount, groupNames: parser.groupNames, multiline: parser.multiline };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
  cache.set(pattern, compiled);
  return compiled;
}

function holds(assertion: Assertion, input: string, sp: number, multiline: boolean): boolean {
  const len = input.length;
  switch (assertion) {
    case 'inputStart':
      return sp === 0;
    case 'inputEnd':
      return sp === len;
    case 'lineStart':
      return sp === 0 || (multiline && isLineTerminator(input.charCodeAt(sp - 1)));
    case 'lineEnd':
      // Java's `$` also matches before a final line terminator.
      return sp === len || (multiline ? isLineTerminator(input.charCodeAt(sp)) : sp === len - 1 && input.charCodeAt(sp) === 10);
    case 'wordBoundary':
    case 'notWordBoundary': {
      const before = sp > 0 && isWordCode(input.charCodeAt(sp - 1));
      const after = sp < len && isWordCode(input.charCodeAt(sp));
      return (before !== after) === (assertion === 'wordBoundary');
    }
  }
}

interface Thread {
  pc: number;
  caps: number[];
}

/**
 * Leftmost-first match starting at or after `from` (search), or of the whole input (full). Returns the
 * capture slots (start/end pairs, -1 when unset) or null.
 */
function run(re: CompiledRegex, input: string, from: number, mode: 'full' | 'search', charge: Charge): number[] | null {
  const { program } = re;
  const len = input.length;
  // visited[pc] === position means pc is already in the list for that position.
  const visited = new Int32Array(program.length).fill(-1);
  const empty = new Array<number>((re.groupCount + 1) * 2).fill(-1);
  let work = 0;

  const add = (list: Thread[], pc0: number, caps0: number[], sp: number): void => {
    const stack: Thread[] = [{ pc: pc0, caps: caps0 }];
    for (let t = stack.pop(); t; t = stack.pop()) {
      work++;
      if (visited[t.pc] === sp) continue;
      visited[t.pc] = sp;
      const inst = program[t.pc];
      if (!inst) continue;
      switch (inst.op) {
        case 'jump':
          stack.push({ pc: inst.to, caps: t.caps });
          break;
        case 'split':
          // Pushed second-first so the preferred branch is explored first (priority = list order).
          stack.push({ pc: inst.second, caps: t.caps }, { pc: inst.first, caps: t.caps });
          break;
        case 'save': {
          const caps = t.caps.slice();
          caps[inst.slot] = sp;
          stack.push({ pc: t.pc + 1, caps });
          break;
        }
        case 'assert':
          if (holds(inst.assertion, input, sp, re.multiline)) stack.push({ pc: t.pc + 1, caps: t.caps });
          break;
        case 'char':
        case 'match':
          list.push(t);
          break;
      }
    }
  };

  let matched: number[] | null = null;
  let current: Thread[] = [];
  for (let sp = from; sp <= len; sp++) {
    if (matched === null && (mode === 'search' || sp === from)) add(current, 0, empty, sp);
    // An empty list ends the run unless a search may still start later (`^a` in multiline mode fails at 1, matches at 2).
    if (current.length === 0) {
      if (matched !== null || mode === 'full') break;
      continue;
    }
    const nextList: Thread[] = [];
    const code = sp < len ? input.charCodeAt(sp) : -1;
    for (const t of current) {
      work++;
      const inst = program[t.pc];
      if (inst?.op === 'char') {
        if (code >= 0 && inst.test(code)) add(nextList, t.pc + 1, t.caps, sp + 1);
      } else if (inst?.op === 'match') {
        if (mode === 'full' && sp !== len) continue;
        matched = t.caps;
        break; // lower-priority threads lose to this match
      }
    }
    charge(work);
    work = 0;
    current = nextList;
  }
  charge(work);
  return matched;
}

function checkInput(input: string): void {
  if (input.length > MAX_REGEX_INPUT_LENGTH) {
    throw new EvaluationFault(`regular expressions only run on text up to ${MAX_REGEX_INPUT_LENGTH} characters (got ${input.length})`);
  }
}

/** Java `String.matches` / SpEL `matches`: the whole input must match. */
export function regexMatches(input: string, re: CompiledRegex, charge: Charge): boolean {
  checkInput(input);
  return run(re, input, 0, 'full', charge) !== null;
}

/** Successive non-overlapping matches, stepping past empty ones as Java's Matcher.find does. */
function* matchesOf(re: CompiledRegex, input: string, charge: Charge): Generator<number[]> {
  let from = 0;
  while (from <= input.length) {
    const caps = run(re, input, from, 'search', charge);
    if (!caps) return;
    yield caps;
    const [start = 0, end = 0] = caps;
    from = end === start ? end + 1 : end;
  }
}

/** Java `String.split(regex)`: no leading empty piece for a zero-width match at 0, trailing empty pieces dropped. */
export function regexSplit(input: string, re: CompiledRegex, charge: Charge): string[] {
  checkInput(input);
  const pieces: string[] = [];
  let index = 0;
  for (const [start = 0, end = 0] of matchesOf(re, input, charge)) {
    if (index === 0 && start === 0 && end === 0) continue;
    pieces.push(input.slice(index, start));
    index = end;
  }
  if (index === 0) return [input];
  pieces.push(input.slice(index));
  while (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop();
  return pieces;
}

/** A parsed replacement: literal text and group numbers, checked against the pattern before any matching. */
export type Replacement = Array<string | number>;

/** Java replacement syntax: `$1` / `${name}` insert groups, a backslash quotes the next character. */
export function parseReplacement(replacement: string, re: CompiledRegex): Replacement {
  const parts: Replacement = [];
  let text = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement.charAt(i);
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new EvaluationFault('replacement ends with a lone backslash');
      text += replacement.charAt(i);
      continue;
    }
    if (c !== '$') {
      text += c;
      continue;
    }
    let group: number;
    if (replacement[i + 1] === '{') {
      const close = replacement.indexOf('}', i);
      const name = replacement.slice(i + 2, close < 0 ? undefined : close);
      const n = re.groupNames.get(name);
      if (close < 0 || n === undefined) throw new EvaluationFault(`replacement names an unknown group '${name}'`);
      group = n;
      i = close;
    } else {
      // Like Java: the first digit is required, more digits are taken while they still name a group.
      group = Number.parseInt(replacement.charAt(i + 1), 10);
      if (Number.isNaN(group)) throw new EvaluationFault("'$' in a replacement must be followed by a group number; write \\$ for a dollar sign");
      if (group > re.groupCount) throw new EvaluationFault(`replacement refers to group ${group} but the pattern has ${re.groupCount}`);
      i++;
      while (i + 1 < replacement.length && /\d/.test(replacement.charAt(i + 1))) {
        const longer = group * 10 + Number(replacement.charAt(i + 1));
        if (longer > re.groupCount) break;
        group = longer;
        i++;
      }
    }
    parts.push(text, group);
    text = '';
  }
  parts.push(text);
  return parts;
}

/** Java `String.replaceAll` with a replacement from parseReplacement; stops as soon as the result is too long. */
export function regexReplaceAll(input: string, re: CompiledRegex, replacement: Replacement, maxSize: number, charge: Charge): string {
  checkInput(input);
  let out = '';
  let index = 0;
  for (const caps of matchesOf(re, input, charge)) {
    const [start = 0, end = 0] = caps;
    out += input.slice(index, start);
    for (const part of replacement) {
      if (typeof part === 'string') out += part;
      else {
        const from = caps[part * 2] ?? -1;
        const to = caps[part * 2 + 1] ?? -1;
        // An unset group inserts nothing, as in Java.
        if (from >= 0 && to >= 0) out += input.slice(from, to);
      }
    }
    if (out.length > maxSize) throw new EvaluationFault(`result is longer than ${maxSize} characters`);
    index = end;
  }
  out += input.slice(index);
  if (out.length > maxSize) throw new EvaluationFault(`result is longer than ${maxSize} characters`);
  return out;
}
