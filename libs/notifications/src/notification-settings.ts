/** Settings of notification delivery, read from the environment once. */
export interface NotificationSettings {
  /** Incoming webhook that Slack channel addresses are posted through. */
  slackWebhookUrl: string;
  /** SMTP server, e.g. `smtp://user:password@mail.example.com:587` (`smtps://` for TLS on connect). */
  smtpUrl: string;
  smtpFrom: string;
  /** Base URL of the web UI, for links in messages. */
  publicUrl: string;
  /** Notifications sent at once per worker. */
  concurrency: number;
  /** Tries per notification before it is given up (backoff doubles from 2 s). */
  attempts: number;
  /** Longest wait for one delivery (HTTP or SMTP). */
  timeoutMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`setting ${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export function readNotificationSettings(env: NodeJS.ProcessEnv = process.env): NotificationSettings {
  return {
    slackWebhookUrl: env['GENNAKER_SLACK_WEBHOOK_URL'] ?? '',
    smtpUrl: env['GENNAKER_SMTP_URL'] ?? '',
    smtpFrom: env['GENNAKER_SMTP_FROM'] || 'Gennaker <gennaker@localhost>',
    publicUrl: env['GENNAKER_PUBLIC_URL'] ?? '',
    concurrency: int(env, 'GENNAKER_NOTIFICATION_CONCURRENCY', 8, 1),
    attempts: int(env, 'GENNAKER_NOTIFICATION_ATTEMPTS', 10, 1),
    timeoutMs: int(env, 'GENNAKER_NOTIFICATION_TIMEOUT_MS', 10_000, 100),
  };
}
