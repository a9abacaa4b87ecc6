import type { PlannedNotification } from './notification-plan.util';

/** Where a Slack notification goes: an incoming-webhook URL, with a channel override when the address names one. */
export type SlackTarget = { ok: true; url: string; channel: string | null } | { ok: false; reason: string };

/**
 * Spinnaker's Slack addresses are channels ("deploys", "#deploys"); Gennaker posts them through one
 * configured incoming webhook (GENNAKER_SLACK_WEBHOOK_URL) with the channel set. An address that is
 * itself an https URL is a webhook of its own.
 */
export function slackTarget(address: string | null, defaultWebhookUrl: string): SlackTarget {
  if (address && /^https?:\/\//i.test(address)) return { ok: true, url: address, channel: null };
  if (!defaultWebhookUrl) return { ok: false, reason: `slack address "${address ?? ''}" is a channel, and GENNAKER_SLACK_WEBHOOK_URL is not set` };
  if (!address) return { ok: true, url: defaultWebhookUrl, channel: null };
  return { ok: true, url: defaultWebhookUrl, channel: address.startsWith('#') || address.startsWith('@') ? address : `#${address}` };
}

/** The body of a Slack incoming-webhook call (mrkdwn text; the channel override when given). */
export function slackBody(n: PlannedNotification, channel: string | null): Record<string, unknown> {
  const text = n.link ? n.text.replace(n.link, `<${n.link}|open in Gennaker>`) : n.text;
  return { ...(channel ? { channel } : {}), username: 'Gennaker', text };
}

/** Google Chat incoming webhooks take `{text}`. */
export function googleChatBody(n: PlannedNotification): Record<string, unknown> {
  return { text: n.text };
}

/** The generic webhook's JSON: the event and what it is about, as data rather than prose. */
export function webhookBody(n: PlannedNotification): Record<string, unknown> {
  return {
    event: n.event,
    application: n.application,
    pipeline: n.pipeline,
    execution: { id: n.executionId, status: n.executionStatus, link: n.link },
    stage: n.stage,
    trigger: n.trigger,
    subject: n.subject,
    text: n.text,
    time: new Date(n.time).toISOString(),
    notificationKey: n.key,
  };
}

/** E-mail recipients: Spinnaker allows several, comma- or space-separated. */
export function emailRecipients(address: string | null): string[] {
  return (address ?? '')
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter((a) => /^[^@\s]+@[^@\s]+$/.test(a));
}

export function emailMessage(n: PlannedNotification): { subject: string; text: string } {
  return { subject: `[Gennaker] ${n.subject}`, text: n.text };
}
