// The client factory through the real SDK middleware stack, with a fake HTTP layer: adaptive
// retry on throttling, one token bucket per account and region, STS assume-role with the external
// id, and no credential ever reaching a log line, an error or the accounts view.
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { TransientError } from '@gennaker/common';
import { HttpResponse, type HttpRequest } from '@smithy/core/protocols';
import { DefaultRateLimiter } from '@smithy/core/retry';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAwsAccounts } from './aws-account.util';
import { AwsClientFactory } from './aws-client.factory';
import { createAwsProvider } from './aws.provider';

const BASE_KEY = 'AKIABASEKEY0000000001';
const BASE_SECRET = 'BASE-SECRET-KEY-do-not-log';
const TEMP_KEY = 'ASIATEMPKEY0000000002';
const TEMP_SECRET = 'TEMP-SECRET-do-not-log';
const TEMP_TOKEN = 'TEMP-SESSION-TOKEN-do-not-log';
const EXTERNAL_ID = 'ext-id-SECRET-42';
const SECRETS = [BASE_SECRET, TEMP_SECRET, TEMP_TOKEN, EXTERNAL_ID];

const ASG_OK = `<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>`;
const ASG_THROTTLED = `<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r2</RequestId></ErrorResponse>`;
const EC2_OK = `<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r3</requestId><imagesSet/></DescribeImagesResponse>`;
const EC2_THROTTLED = `<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r4</RequestID></Response>`;
const EC2_DENIED = `<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r5</RequestID></Response>`;
const STS_OK = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${TEMP_KEY}</AccessKeyId><SecretAccessKey>${TEMP_SECRET}</SecretAccessKey><SessionToken>${TEMP_TOKEN}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/gennaker/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r6</RequestId></ResponseMetadata></AssumeRoleResponse>`;

/** A fake HTTP layer: answers by Action, records every request. */
class FakeAws {
  readonly requests: Array<{ action: string; headers: Record<string, string>; body: string }> = [];
  /** Per action, the statuses and bodies to answer with, in order; the last one repeats. */
  answers: Record<string, Array<[number, string]>> = {};

  readonly handler = {
    handle: async (request: HttpRequest): Promise<{ response: HttpResponse }> => {
      const body = typeof request.body === 'string' ? request.body : String(request.body ?? '');
      const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? 'Unknown';
      this.requests.push({ action, headers: { ...request.headers }, body });
      const queue = this.answers[action] ?? [[500, '<x/>']];
      const [status, xml] = (queue.length > 1 ? queue.shift() : queue[0]) as [number, string];
      return { response: new HttpResponse({ statusCode: status, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(xml)]) }) };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
}

const fastBackoff = { computeNextBackoffDelay: () => 1, setDelayBase: () => undefined };

let fake: FakeAws;
let lines: string[];
const logger = { debug: (m: string) => lines.push(m), log: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };

// After throttling, the SDK's adaptive limiter really slows down (to 0.5 calls/s at worst),
// measuring time with its own clock: give it a virtual clock that its sleeps advance, so the
// spec is fast and can tell how long the limiter made calls wait.
type LimiterClock = { getCurrentTimeInSeconds: () => number };
type LimiterSleep = { setTimeoutFn: (fn: () => void, ms: number) => unknown };
const limiterProto = DefaultRateLimiter.prototype as unknown as LimiterClock;
const limiterClass = DefaultRateLimiter as unknown as LimiterSleep;
const realClock = limiterProto.getCurrentTimeInSeconds;
const realSleep = limiterClass.setTimeoutFn;
let virtualSeconds = 1_000_000;
beforeAll(() => {
  limiterProto.getCurrentTimeInSeconds = () => virtualSeconds;
  limiterClass.setTimeoutFn = (fn, ms) => {
    virtualSeconds += ms / 1000;
    return setTimeout(fn, 0);
  };
});
afterAll(() => {
  limiterProto.getCurrentTimeInSeconds = realClock;
  limiterClass.setTimeoutFn = realSleep;
});

beforeEach(() => {
  fake = new FakeAws();
  lines = [];
  vi.stubEnv('AWS_ACCESS_KEY_ID', BASE_KEY);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', BASE_SECRET);
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function factory(entries: unknown[]) {
  return new AwsClientFactory(parseAwsAccounts(entries), { logger, requestHandler: fake.handler, retryBackoff: fastBackoff });
}

describe('adaptive retry on throttling', () => {
  it('retries a throttled call until it succeeds, counting attempts and throttles', async () => {
    const f = factory([{ name: 'test', regions: ['us-east-1'] }]);
    fake.answers['DescribeAutoScalingGroups'] = [[400, ASG_THROTTLED], [400, ASG_THROTTLED], [400, ASG_THROTTLED], [200, ASG_OK]];
    const { autoScaling } = f.clients('test', 'us-east-1');
    const before = virtualSeconds;
    const out = await autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
    expect(out.AutoScalingGroups).toEqual([]);
    expect(fake.requests.map((r) => r.action)).toEqual(Array(4).fill('DescribeAutoScalingGroups'));
    expect(f.stats.summary()).toMatchObject({ calls: 1, attempts: 4, failed: 0, byOperation: { DescribeAutoScalingGroups: 1 } });
    expect(f.limiterStats()['test/us-east-1']?.throttled).toBe(3);
    // The adaptive limiter engaged: the retries waited on it (virtual) seconds, not at full speed.
    expect(virtualSeconds - before).toBeGreaterThan(1);
    expect(lines).toContain(lines.find((l) => /DescribeAutoScalingGroups test\/us-east-1 ok in \d+ ms after 4 attempts/.test(l)));
    f.destroy();
  });

  it('gives up after the account maxAttempts with a TransientError, so the engine retries the task later', async () => {
    const p = createAwsProvider([{ name: 'test', regions: ['us-east-1'], maxAttempts: 3 }], { logger, requestHandler: fake.handler, retryBackoff: fastBackoff });
    fake.answers['DescribeImages'] = [[503, EC2_THROTTLED]];
    const err = await p.findImages('test', 'us-east-1', { name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toMatch(/DescribeImages in test\/us-east-1 failed: RequestLimitExceeded.*throttled/);
    expect(fake.requests).toHaveLength(3);
    expect(lines.some((l) => l.includes('EC2.DescribeImages test/us-east-1 failed after 3 attempt(s)'))).toBe(true);
    p.destroy();
  });

  it('shares one token bucket between the services of an account and region, not across regions', async () => {
    // A clock that moves only while a caller waits: no token comes back while the calls are made, however slowly.
    let now = 0;
    const bucketClock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    const f = new AwsClientFactory(parseAwsAccounts([{ name: 'test', regions: ['us-east-1', 'eu-west-1'], rateLimit: { perSecond: 1000, burst: 2 } }]), { logger, requestHandler: fake.handler, retryBackoff: fastBackoff, bucketClock });
    fake.answers['DescribeAutoScalingGroups'] = [[200, ASG_OK]];
    fake.answers['DescribeImages'] = [[200, EC2_OK]];
    const east = f.clients('test', 'us-east-1');
    const west = f.clients('test', 'eu-west-1');
    await Promise.all([east.autoScaling.send(new DescribeAutoScalingGroupsCommand({})), east.ec2.send(new DescribeImagesCommand({})), east.ec2.send(new DescribeImagesCommand({})), east.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))]);
    await west.ec2.send(new DescribeImagesCommand({}));
    const stats = f.limiterStats();
    // Burst 2 in us-east-1: the 3rd and 4th calls, whatever their service, waited for a token.
    expect(stats['test/us-east-1']?.waited).toBe(2);
    expect(stats['test/eu-west-1']?.waited).toBe(0);
    f.destroy();
  });
});

describe('credentials', () => {
  it('assumes the role through STS with the external id, signs with the session, and caches it', async () => {
    const f = factory([{ name: 'prod', regions: ['us-east-1'], assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/gennaker', externalId: EXTERNAL_ID } }]);
    fake.answers['AssumeRole'] = [[200, STS_OK]];
    fake.answers['DescribeImages'] = [[200, EC2_OK]];
    const { ec2 } = f.clients('prod', 'us-east-1');
    await ec2.send(new DescribeImagesCommand({}));
    await ec2.send(new DescribeImagesCommand({}));
    expect(fake.requests.map((r) => r.action)).toEqual(['AssumeRole', 'DescribeImages', 'DescribeImages']);
    const sts = fake.requests[0]!;
    expect(sts.body).toContain('RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fgennaker');
    expect(sts.body).toContain(`ExternalId=${EXTERNAL_ID}`);
    expect(sts.body).toContain('RoleSessionName=gennaker-prod');
    // STS itself is called with the process's own (default chain) credentials.
    expect(sts.headers['authorization']).toContain(`Credential=${BASE_KEY}/`);
    const call = fake.requests[1]!;
    expect(call.headers['authorization']).toContain(`Credential=${TEMP_KEY}/`);
    expect(call.headers['x-amz-security-token']).toBe(TEMP_TOKEN);
    expect(f.stats.byOperation()).toEqual({ AssumeRole: 1, DescribeImages: 2 });
    f.destroy();
  });

  it('a default-chain account signs with the process credentials and never calls STS', async () => {
    const f = factory([{ name: 'test', regions: ['us-east-1'] }]);
    fake.answers['DescribeImages'] = [[200, EC2_OK]];
    await f.clients('test', 'us-east-1').ec2.send(new DescribeImagesCommand({}));
    expect(fake.requests.map((r) => r.action)).toEqual(['DescribeImages']);
    expect(fake.requests[0]!.headers['authorization']).toContain(`Credential=${BASE_KEY}/`);
    f.destroy();
  });

  it('no key, secret, session token or external id reaches a log line, an error, stdout or the accounts view', async () => {
    const out: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      });
    }
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void out.push(args.map(String).join(' ')));

    // The default logger (Nest's) this time, writing to the captured stdout.
    const p = createAwsProvider([{ name: 'prod', regions: ['us-east-1'], maxAttempts: 2, assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/gennaker', externalId: EXTERNAL_ID } }], { requestHandler: fake.handler, retryBackoff: fastBackoff });
    fake.answers['AssumeRole'] = [[200, STS_OK]];
    fake.answers['DescribeImages'] = [[200, EC2_OK], [503, EC2_THROTTLED], [403, EC2_DENIED]];
    const results: unknown[] = [p.accounts()];
    results.push(await p.findImages('prod', 'us-east-1', { name: 'a' }));
    results.push(await p.findImages('prod', 'us-east-1', { name: 'b' }).catch((e: unknown) => e));
    results.push(await p.findImages('prod', 'us-east-1', { name: 'c' }).catch((e: unknown) => e));
    const bad = (() => {
      try {
        return createAwsProvider([{ name: 'x', regions: ['us-east-1'], assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/r', externalId: `${EXTERNAL_ID} has spaces` } }]);
      } catch (e) {
        return e;
      }
    })();
    results.push(bad);
    p.destroy();

    const errors = results.filter((r): r is Error => r instanceof Error);
    expect(errors).toHaveLength(3);
    const seen = [...lines, ...out, ...results.map((r) => JSON.stringify(r)), ...errors.map((e) => `${e.message} ${JSON.stringify((e as { details?: unknown }).details)}`)].join('\n');
    // The calls were logged (so the check below looked at real lines)...
    expect(seen).toContain('DescribeImages prod/us-east-1');
    // ...and none of them holds a secret.
    for (const secret of SECRETS) expect(seen).not.toContain(secret);
    expect(seen).not.toContain(TEMP_KEY);
  });
});
