import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET_MASK } from '@gennaker/configs';
import { describe, expect, it } from 'vitest';
import { cronRepeatStrategy, cronTriggersOf } from './cron-schedulers.service';
import { SecretBox } from './secret-box.service';
import { readTriggerSettings, type TriggerSettings } from './settings';
import { TriggerHooks } from './trigger-hooks.service';
import { tickOf } from './triggers.processor';

const settings = (over: Partial<TriggerSettings> = {}): TriggerSettings => ({ ...readTriggerSettings(), dataDir: mkdtempSync(join(tmpdir(), 'gk-sb-')), secretsKey: null, ...over });

describe('SecretBox', () => {
  it('round-trips with AES-256-GCM and refuses tampered or foreign ciphertexts', () => {
    const box = new SecretBox(settings({ secretsKey: Buffer.alloc(32, 7).toString('base64') }));
    const enc = box.encrypt('hunter2');
    expect(enc.encrypted).toMatch(/^v1:/);
    expect(enc.encrypted).not.toContain('hunter2');
    expect(box.encrypt('hunter2').encrypted).not.toBe(enc.encrypted);
    expect(box.reveal(enc)).toBe('hunter2');
    const parts = enc.encrypted.split(':');
    const data = Buffer.from(parts[3]!, 'base64');
    data[0] = data[0]! ^ 1;
    expect(box.reveal({ encrypted: [parts[0], parts[1], parts[2], data.toString('base64')].join(':') })).toBeNull();
    const other = new SecretBox(settings({ secretsKey: Buffer.alloc(32, 8).toString('base64') }));
    expect(other.reveal(enc)).toBeNull();
    expect(box.reveal('plain')).toBe('plain');
    expect(box.reveal(undefined)).toBeNull();
  });
  it('refuses a GENNAKER_SECRETS_KEY that is not 32 bytes', () => {
    expect(() => new SecretBox(settings({ secretsKey: Buffer.alloc(16).toString('base64') }))).toThrow(/32 bytes/);
  });
  it('without a key, makes one per install (mode 600) and every process of the install reads the same', () => {
    const s = settings();
    const a = new SecretBox(s);
    const file = join(s.dataDir, 'secrets.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64')).toHaveLength(32);
    expect(new SecretBox(s).reveal(a.encrypt('x'))).toBe('x');
  });
});

describe('TriggerHooks.encryptSecrets', () => {
  const box = new SecretBox(settings({ secretsKey: Buffer.alloc(32, 1).toString('base64') }));
  const hooks = new TriggerHooks(null as never, box, null as never, null as never);
  it('encrypts new secrets, keeps the stored one for the mask, drops empty ones', () => {
    const stored = { triggers: [{ type: 'git', secret: box.encrypt('old') }] };
    const out = hooks.encryptSecrets(
      { triggers: [{ type: 'git', secret: SECRET_MASK }, { type: 'git', secret: 'new' }, { type: 'git', secret: '' }, { type: 'cron', cronExpression: '* * * * *' }] },
      stored,
    );
    const t = out['triggers'] as Array<Record<string, unknown>>;
    expect(t[0]!['secret']).toEqual(stored.triggers[0]!.secret);
    expect(box.reveal(t[1]!['secret'])).toBe('new');
    expect(t[2]).toEqual({ type: 'git' });
    expect(t[3]).toEqual({ type: 'cron', cronExpression: '* * * * *' });
    // A mask with nothing stored behind it stores no secret.
    expect((hooks.encryptSecrets({ triggers: [{ type: 'git', secret: SECRET_MASK }] }, null)['triggers'] as unknown[])[0]).toEqual({ type: 'git' });
  });
});

describe('cron scheduling helpers', () => {
  it('reads the tick from the scheduler job id', () => {
    expect(tickOf({ id: 'repeat:cron:p1:0:1735689603000', timestamp: 1, opts: {} })).toBe(1735689603000);
    expect(tickOf({ id: 'x', timestamp: 5, opts: { prevMillis: 42 } as never })).toBe(42);
  });
  it('computes the next tick as Quartz does, in the time zone', () => {
    expect(cronRepeatStrategy(Date.parse('2025-01-01T00:00:00Z'), { pattern: '0 0 9 ? * 2', tz: 'Europe/Paris' })).toBe(Date.parse('2025-01-06T08:00:00Z'));
    expect(cronRepeatStrategy(0, { pattern: 'nonsense' })).toBeUndefined();
  });
  it('schedules only the enabled cron triggers of an enabled pipeline', () => {
    const row = (config: Record<string, unknown>, disabled = false) => ({ id: 'p', disabled, config });
    const triggers = [{ type: 'cron', cronExpression: '* * * * *' }, { type: 'cron', cronExpression: '0 * * * *', enabled: false }, { type: 'git' }, { type: 'cron', cronExpression: 'bad' }];
    expect(cronTriggersOf(row({ triggers })).map((t) => t.index)).toEqual([0]);
    expect(cronTriggersOf(row({ triggers }, true))).toEqual([]);
    expect(cronTriggersOf(row({ triggers, disabled: true }))).toEqual([]);
    expect(cronTriggersOf(null)).toEqual([]);
  });
});
