/** RFC 6901 pointer from path segments: ['stages', 2, 'refId'] -> '/stages/2/refId'. */
export function pointer(...segments: Array<string | number>): string {
  if (segments.length === 0) return '';
  return '/' + segments.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

export function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new Error(`invalid JSON pointer: ${p}`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Value at a pointer, or undefined. Only own properties are followed. */
export function getAtPointer(doc: unknown, p: string): unknown {
  let cur: unknown = doc;
  for (const seg of parsePointer(p)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
