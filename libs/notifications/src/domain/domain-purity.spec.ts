import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The Nx tag of this lib is type:feature (one tag per project; the senders need Nest, BullMQ and
// nodemailer), so the purity of the decision part is kept by this spec instead of the lint rule.
const ALLOWED = [/^\.\//, /^@gennaker\/(engine|common|pipeline|expressions)$/];

describe('notifications domain', () => {
  it('imports only domain libs and its own files (no Nest, no queue, no I/O)', () => {
    const dir = __dirname;
    const offenders: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.spec.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      for (const m of src.matchAll(/from '([^']+)'/g)) {
        const spec = m[1] as string;
        if (!ALLOWED.some((re) => re.test(spec))) offenders.push(`${f}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
