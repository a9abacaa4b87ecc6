import { isSecretKey, REDACTED } from './redact.util';
import { isPlainObject } from '@gennaker/common';

/** What encrypts and decrypts a secret at rest (the triggers' SecretBox: AES-256-GCM with GENNAKER_SECRETS_KEY). */
export interface SecretCipher {
  encrypt(plain: string): { encrypted: string };
  reveal(stored: unknown): string | null;
}

/**
 * An encrypted stage secret is still a string (`gk-secret:` + the cipher text), so a stored
 * document keeps passing its stage's schema (a revision restored, a pipeline exported and applied).
 */
export const SEALED_PREFIX = 'gk-secret:';

const isSealed = (v: unknown): v is string => typeof v === 'string' && v.startsWith(SEALED_PREFIX);

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
