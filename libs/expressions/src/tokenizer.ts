import { PositionedFault } from './expression-error';

/** Every punctuation and operator token; anything else is a number, string, word, `#name` or invalid. */
export const SYMBOLS = [
  '(', ')', '[', ']', '{', '}', ',', ':', '.', '?.', '?', '?:', '?[', '![', '^[', '$[',
  '!', '+', '-', '*', '/', '%', '^', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '=', '@', '&', '++', '--',
] as const;
export type SymbolText = (typeof SYMBOLS)[number];

interface TokenBase {
  /** Offset of the first character in the tokenized source. */
  pos: number;
  /** Offset just past the last character. */
  end: number;
}
export type Token =
  | (TokenBase & { kind: 'number'; value: number; text: string })
  | (TokenBase & { kind: 'string'; value: string; text: string })
  | (TokenBase & { kind: 'word'; text: string })
  | (TokenBase & { kind: 'variable'; text: string })
  | (TokenBase & { kind: 'symbol'; text: SymbolText })
  | (TokenBase & { kind: 'invalid'; text: string })
  | (TokenBase & { kind: 'end'; text: '' });

// Longest first, so `<=` wins over `<` and `?.` over `?`.
const OPERATORS: readonly SymbolText[] = [...SYMBOLS]
  .filter((s) => !['?[', '![', '^[', '$['].includes(s))
  .sort((a, b) => b.length - a.length);
const SELECTORS: readonly SymbolText[] = ['?[', '![', '^[', '$['];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWordStart = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z_$]$/.test(c);
const isWordPart = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_$]$/.test(c);

/**
 * Reads SpEL tokens one at a time from `source`, starting at `start`. Lazy on purpose: the template scanner
 * stops at the `}` that closes `${` without reading the rest of the text. An unknown character becomes an
 * `invalid` token so the scanner can still find the end; the parser reports it.
 */
export class Tokenizer {
  private offset: number;
  private previous: Token | undefined;

  constructor(
    private readonly source: string,
    start = 0,
  ) {
    this.offset = start;
  }

  next(): Token {
    const token = this.read();
    this.previous = token;
    return token;
  }

  private read(): Token {
    const src = this.source;
    while (this.offset < src.length && /\s/.test(src.charAt(this.offset))) this.offset++;
    const pos = this.offset;
    const c = src[pos];
    if (c === undefined) return { kind: 'end', text: '', pos, end: pos };

    // `.?[`, `.![`, `.^[`, `.$[` are selection and projection only straight after a dot, so that
    // `a ?[...]`-like text elsewhere keeps its ordinary meaning.
    const afterDot = this.previous?.kind === 'symbol' && (this.previous.text === '.' || this.previous.text === '?.');
    if (afterDot) {
      const selector = SELECTORS.find((s) => src.startsWith(s, pos));
      if (selector) return this.symbol(selector, pos);
    }
    if (c === "'" || c === '"') return this.string(c, pos);
    if (isDigit(c)) return this.number(pos);
    if (isWordStart(c)) {
      const end = this.wordEnd(pos);
      return { kind: 'word', text: src.slice(pos, end), pos, end: (this.offset = end) };
    }
    if (c === '#') {
      if (!isWordStart(src[pos + 1])) {
        this.offset = pos + 1;
        return { kind: 'invalid', text: '#', pos, end: pos + 1 };
      }
      const end = this.wordEnd(pos + 1);
      return { kind: 'variable', text: src.slice(pos + 1, end), pos, end: (this.offset = end) };
    }
    const op = OPERATORS.find((s) => src.startsWith(s, pos));
    if (op) return this.symbol(op, pos);
    // One code point, so an emoji is reported whole.
    const ch = String.fromCodePoint(src.codePointAt(pos) ?? 0);
    this.offset = pos + ch.length;
    return { kind: 'invalid', text: ch, pos, end: this.offset };
  }

  private symbol(text: SymbolText, pos: number): Token {
    this.offset = pos + text.length;
    return { kind: 'symbol', text, pos, end: this.offset };
  }

  private wordEnd(from: number): number {
    let end = from;
    while (isWordPart(this.source[end])) end++;
    return end;
  }

  /** SpEL strings: a quote inside is written twice (`'it''s'`); there are no backslash escapes. */
  private string(quote: string, pos: number): Token {
    const src = this.source;
    let value = '';
    let i = pos + 1;
    for (;;) {
      const next = src.indexOf(quote, i);
      if (next < 0) throw new PositionedFault('unterminated string literal', pos);
      value += src.slice(i, next);
      if (src[next + 1] === quote) {
        value += quote;
        i = next + 2;
        continue;
      }
      this.offset = next + 1;
      return { kind: 'string', value, text: src.slice(pos, this.offset), pos, end: this.offset };
    }
  }

  private number(pos: number): Token {
    const src = this.source;
    const hex = /^0[xX][0-9a-fA-F]+/.exec(src.slice(pos, pos + 20));
    let end: number;
    let value: number;
    if (hex) {
      end = pos + hex[0].length;
      value = Number.parseInt(hex[0].slice(2), 16);
    } else {
      end = pos;
      while (isDigit(src[end])) end++;
      // A dot is a decimal point only before a digit: `list[0].name` must stay a property access.
      if (src[end] === '.' && isDigit(src[end + 1])) {
        end++;
        while (isDigit(src[end])) end++;
      }
      const exponent = /^[eE][+-]?\d+/.exec(src.slice(end, end + 12));
      if (exponent) end += exponent[0].length;
      value = Number(src.slice(pos, end));
    }
    // Java's long/float/double suffixes mean nothing here; accept them so copied expressions still parse.
    if (/[lLfFdD]/.test(src[end] ?? '') && !isWordPart(src[end + 1])) end++;
    if (isWordPart(src[end])) {
      this.offset = end;
      throw new PositionedFault(`invalid number literal '${src.slice(pos, this.wordEnd(end))}'`, pos);
    }
    this.offset = end;
    return { kind: 'number', value, text: src.slice(pos, end), pos, end };
  }
}

/** All tokens of a whole expression body, ending with the `end` token. */
export function tokenize(source: string): Token[] {
  const tokenizer = new Tokenizer(source);
  const tokens: Token[] = [];
  for (;;) {
    const token = tokenizer.next();
    tokens.push(token);
    if (token.kind === 'end') return tokens;
  }
}
