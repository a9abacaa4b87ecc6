import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const PAGE = readFileSync(join(ROOT, 'docs/troubleshooting.md'), 'utf8');

/** The messages the page quotes: code spans in blockquote lines (`> `` message ``). */
export function quotedMessages(markdown: string): string[] {
  const out: string[] = [];
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('> ')) continue;
    for (const m of line.matchAll(/(`+)\s?([\s\S]*?)\s?\1(?!`)/g)) if (m[2]) out.push(m[2]);
  }
  return out;
}

/** The literal parts of a quoted message: `<placeholders>` stand for what varies. */
export function fragments(message: string): string[] {
  return message.split(/<[^<>]+>/).filter((f) => f.trim().length >= 2);
}

/** Source text as the messages read: template-literal escapes undone. */
function sourceTexts(): string[] {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs)$/.test(e.name) && !/\.(spec|int-spec|e2e)\.ts$/.test(e.name)) texts.push(readFileSync(p, 'utf8').replace(/\\`/g, '`').replace(/\\"/g, '"'));
    }
  };
  walk(join(ROOT, 'libs'));
  walk(join(ROOT, 'apps'));
  return texts;
}

/** True when one source file holds every fragment, in order, each within 300 characters of the one before. */
export function foundIn(texts: readonly string[], parts: readonly string[]): boolean {
  if (parts.length === 0) return false;
  return texts.some((text) => {
    let from = text.indexOf(parts[0]!);
    while (from >= 0) {
      let at = from + parts[0]!.length;
      let ok = true;
      for (const part of parts.slice(1)) {
        const next = text.indexOf(part, at);
        if (next < 0 || next - at > 300) {
          ok = false;
          break;
        }
        at = next + part.length;
      }
      if (ok) return true;
      from = text.indexOf(parts[0]!, from + 1);
    }
    return false;
  });
}

describe('docs/troubleshooting.md', () => {
  const texts = sourceTexts();
  const messages = quotedMessages(PAGE);

  it('quotes real messages: each one still exists in the code', () => {
    expect(messages.length).toBeGreaterThan(40);
    expect(messages.filter((m) => !foundIn(texts, fragments(m)))).toEqual([]);
  });

  it('has the sections the issue asks for', () => {
    for (const heading of ['## My webhook did not fire', '## My execution is stuck', '## Cancel']) expect(PAGE).toContain(heading);
  });

  it('would notice a message that changed', () => {
    expect(foundIn(texts, fragments('branch `<branch>` does not match `<pattern>`'))).toBe(true);
    expect(foundIn(texts, fragments('branch `<branch>` does not fit `<pattern>`'))).toBe(false);
    expect(foundIn(texts, fragments('<a> zebra quantum <b>'))).toBe(false);
    expect(quotedMessages('> `` a `b` c ``\n> `d`\nnot `e`')).toEqual(['a `b` c', 'd']);
  });
});
