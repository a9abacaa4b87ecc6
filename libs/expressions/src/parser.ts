import type { BinaryOperator, Node, SelectionMode } from './ast';
import { EvaluationFault, PositionedFault } from './expression-error';
import type { ExpressionLimits } from './limits';
import { type SymbolText, type Token, tokenize } from './tokenizer';
import { assertAllowedName } from './values';

// A node before its height is known; distributes over the union so each kind keeps its own fields.
type NodeInit = Node extends infer T ? (T extends Node ? Omit<T, 'depth'> : never) : never;
type ParseLimits = Pick<ExpressionLimits, 'maxExpressionLength' | 'maxDepth'>;

// SpEL spells most operators as words too, case-insensitively.
const WORD_COMPARISONS: Record<string, BinaryOperator> = {
  eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=', matches: 'matches',
};
const SYMBOL_COMPARISONS: Partial<Record<SymbolText, BinaryOperator>> = {
  '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};
const OPERATOR_WORDS = new Set(['and', 'or', 'not', 'div', 'mod', 'instanceof', 'between', ...Object.keys(WORD_COMPARISONS)]);
const SELECTORS: Partial<Record<SymbolText, SelectionMode | 'projection'>> = {
  '?[': 'all', '^[': 'first', '$[': 'last', '![': 'projection',
};

/** Caught while parsing, so the leftmost offender is reported and saved pipelines can be checked; the evaluator checks again. */
function refuseForbiddenName(t: Token): void {
  try {
    assertAllowedName(t.text);
  } catch (err) {
    if (err instanceof EvaluationFault) throw new PositionedFault(err.reason, t.pos);
    throw err;
  }
}

/** Parses one expression body (the text between `${` and `}`) into a tree, or throws PositionedFault. */
export function parse(source: string, limits: ParseLimits): Node {
  if (source.length > limits.maxExpressionLength) {
    throw new PositionedFault(`expression is longer than ${limits.maxExpressionLength} characters`, limits.maxExpressionLength);
  }
  return new Parser(tokenize(source), limits.maxDepth).parseAll();
}

/** Recursive descent with SpEL's precedence: ternary/elvis < or < and < comparison < + - < * / % < ^ < unary < postfix. */
class Parser {
  private index = 0;
  private nesting = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly maxDepth: number,
  ) {}

  parseAll(): Node {
    const node = this.parseExpression();
    const rest = this.peek();
    if (rest.kind !== 'end') throw this.unexpected(rest);
    return node;
  }

  private parseExpression(): Node {
    this.enter();
    const left = this.parseOr();
    let result = left;
    const t = this.peek();
    if (this.isSymbol(t, '?:')) {
      this.advance();
      const right = this.parseExpression();
      result = this.make({ kind: 'elvis', pos: t.pos, left, right }, left, right);
    } else if (this.isSymbol(t, '?')) {
      this.advance();
      const then = this.parseExpression();
      this.expectSymbol(':', "':' of the ternary operator");
      const otherwise = this.parseExpression();
      result = this.make({ kind: 'ternary', pos: t.pos, test: left, then, otherwise }, left, then, otherwise);
    } else if (this.isSymbol(t, '=')) {
      throw new PositionedFault("assignment is not allowed (did you mean '=='?)", t.pos);
    }
    this.nesting--;
    return result;
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    for (let t = this.peek(); this.isSymbol(t, '||') || this.isWord(t, 'or'); t = this.peek()) {
      this.advance();
      const right = this.parseAnd();
      left = this.make({ kind: 'logical', operator: 'or', pos: t.pos, left, right }, left, right);
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseRelational();
    for (let t = this.peek(); this.isSymbol(t, '&&') || this.isWord(t, 'and'); t = this.peek()) {
      this.advance();
      const right = this.parseRelational();
      left = this.make({ kind: 'logical', operator: 'and', pos: t.pos, left, right }, left, right);
    }
    return left;
  }

  private parseRelational(): Node {
    const left = this.parseSum();
    const t = this.peek();
    const operator = this.comparison(t);
    if (!operator) return left;
    this.advance();
    const right = this.parseSum();
    const node = this.make({ kind: 'binary', operator, pos: t.pos, left, right }, left, right);
    const next = this.peek();
    // SpEL does not chain comparisons either; `a == b == c` almost always hides a mistake.
    if (this.comparison(next)) {
      throw new PositionedFault('comparisons cannot be chained; use parentheses or and/or', next.pos);
    }
    return node;
  }

  private comparison(t: Token): BinaryOperator | undefined {
    if (t.kind === 'symbol') return SYMBOL_COMPARISONS[t.text];
    if (t.kind !== 'word') return undefined;
    const word = t.text.toLowerCase();
    if (word === 'instanceof') throw new PositionedFault("'instanceof' is not supported (it needs type references)", t.pos);
    if (word === 'between') throw new PositionedFault("'between' is not supported; write 'x >= low and x <= high'", t.pos);
    return Object.prototype.hasOwnProperty.call(WORD_COMPARISONS, word) ? WORD_COMPARISONS[word] : undefined;
  }

  private parseSum(): Node {
    let left = this.parseProduct();
    for (let t = this.peek(); this.isSymbol(t, '+') || this.isSymbol(t, '-'); t = this.peek()) {
      this.advance();
      const right = this.parseProduct();
      left = this.make({ kind: 'binary', operator: t.text === '+' ? '+' : '-', pos: t.pos, left, right }, left, right);
    }
    return left;
  }

  private parseProduct(): Node {
    let left = this.parsePower();
    for (;;) {
      const t = this.peek();
      let operator: BinaryOperator | undefined;
      if (this.isSymbol(t, '*')) operator = '*';
      else if (this.isSymbol(t, '/') || this.isWord(t, 'div')) operator = '/';
      else if (this.isSymbol(t, '%') || this.isWord(t, 'mod')) operator = '%';
      if (!operator) return left;
      this.advance();
      const right = this.parsePower();
      left = this.make({ kind: 'binary', operator, pos: t.pos, left, right }, left, right);
    }
  }

  private parsePower(): Node {
    const left = this.parseUnary();
    const t = this.peek();
    if (!this.isSymbol(t, '^')) return left;
    this.advance();
    this.enter();
    const right = this.parsePower();
    this.nesting--;
    return this.make({ kind: 'binary', operator: '^', pos: t.pos, left, right }, left, right);
  }

  private parseUnary(): Node {
    const t = this.peek();
    if (this.isSymbol(t, '++') || this.isSymbol(t, '--')) {
      throw new PositionedFault(`'${t.text}' is not allowed: expressions cannot change values`, t.pos);
    }
    let operator: '!' | '-' | '+' | undefined;
    if (this.isSymbol(t, '!') || this.isWord(t, 'not')) operator = '!';
    else if (this.isSymbol(t, '-')) operator = '-';
    else if (this.isSymbol(t, '+')) operator = '+';
    if (!operator) return this.parsePostfix();
    this.advance();
    this.enter();
    const operand = this.parseUnary();
    this.nesting--;
    return this.make({ kind: 'unary', operator, pos: t.pos, operand }, operand);
  }

  private parsePostfix(): Node {
    let node = this.parseStart();
    for (;;) {
      const t = this.peek();
      if (this.isSymbol(t, '++') || this.isSymbol(t, '--')) {
        throw new PositionedFault(`'${t.text}' is not allowed: expressions cannot change values`, t.pos);
      }
      if (this.isSymbol(t, '[')) {
        this.advance();
        node = this.indexer(node, t.pos, false);
        continue;
      }
      if (!this.isSymbol(t, '.') && !this.isSymbol(t, '?.')) return node;
      this.advance();
      const nullSafe = t.text === '?.';
      const name = this.advance();
      const selector = name.kind === 'symbol' ? SELECTORS[name.text] : undefined;
      if (selector) {
        const inner = this.parseExpression();
        this.expectSymbol(']', `']' closing '${name.text}'`);
        node =
          selector === 'projection'
            ? this.make({ kind: 'projection', pos: name.pos, target: node, expression: inner, nullSafe }, node, inner)
            : this.make({ kind: 'selection', pos: name.pos, target: node, mode: selector, predicate: inner, nullSafe }, node, inner);
      } else if (nullSafe && this.isSymbol(name, '[')) {
        node = this.indexer(node, name.pos, true);
      } else if (name.kind === 'word') {
        refuseForbiddenName(name);
        if (this.isSymbol(this.peek(), '(')) {
          const { args, positions } = this.arguments();
          node = this.make(
            { kind: 'method', pos: name.pos, target: node, name: name.text, args, argPositions: positions, nullSafe },
            node,
            ...args,
          );
        } else {
          node = this.make({ kind: 'property', pos: name.pos, target: node, name: name.text, nullSafe }, node);
        }
      } else {
        throw new PositionedFault(`expected a property or method name after '${t.text}'`, name.pos);
      }
    }
  }

  private indexer(target: Node, pos: number, nullSafe: boolean): Node {
    const index = this.parseExpression();
    this.expectSymbol(']', "']' closing the index");
    return this.make({ kind: 'index', pos, target, index, nullSafe }, target, index);
  }

  private parseStart(): Node {
    const t = this.advance();
    switch (t.kind) {
      case 'number':
      case 'string':
        return this.make({ kind: 'literal', pos: t.pos, value: t.value });
      case 'word':
        return this.word(t);
      case 'variable': {
        if (!this.isSymbol(this.peek(), '(')) return this.make({ kind: 'variable', pos: t.pos, name: t.text });
        const { args, positions } = this.arguments();
        return this.make({ kind: 'function', pos: t.pos, name: t.text, args, argPositions: positions }, ...args);
      }
      case 'symbol':
        return this.symbolStart(t);
      case 'invalid':
        throw new PositionedFault(`unexpected character '${t.text}'`, t.pos);
      case 'end':
        throw new PositionedFault('unexpected end of expression', t.pos);
    }
  }

  private word(t: Token & { kind: 'word' }): Node {
    const lower = t.text.toLowerCase();
    if (lower === 'true' || lower === 'false') return this.make({ kind: 'literal', pos: t.pos, value: lower === 'true' });
    if (lower === 'null') return this.make({ kind: 'literal', pos: t.pos, value: null });
    if (lower === 'new') throw new PositionedFault('constructors (new ...) are not allowed', t.pos);
    const callsIt = this.isSymbol(this.peek(), '(');
    if (lower === 't' && callsIt) throw new PositionedFault('type references (T(...)) are not allowed', t.pos);
    if (callsIt) {
      throw new PositionedFault(
        `'${t.text}(...)' is not allowed: only listed methods on a value (like s.trim()) and #functions can be called`,
        t.pos,
      );
    }
    if (OPERATOR_WORDS.has(lower)) throw new PositionedFault(`unexpected operator '${t.text}'`, t.pos);
    refuseForbiddenName(t);
    return this.make({ kind: 'identifier', pos: t.pos, name: t.text });
  }

  private symbolStart(t: Token & { kind: 'symbol' }): Node {
    switch (t.text) {
      case '(': {
        const inner = this.parseExpression();
        this.expectSymbol(')', "')'");
        return inner;
      }
      case '{':
        return this.inline(t.pos);
      case '@':
      case '&':
        throw new PositionedFault(`bean references (${t.text}name) are not allowed`, t.pos);
      default:
        throw this.unexpected(t);
    }
  }

  /** `{1, 2}` is a list, `{a: 1, 'b c': 2}` a map, `{}` an empty list and `{:}` an empty map, as in SpEL. */
  private inline(pos: number): Node {
    this.enter();
    let result: Node;
    if (this.isSymbol(this.peek(), '}')) {
      this.advance();
      result = this.make({ kind: 'list', pos, items: [] });
    } else if (this.isSymbol(this.peek(), ':') && this.isSymbol(this.peekAt(1), '}')) {
      this.advance();
      this.advance();
      result = this.make({ kind: 'map', pos, entries: [] });
    } else {
      const first = this.parseExpression();
      if (this.isSymbol(this.peek(), ':')) {
        const entries: Array<{ key: string; value: Node }> = [];
        let key = first;
        for (;;) {
          this.expectSymbol(':', "':' after the map key");
          const value = this.parseExpression();
          entries.push({ key: this.mapKey(key), value });
          if (!this.isSymbol(this.peek(), ',')) break;
          this.advance();
          key = this.parseExpression();
        }
        result = this.make({ kind: 'map', pos, entries }, ...entries.map((e) => e.value));
      } else {
        const items = [first];
        while (this.isSymbol(this.peek(), ',')) {
          this.advance();
          items.push(this.parseExpression());
        }
        result = this.make({ kind: 'list', pos, items }, ...items);
      }
      this.expectSymbol('}', "'}' closing the inline list or map");
    }
    this.nesting--;
    return result;
  }

  private mapKey(node: Node): string {
    if (node.kind === 'identifier') return node.name;
    if (node.kind === 'literal' && node.value !== null) return String(node.value);
    throw new PositionedFault('a map key must be a name, a string or a number', node.pos);
  }

  private arguments(): { args: Node[]; positions: number[] } {
    this.expectSymbol('(', "'('");
    const args: Node[] = [];
    const positions: number[] = [];
    if (this.isSymbol(this.peek(), ')')) {
      this.advance();
      return { args, positions };
    }
    for (;;) {
      positions.push(this.peek().pos);
      args.push(this.parseExpression());
      const t = this.advance();
      if (this.isSymbol(t, ')')) return { args, positions };
      if (!this.isSymbol(t, ',')) throw this.unexpected(t, "',' or ')' in the argument list");
    }
  }

  /** Builds a node with its subtree height; refuses trees deeper than the limit, so evaluation stays bounded. */
  private make(node: NodeInit, ...children: Node[]): Node {
    const depth = 1 + children.reduce((max, c) => Math.max(max, c.depth), 0);
    if (depth > this.maxDepth) throw new PositionedFault(`expression is nested deeper than ${this.maxDepth} levels`, node.pos);
    return { ...node, depth } as Node;
  }

  // Counts recursion separately from tree height: `((((1))))` nests the parser without growing the tree.
  private enter(): void {
    if (++this.nesting > this.maxDepth) {
      throw new PositionedFault(`expression is nested deeper than ${this.maxDepth} levels`, this.peek().pos);
    }
  }

  private peek(): Token {
    return this.peekAt(0);
  }

  private peekAt(ahead: number): Token {
    const last = this.tokens[this.tokens.length - 1];
    const t = this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] ?? last;
    if (!t) throw new PositionedFault('empty token stream', 0);
    return t;
  }

  private advance(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.index++;
    return t;
  }

  private expectSymbol(text: SymbolText, what: string): Token {
    const t = this.advance();
    if (!this.isSymbol(t, text)) throw this.unexpected(t, what);
    return t;
  }

  private unexpected(t: Token, expected?: string): PositionedFault {
    const found = t.kind === 'end' ? 'end of expression' : `'${t.text}'`;
    return new PositionedFault(expected ? `expected ${expected} but found ${found}` : `unexpected ${found}`, t.pos);
  }

  private isSymbol(t: Token, text: SymbolText): boolean {
    return t.kind === 'symbol' && t.text === text;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'word' && t.text.toLowerCase() === word;
  }
}
