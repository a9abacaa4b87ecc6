/**
 * Where things are in a JSON text: the line of each JSON pointer, and the line of a syntax error,
 * so the JSON editor can show a validation error at its line. A small parser of its own because
 * JSON.parse reports neither (and its error offsets differ between browsers).
 */
export interface JsonLocation {
  line: number;
  column: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly location: JsonLocation,
  ) {
    super(`${message} at line ${location.line}, column ${location.column}`);
  }
}

export function locationAt(text: string, offset: number): JsonLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Parses `text` (throws JsonSyntaxError) and returns the offset of every pointer in it. */
export function jsonPointerOffsets(text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  let i = 0;
  const fail = (msg: string, at = i): never => {
    throw new JsonSyntaxError(msg, locationAt(text, at));
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    let out = '';
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
          continue;
        }
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        const m = n === undefined ? undefined : map[n];
        if (m === undefined) fail('bad escape in a string');
        out += m;
        i += 2;
        continue;
      }
      if (c !== undefined && c.charCodeAt(0) < 0x20) fail('a control character in a string (use \\n)');
      out += c;
      i++;
    }
    return fail('a string that never ends', start);
  };
  const value = (pointer: string): void => {
    ws();
    offsets.set(pointer, i);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'a comma before }' : 'expected a "key"');
        const keyAt = i;
        const key = str();
        ws();
        if (text[i] !== ':') fail('expected : after the key');
        i++;
        const child = `${pointer}/${escapePointer(key)}`;
        value(child);
        // Errors about a member point at its key's line.
        offsets.set(child, keyAt);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('expected , or } after a value');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${pointer}/${n}`);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('expected , or ] after a value');
      }
    }
    if (c === '"') {
      str();
      return;
    }
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!lit) fail(i >= text.length ? 'unexpected end of the text' : `unexpected ${JSON.stringify(text[i])}`);
    else i += lit[0].length;
  };
  value('');
  ws();
  if (i < text.length) fail('text after the end of the JSON value');
  return offsets;
}

/**
 * The line of `pointer` in `text`: its own, or that of its nearest parent that exists (a missing
 * required property points into the object that lacks it). 1 when the text does not parse.
 */
export function lineOfPointer(text: string, pointer: string, offsets?: Map<string, number>): number {
  let map = offsets;
  if (!map) {
    try {
      map = jsonPointerOffsets(text);
    } catch {
      return 1;
    }
  }
  let p = pointer;
  for (;;) {
    const at = map.get(p);
    if (at !== undefined) return locationAt(text, at).line;
    if (p === '') return 1;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
