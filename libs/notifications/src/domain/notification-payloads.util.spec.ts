import { describe, expect, it } from 'vitest';
import { emailRecipients, slackBody, slackTarget, webhookBody } from './notification-payloads.util';
import type { PlannedNotification } from './notification-plan.util';

const n: PlannedNotification = {
  key: 'e1/pipeline@1/pipeline.complete/0', type: 'slack', address: 'deploys', event: 'pipeline.complete', subject: 'Pipeline release (shop) has completed',
  text: 'Pipeline release (shop) has completed.\nhttps://cd/executions/e1', customText: null, application: 'shop', pipeline: 'release', executionId: 'e1',
  executionStatus: 'SUCCEEDED', stage: null, link: 'https://cd/executions/e1', trigger: { type: 'manual', user: 'ana' }, time: 0,
};

describe('notification payloads', () => {
  it('posts Slack channels through the configured webhook, URLs directly', () => {
    expect(slackTarget('deploys', 'https://hooks.slack.test/T/B/x')).toEqual({ ok: true, url: 'https://hooks.slack.test/T/B/x', channel: '#deploys' });
    expect(slackTarget('#ops', 'https://h')).toMatchObject({ channel: '#ops' });
    expect(slackTarget('https://hooks.slack.test/own', '')).toEqual({ ok: true, url: 'https://hooks.slack.test/own', channel: null });
    expect(slackTarget('deploys', '')).toMatchObject({ ok: false });
  });

  it('links in Slack mrkdwn', () => {
    expect(slackBody(n, '#deploys')).toEqual({ channel: '#deploys', username: 'Gennaker', text: 'Pipeline release (shop) has completed.\n<https://cd/executions/e1|open in Gennaker>' });
  });

  it('the generic webhook carries data, not only prose', () => {
    expect(webhookBody(n)).toMatchObject({ event: 'pipeline.complete', application: 'shop', execution: { id: 'e1', status: 'SUCCEEDED' }, notificationKey: n.key, time: '1970-01-01T00:00:00.000Z' });
  });

  it('splits e-mail recipients and drops what is not an address', () => {
    expect(emailRecipients('a@x.io, b@y.io;c@z.io  nope')).toEqual(['a@x.io', 'b@y.io', 'c@z.io']);
    expect(emailRecipients(null)).toEqual([]);
  });
});
