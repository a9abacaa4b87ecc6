import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS, redactUrl } from './logging.util';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  return { lines, stream: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) };
}

describe('log redaction', () => {
  it('never writes tokens, webhook secrets or credentials', () => {
    const { lines, stream } = capture();
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
    log.info({
      req: { headers: { authorization: 'Bearer s3cr3t-admin', 'x-hub-signature-256': 'sha256=abc', 'x-gitlab-token': 'gl-tok', cookie: 'gennaker_dashboard_token=t0k' } },
      account: { name: 'prod', credentials: { accessKeyId: 'AKIAXXXX', secretAccessKey: 'wJalr' } },
      application: { pipelinesRepo: { token: 'ghp_repo' } },
      webhookSecret: 'whsec',
      token: 'plain',
    }, 'hello');
    const out = lines.join('');
    for (const secret of ['s3cr3t-admin', 'sha256=abc', 'gl-tok', 't0k', 'AKIAXXXX', 'wJalr', 'ghp_repo', 'whsec', '"plain"']) expect(out).not.toContain(secret);
    expect(out).toContain('"name":"prod"');
    expect(out).toContain('[redacted]');
  });

  it('masks credentials in query strings', () => {
    expect(redactUrl('/api/v1/executions/e1/events?access_token=abc&x=1')).toBe('/api/v1/executions/e1/events?access_token=[redacted]&x=1');
    expect(redactUrl('/admin/queues?token=zz')).toBe('/admin/queues?token=[redacted]');
    expect(redactUrl('/api/v1/pipelines')).toBe('/api/v1/pipelines');
  });
});
