import { Receiver, Stack, waitFor, type ReceivedRequest } from '@gennaker/testkit';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Mail {
  to: string[];
  raw: string;
  subject: string;
  body: string;
}

/** A local SMTP server that keeps every message (no auth, no TLS: loopback only). */
async function smtpSink(): Promise<{ url: string; mails: Mail[]; stop(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
        const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(head)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '';
        // Quoted-printable soft breaks and escapes, enough for plain ASCII text.
        const body = rest.join('\n\n').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, subject, body });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

let stack: Stack;
let receiver: Receiver;
let smtp: Awaited<ReturnType<typeof smtpSink>>;
const api = () => stack.client;
const bodies = (path: string): any[] => receiver.requests.filter((r: ReceivedRequest) => r.path === path).map((r) => r.json);

async function pipeline(body: Record<string, unknown>): Promise<string> {
  const r = await api().post('/api/v1/pipelines', { application: 'notify', limitConcurrent: false, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}
async function run(id: string): Promise<string> {
  const r = await api().post(`/api/v1/pipelines/${id}/executions`, {});
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.id as string;
}
async function until(id: string, status: string): Promise<any> {
  let last: any;
  await waitFor(async () => (last = (await api().get(`/api/v1/executions/${id}`)).body).status === status, { timeoutMs: 30_000, message: () => `execution ${id} to be ${status}, it is ${last?.status}\n${stack.logs()}` });
  return last;
}

beforeAll(async () => {
  receiver = await new Receiver().start();
  smtp = await smtpSink();
  let flaky = 0;
  // The first delivery fails with a 503: the second one (a retry) must arrive.
  receiver.on('/flaky', (_req, res) => {
    res.writeHead(++flaky === 1 ? 503 : 200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  receiver.on('/boom', (_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"error":"bad"}');
  });
  stack = await Stack.start({
    workers: 1,
    env: {
      GENNAKER_SLACK_WEBHOOK_URL: `${receiver.url}/slack`,
      GENNAKER_SMTP_URL: smtp.url,
      GENNAKER_SMTP_FROM: 'Gennaker <cd@example.com>',
      GENNAKER_PUBLIC_URL: 'https://cd.example.com',
      GENNAKER_WORKER_METRICS_PORT: '0',
    },
  });
  expect((await api().post('/api/v1/applications', { name: 'notify' })).status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
  await smtp?.stop();
});

describe('notifications (acceptance c)', () => {
  it('sends pipeline and stage notifications to Slack, a webhook and e-mail with the right content', async () => {
    const id = await pipeline({
      name: 'notify-ok',
      notifications: [
        { type: 'webhook', address: `${receiver.url}/pipeline-hook`, level: 'pipeline', when: ['pipeline.starting', 'pipeline.complete'] },
        { type: 'email', address: 'ops@example.com, lead@example.com', level: 'pipeline', when: ['pipeline.complete'], message: { 'pipeline.complete': { text: 'notify-ok shipped' } } },
        { type: 'slack', address: 'deploys', level: 'pipeline', when: ['pipeline.starting'] },
      ],
      stages: [
        {
          refId: '1', type: 'manualJudgment', name: 'Go?', instructions: 'look at the dashboards', sendNotifications: true,
          notifications: [
            { type: 'slack', address: 'judges', level: 'stage', when: ['manualJudgment'] },
            { type: 'webhook', address: `${receiver.url}/stage-hook`, level: 'stage', when: ['stage.starting', 'stage.complete'] },
          ],
        },
        { refId: '2', type: 'wait', name: 'Soak', waitTime: 0, requisiteStageRefIds: ['1'] },
      ],
    });
    const eid = await run(id);
    // The judgment is announced in its channel while it waits.
    await waitFor(() => bodies('/slack').some((b) => b.channel === '#judges'), { timeoutMs: 30_000, message: () => `the judgment notification\n${JSON.stringify(receiver.requests.map((r) => r.path))}\n${stack.logs()}` });
    const judgment = bodies('/slack').find((b) => b.channel === '#judges');
    expect(judgment.text).toContain('Stage Go? of pipeline notify-ok (notify) is awaiting manual judgment');
    expect(judgment.text).toContain('Instructions: look at the dashboards');
    expect(judgment.text).toContain(`<https://cd.example.com/executions/${eid}|open in Gennaker>`);

    const e = (await api().get(`/api/v1/executions/${eid}`)).body;
    const mj = e.stages.find((s: any) => s.refId === '1');
    expect((await api().patch(`/api/v1/executions/${eid}/stages/${mj.id}`, { judgmentStatus: 'continue' })).status).toBeLessThan(300);
    await until(eid, 'SUCCEEDED');

    await waitFor(() => bodies('/pipeline-hook').length >= 2 && bodies('/stage-hook').length >= 2 && smtp.mails.length >= 1, {
      timeoutMs: 30_000,
      message: () => `all notifications: ${JSON.stringify({ requests: receiver.requests.map((r) => r.path), mails: smtp.mails.length })}\n${stack.logs()}`,
    });
    const hooks = bodies('/pipeline-hook');
    expect(hooks.map((b) => b.event).sort()).toEqual(['pipeline.complete', 'pipeline.starting']);
    expect(hooks.find((b) => b.event === 'pipeline.complete')).toMatchObject({
      application: 'notify', pipeline: 'notify-ok', execution: { id: eid, status: 'SUCCEEDED', link: `https://cd.example.com/executions/${eid}` }, stage: null,
    });
    const stageHooks = bodies('/stage-hook');
    expect(stageHooks.map((b) => b.event).sort()).toEqual(['stage.complete', 'stage.starting']);
    expect(stageHooks.every((b) => b.stage?.name === 'Go?' && b.stage?.type === 'manualJudgment')).toBe(true);
    const slack = bodies('/slack');
    expect(slack.find((b) => b.channel === '#deploys')?.text).toContain('Pipeline notify-ok (notify) is starting');

    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to.sort()).toEqual(['lead@example.com', 'ops@example.com']);
    expect(mail.subject).toBe('[Gennaker] Pipeline notify-ok (notify) has completed');
    expect(mail.raw).toMatch(/^From: Gennaker <cd@example.com>/m);
    expect(mail.body).toContain('notify-ok shipped');
    // Each notification once: no key twice.
    const keys = [...hooks, ...stageHooks].map((b) => b.notificationKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(slack.filter((b) => b.channel === '#judges')).toHaveLength(1);
  });

  it('tells about failures, and retries a delivery that failed', async () => {
    const id = await pipeline({
      name: 'notify-fail',
      notifications: [{ type: 'email', address: 'ops@example.com', level: 'pipeline', when: ['pipeline.failed'] }],
      stages: [
        {
          refId: '1', type: 'webhook', name: 'Call', url: `${receiver.url}/boom`, method: 'POST', sendNotifications: true,
          notifications: [{ type: 'webhook', address: `${receiver.url}/flaky`, level: 'stage', when: ['stage.failed'] }],
        },
      ],
    });
    const eid = await run(id);
    await until(eid, 'TERMINAL');
    await waitFor(() => bodies('/flaky').length >= 2 && smtp.mails.some((m) => m.subject.includes('notify-fail')), {
      timeoutMs: 30_000,
      message: () => `the failure notifications: ${JSON.stringify({ flaky: bodies('/flaky').length, mails: smtp.mails.map((m) => m.subject) })}\n${stack.logs()}`,
    });
    const [first, second] = bodies('/flaky');
    expect(second).toEqual(first);
    expect(second).toMatchObject({ event: 'stage.failed', stage: { name: 'Call', type: 'webhook', status: 'TERMINAL' } });
    expect(second.text).toContain('Reason:');
    expect(second.text).toContain('HTTP 400');
    const mail = smtp.mails.find((m) => m.subject.includes('notify-fail'))!;
    expect(mail.subject).toBe('[Gennaker] Pipeline notify-fail (notify) has failed');
    expect(mail.body).toContain('Status: TERMINAL');
  });
});
