import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject } from '@gennaker/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TRIGGER_SETTINGS, type TriggerSettings } from './settings';

const PREFIX = 'v1';

/**
 * Trigger secrets at rest: AES-256-GCM, stored in the pipeline document as `{"encrypted": "v1:iv:tag:data"}`.
 * The key is GENNAKER_SECRETS_KEY (base64, 32 bytes); without it a per-install key is made once under
 * GENNAKER_DATA_DIR (every process of the install must share that directory, or set the variable).
 */
@Injectable()
export class SecretBox {
  private readonly log = new Logger(SecretBox.name);
  private readonly key: Buffer;

  constructor(@Inject(TRIGGER_SETTINGS) settings: TriggerSettings) {
    this.key = this.loadKey(settings);
  }

  private loadKey(s: TriggerSettings): Buffer {
    if (s.secretsKey) {
      const k = Buffer.from(s.secretsKey, 'base64');
      if (k.length !== 32) throw new Error('GENNAKER_SECRETS_KEY must be the base64 of 32 bytes (openssl rand -base64 32)');
      return k;
    }
    const file = join(s.dataDir, 'secrets.key');
    mkdirSync(s.dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
      this.log.warn(`GENNAKER_SECRETS_KEY is not set: created a per-install key in ${file}; back it up, or trigger secrets cannot be read again`);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
    const k = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (k.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
    return k;
  }

  encrypt(plain: string): { encrypted: string } {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return { encrypted: [PREFIX, iv.toString('base64'), c.getAuthTag().toString('base64'), data.toString('base64')].join(':') };
  }

  /** The plain secret of a stored value (encrypted or, from before encryption, plain); null when unreadable. */
  reveal(stored: unknown): string | null {
    if (typeof stored === 'string') return stored === '' ? null : stored;
    if (!isPlainObject(stored) || typeof stored['encrypted'] !== 'string') return null;
    const [prefix, iv, tag, data] = stored['encrypted'].split(':');
    if (prefix !== PREFIX || !iv || !tag || data === undefined) return null;
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
