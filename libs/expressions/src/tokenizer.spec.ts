import { describe, expect, it } from 'vitest';
import { PositionedFault } from './expression-error';
import { Tokenizer, tokenize } from './tokenizer';

const kinds = (src: string): string[] => tokenize(src).map((t) => `${t.kind}:${t.text}`);

describe('tokenizer', () => {
  it('reads words, symbols and the end with offsets', () => {
    const tokens = tokenize('a.b == 1');
    expect(tokens.map((t) => [t.kind, t.text, t.pos])).toEqual([
      ['word', 'a', 0],
      ['symbol', '.', 1],
      ['word', 'b', 2],
      ['symbol', '==', 4],
      ['number', '1', 7],
      ['end', '', 8],
    ]);
  });

  it.each([
    ["'it''s'", "it's"],
    ['"say ""hi"""', 'say "hi"'],
    ["'a\\nb'", 'a\\nb'],
    ["'}{'", '}{'],
    ["''", ''],
  ])('string literal %s has the value %s (SpEL quoting, no backslash escapes)', (src, value) => {
    const [token] = tokenize(src);
    expect(token?.kind).toBe('string');
    expect(token && 'value' in token ? token.value : undefined).toBe(value);
  });

  it.each([
    ['42', 42],
    ['3.25', 3.25],
    ['1e3', 1000],
    ['2.5E-1', 0.25],
    ['0x1F', 31],
    ['10L', 10],
  ])('number literal %s is %d', (src, value) => {
    const [token] = tokenize(src);
    expect(token?.kind === 'number' ? token.value : undefined).toBe(value);
  });

  it('keeps a dot after an integer as property access', () => {
    expect(kinds('list[0].name')).toEqual(['word:list', 'symbol:[', 'number:0', 'symbol:]', 'symbol:.', 'word:name', 'end:']);
  });

  it('prefers the longest operator', () => {
    expect(kinds('a<=b?:c?.d!=e&&f||g')).toEqual([
      'word:a', 'symbol:<=', 'word:b', 'symbol:?:', 'word:c', 'symbol:?.', 'word:d', 'symbol:!=', 'word:e', 'symbol:&&', 'word:f', 'symbol:||', 'word:g', 'end:',
    ]);
  });

  it('reads selection and projection brackets only after a dot', () => {
    expect(kinds('a.?[x].![y].^[z].$[w]').filter((k) => k.startsWith('symbol:') && k.endsWith('['))).toEqual([
      'symbol:?[', 'symbol:![', 'symbol:^[', 'symbol:$[',
    ]);
    expect(kinds('!x')).toEqual(['symbol:!', 'word:x', 'end:']);
  });

  it('reads #name as one variable token', () => {
    expect(kinds("#stage('A')")).toEqual(['variable:stage', 'symbol:(', 'string:\'A\'', 'symbol:)', 'end:']);
  });

  it('turns unknown characters into invalid tokens instead of failing', () => {
    expect(kinds('a ~ b')).toEqual(['word:a', 'invalid:~', 'word:b', 'end:']);
  });

  it('fails an unterminated string at its opening quote', () => {
    expect(() => tokenize("a == 'abc")).toThrow(expect.objectContaining({ reason: 'unterminated string literal', position: 5 }));
    expect(() => tokenize("a == 'abc")).toThrow(PositionedFault);
  });

  it('fails a number glued to a word', () => {
    expect(() => tokenize('12abc')).toThrow(expect.objectContaining({ reason: "invalid number literal '12abc'", position: 0 }));
  });

  it('starts at an offset and reads lazily', () => {
    const tokenizer = new Tokenizer("x ${ a } 'unterminated", 4);
    expect(tokenizer.next()).toMatchObject({ kind: 'word', text: 'a', pos: 5 });
    expect(tokenizer.next()).toMatchObject({ kind: 'symbol', text: '}', pos: 7 });
  });
});
