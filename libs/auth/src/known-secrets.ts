import { isSecretKey, redactSecrets, scrubText } from '@gennaker/auth-policy';

const known = new Set<string>();

/** Secrets of this install (settings, account credentials), scrubbed wherever they would show. */
export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= 6) known.add(value);
}

/** Registers every secret-keyed string of an object (an account's externalId, secretAccessKey...). */
export function registerSecretsOf(o: unknown, depth = 0): void {
  if (depth > 8 || typeof o !== 'object' || o === null) return;
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    if (isSecretKey(k)) registerSecret(v);
    else registerSecretsOf(v, depth + 1);
  }
}

const SETTINGS = [
  'GENNAKER_ADMIN_TOKEN',
  'GENNAKER_SECRETS_KEY',
  'GENNAKER_WEBHOOK_SECRET',
  'GENNAKER_OIDC_CLIENT_SECRET',
  'GENNAKER_METRICS_TOKEN',
  'GENNAKER_SLACK_WEBHOOK_URL',
  'GENNAKER_SMTP_URL',
  'GENNAKER_TOKEN',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
];
/** Settings that are URLs whose password part is a secret. */
const URL_SETTINGS = ['DATABASE_URL', 'REDIS_URL', 'GENNAKER_SMTP_URL'];

export function registerSecretSettings(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of SETTINGS) registerSecret(env[name]);
  for (const name of URL_SETTINGS) {
    try {
      const u = new URL(env[name] ?? '');
      if (u.password) registerSecret(decodeURIComponent(u.password));
    } catch {
      // not a URL: nothing to register
    }
  }
}

export function knownSecrets(): string[] {
  return [...known];
}

/** What the API returns of stage contexts, outputs and triggers: secret keys masked, known secrets scrubbed. */
export function redactForApi<T>(value: T): T {
  return redactSecrets(value, knownSecrets());
}

/** A log line without known secrets or anything shaped like a token. */
export function redactForLog(text: string): string {
  return scrubText(text, knownSecrets());
}
