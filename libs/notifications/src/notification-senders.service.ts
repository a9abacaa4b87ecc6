import { revealSecret, type SecretCipher } from '@gennaker/auth-policy';
import { STAGE_SECRET_BOX } from '@gennaker/auth';
import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { createTransport, type Transporter } from 'nodemailer';
import { emailMessage, emailRecipients, googleChatBody, slackBody, slackTarget, webhookBody, type PlannedNotification } from './domain';
import type { NotificationSettings } from './notification-settings';
import { NOTIFICATION_SETTINGS } from './tokens';

/** A delivery that will never work as configured (bad address, unknown type, a 4xx answer): not retried. */
function permanent(message: string): UnrecoverableError {
  return new UnrecoverableError(message);
}

/**
 * Sends one planned notification by its type. Transient failures (network, 5xx, 429, SMTP
 * temporary errors) throw plain errors and are retried by the queue; configuration errors are
 * UnrecoverableError and are not.
 */
@Injectable()
export class NotificationSenders implements OnApplicationShutdown {
  private mailer: Transporter | null = null;

  constructor(
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    // Addresses that are URLs are stored encrypted (security, issue 8): decrypted here, for the send only.
    @Optional() @Inject(STAGE_SECRET_BOX) private readonly secrets: SecretCipher | null = null,
  ) {}

  async send(planned: PlannedNotification): Promise<void> {
    const n = this.secrets && planned.address ? { ...planned, address: revealSecret(planned.address, this.secrets) as string } : planned;
    switch (n.type) {
      case 'slack': {
        const target = slackTarget(n.address, this.settings.slackWebhookUrl);
        if (!target.ok) throw permanent(target.reason);
        return this.post(target.url, slackBody(n, target.channel));
      }
      case 'googlechat':
        if (!n.address) throw permanent('a googlechat notification needs its webhook URL as address');
        return this.post(n.address, googleChatBody(n));
      case 'webhook':
        if (!n.address) throw permanent('a webhook notification needs a URL as address');
        return this.post(n.address, webhookBody(n));
      case 'email':
        return this.email(n);
      default:
        throw permanent(`notification type "${n.type}" is not supported (slack, googlechat, webhook, email)`);
    }
  }

  private async post(url: string, body: Record<string, unknown>): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw permanent('the notification address is not a URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw permanent(`the notification address is not an http(s) URL (${parsed.protocol})`);
    const res = await fetch(parsed, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Gennaker-Notifications' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    // The origin only: an incoming webhook's path is its credential.
    const what = `POST ${parsed.origin}/… answered ${res.status}`;
    if (res.status >= 500 || res.status === 429 || res.status === 408) throw new Error(what);
    throw permanent(what);
  }

  private async email(n: PlannedNotification): Promise<void> {
    const to = emailRecipients(n.address);
    if (to.length === 0) throw permanent(`email address "${n.address ?? ''}" holds no e-mail address`);
    if (!this.settings.smtpUrl) throw permanent('email notifications need GENNAKER_SMTP_URL');
    this.mailer ??= createTransport(this.settings.smtpUrl, { from: this.settings.smtpFrom });
    const { subject, text } = emailMessage(n);
    try {
      await this.mailer.sendMail({ to, subject, text, headers: { 'X-Gennaker-Notification': n.key } });
    } catch (err) {
      // SMTP 5xx answers (no such mailbox, relay denied) will not change on a retry.
      const code = (err as { responseCode?: number }).responseCode;
      if (typeof code === 'number' && code >= 500) throw permanent(`SMTP refused: ${(err as Error).message}`);
      throw err;
    }
  }

  onApplicationShutdown(): void {
    this.mailer?.close();
  }
}
