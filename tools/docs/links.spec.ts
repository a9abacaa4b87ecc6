import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const DOCS = join(ROOT, 'docs');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
}

/** The text outside fenced code blocks and code spans, where links and headings are. */
export function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
export function slug(heading: string): string {
  const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*_~]/g, (c) => (c === '_' ? '_' : ''));
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a page offers: its headings (duplicates numbered as GitHub does) and explicit ids. */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const counts = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = slug(m[1] ?? '');
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1] ?? '');
  return out;
}

/** Relative links and images of a page (external links and mail are not checked here). */
export function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? '').filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe('the docs site', () => {
  const files = markdownFiles(DOCS);

  it('has an index that links every page of docs/ (a linked folder covers its pages)', () => {
    const index = readFileSync(join(DOCS, 'README.md'), 'utf8');
    const linked = links(index).map((l) => resolve(DOCS, l.split('#')[0] ?? ''));
    const covered = (f: string): boolean => linked.some((l) => l === f || (existsSync(l) && statSync(l).isDirectory() && f.startsWith(`${l}/`)));
    const unlinked = files.filter((f) => f !== join(DOCS, 'README.md') && !covered(f)).map((f) => relative(DOCS, f));
    expect(unlinked).toEqual([]);
  });

  it('has no broken relative link or anchor', () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const link of links(text)) {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : resolve(dirname(file), decodeURI(path));
        if (!existsSync(target)) {
          broken.push(`${relative(ROOT, file)}: ${link} (no such file)`);
          continue;
        }
        if (anchor && statSync(target).isFile() && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(decodeURIComponent(anchor))) {
          broken.push(`${relative(ROOT, file)}: ${link} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('checks what it says it checks', () => {
    expect(slug('Permissions (Fiat\'s model)')).toBe('permissions-fiats-model');
    expect(slug('`kayentaCanary`')).toBe('kayentacanary');
    expect(slug('1. Run Gennaker')).toBe('1-run-gennaker');
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n<a id="x"></a>')]).toEqual(['a', 'a-1', 'x']);
    expect(links('[a](b.md#c) `[no](x.md)` [web](https://x.io) ![img](i.png)\n```\n[no](y.md)\n```')).toEqual(['b.md#c', 'i.png']);
  });
});
