import { describe, expect, it } from 'vitest';
import { bindAwsCallMetrics } from './aws-metrics.util';
import { gennakerMetrics, recordCanaryScore, recordWebhookDelivery } from './gennaker-metrics';
import { queueWaitSeconds, jobFields } from './job-context.util';
import { MetricsRegistry } from './metrics-registry';

describe('MetricsRegistry', () => {
  it('shares a metric between callers that name it, and serves Prometheus text', async () => {
    const r = new MetricsRegistry({ defaultMetrics: false });
    r.counter('gennaker_test_total', 'a test', ['kind']).inc({ kind: 'a' });
    r.counter('gennaker_test_total', 'a test', ['kind']).inc({ kind: 'a' }, 2);
    expect(await r.text()).toContain('gennaker_test_total{kind="a"} 3');
  });

  it('records canary scores and webhook deliveries for the libs that own them', async () => {
    const r = new MetricsRegistry({ defaultMetrics: false });
    recordCanaryScore('shop', 87.5, 'Pass', r);
    recordWebhookDelivery('github', 202, r);
    const text = await r.text();
    expect(text).toContain('gennaker_canary_judgments_total{application="shop",classification="Pass"} 1');
    expect(text).toContain('gennaker_canary_score_bucket{le="90",application="shop",classification="Pass"} 1');
    expect(text).toContain('gennaker_webhook_deliveries_total{provider="github",status="202"} 1');
  });

  it('counts AWS calls from the provider\'s call stats and throttles from its limiter', async () => {
    const r = new MetricsRegistry({ defaultMetrics: false });
    let listener: ((rec: any) => void) | null = null;
    let throttled = 0;
    const provider = {
      type: 'aws',
      factory: { stats: { onCall: (l: any) => ((listener = l), () => (listener = null)) }, limiterStats: () => ({ 'prod/eu-west-1': { throttled, waited: 0, waitedMs: 0 } }) },
    };
    const [remove] = bindAwsCallMetrics([provider, { type: 'local' }], r);
    listener!({ service: 'AutoScaling', operation: 'CreateAutoScalingGroup', account: 'prod', region: 'eu-west-1', attempts: 3, ms: 10 });
    listener!({ service: 'EC2', operation: 'DescribeImages', account: 'prod', region: 'eu-west-1', attempts: 5, ms: 10, error: 'ThrottlingException' });
    throttled = 6;
    let text = await r.text();
    expect(text).toContain('gennaker_aws_calls_total{account="prod",region="eu-west-1",service="AutoScaling",operation="CreateAutoScalingGroup",outcome="ok"} 1');
    expect(text).toContain('gennaker_aws_calls_total{account="prod",region="eu-west-1",service="EC2",operation="DescribeImages",outcome="throttled"} 1');
    expect(text).toContain('gennaker_aws_call_attempts_total{account="prod",region="eu-west-1",service="AutoScaling",operation="CreateAutoScalingGroup"} 3');
    expect(text).toContain('gennaker_aws_throttles_total{account="prod",region="eu-west-1"} 6');
    throttled = 8;
    text = await r.text();
    expect(text).toContain('gennaker_aws_throttles_total{account="prod",region="eu-west-1"} 8');
    remove!();
    expect(listener).toBeNull();
    expect(gennakerMetrics(r).awsCalls).toBe(gennakerMetrics(r).awsCalls);
  });

  it('measures queue wait from the due time, and names jobs by their ids', () => {
    expect(queueWaitSeconds({ timestamp: 1000, delay: 5000, processedOn: 6250 }, 9999)).toBe(0.25);
    expect(queueWaitSeconds({ timestamp: 1000, delay: 5000, processedOn: 5000 }, 9999)).toBe(0);
    expect(jobFields({ id: 'j1', queueName: 'tasks', data: { message: { type: 'RunTask', executionId: 'e', stageId: 's', taskId: 't' } } })).toEqual({
      queue: 'tasks', jobId: 'j1', messageType: 'RunTask', executionId: 'e', stageId: 's', taskId: 't',
    });
  });
});
