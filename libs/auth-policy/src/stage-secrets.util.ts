import { isSealedSecret as isSealed, isSecretKey, REDACTED, SEALED_PREFIX } from './redact.util';
import { isPlainObject } from '@gennaker/common';

/** What encrypts and decrypts a secret at rest (the triggers' SecretBox: AES-256-GCM with GENNAKER_SECRETS_KEY). */
export interface SecretCipher {
  encrypt(plain: string): { encrypted: string };
  reveal(stored: unknown): string | null;
}

/**
 * Encrypts the values of secret keys in stages before they are stored (a webhook stage's
 * Authorization header, passwords, tokens). Values holding expressions stay as written: they are
 * evaluated when the stage starts and name their secret elsewhere.
 */
export function sealStageSecrets(value: unknown, box: SecretCipher, depth = 0): unknown {
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => sealStageSecrets(v, box, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (isSecretKey(k) && typeof v === 'string' && v !== '' && v !== REDACTED && !v.startsWith(SEALED_PREFIX) && !v.includes('${')) out[k] = SEALED_PREFIX + box.encrypt(v).encrypted;
    else out[k] = sealStageSecrets(v, box, depth + 1);
  }
  return out;
}

export function hasSealedSecrets(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (isSealed(value)) return true;
  if (Array.isArray(value)) return value.some((v) => hasSealedSecrets(v, depth + 1));
  return isPlainObject(value) && Object.values(value).some((v) => hasSealedSecrets(v, depth + 1));
}

/** The plain values, for the task that uses them only (never stored back). */
export function revealStageSecrets(value: unknown, box: SecretCipher, depth = 0): unknown {
  if (depth > 32) return value;
  if (isSealed(value)) return box.reveal({ encrypted: value.slice(SEALED_PREFIX.length) }) ?? '';
  if (Array.isArray(value)) return value.map((v) => revealStageSecrets(v, box, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = revealStageSecrets(v, box, depth + 1);
  return out;
}

const isUrl = (v: unknown): v is string => typeof v === 'string' && /^https?:\/\//i.test(v);

/**
 * Notification addresses that are URLs (a Slack or Google Chat incoming webhook, a webhook) carry
 * their credential in the URL: encrypted like stage secrets, in the pipeline's and its stages'
 * `notifications`.
 */
export function sealNotificationAddresses(doc: Record<string, unknown>, box: SecretCipher): Record<string, unknown> {
  const seal = (list: unknown): unknown =>
    Array.isArray(list) ? list.map((n) => (isPlainObject(n) && isUrl(n['address']) ? { ...n, address: SEALED_PREFIX + box.encrypt(n['address']).encrypted } : n)) : list;
  const out: Record<string, unknown> = { ...doc };
  if (doc['notifications'] !== undefined) out['notifications'] = seal(doc['notifications']);
  if (Array.isArray(doc['stages'])) out['stages'] = doc['stages'].map((st) => (isPlainObject(st) && st['notifications'] !== undefined ? { ...st, notifications: seal(st['notifications']) } : st));
  return out;
}

/** A stored value in the clear: decrypted when it is an encrypted secret, else as it is. */
export function revealSecret(value: unknown, box: SecretCipher): unknown {
  return isSealed(value) ? (box.reveal({ encrypted: value.slice(SEALED_PREFIX.length) }) ?? '') : value;
}
