import { metricsRegistry, type MetricsRegistry } from './metrics-registry';

/** Seconds: from a 0-second wait to a long canary or judgment. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600];
/** Queue wait and job handling are short when all is well: finer at the low end. */
const QUEUE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Every Gennaker metric, named in one place (prefix `gennaker_`). The dashboard in
 * docker/grafana and docs/operations.md use these names.
 */
export function gennakerMetrics(r: MetricsRegistry = metricsRegistry()) {
  return {
    executionsTotal: r.counter('gennaker_executions_total', 'Executions entering a status (RUNNING, SUCCEEDED, TERMINAL, CANCELED...), by application', ['application', 'status']),
    executionDuration: r.histogram('gennaker_execution_duration_seconds', 'Time from start to end of finished executions', ['application', 'status'], DURATION_BUCKETS),
    stagesTotal: r.counter('gennaker_stages_total', 'Stages reaching a final status, by stage type', ['type', 'status']),
    stageDuration: r.histogram('gennaker_stage_duration_seconds', 'Duration of finished stages by stage type', ['type', 'status'], DURATION_BUCKETS),
    taskDuration: r.histogram('gennaker_task_duration_seconds', 'Duration of finished tasks (all their polls) by task type', ['task', 'status'], DURATION_BUCKETS),
    queueWait: r.histogram('gennaker_queue_wait_seconds', 'Time a job waited in its queue past its due time before a worker took it', ['queue'], QUEUE_BUCKETS),
    jobDuration: r.histogram('gennaker_queue_job_duration_seconds', 'Time a worker spent handling one job', ['queue', 'message'], QUEUE_BUCKETS),
    jobFailures: r.counter('gennaker_queue_job_failures_total', 'Jobs whose handler threw (BullMQ retries them)', ['queue', 'message']),
    awsCalls: r.counter('gennaker_aws_calls_total', 'AWS API calls by account, region, service and operation; outcome ok or the error code class', ['account', 'region', 'service', 'operation', 'outcome']),
    awsAttempts: r.counter('gennaker_aws_call_attempts_total', 'HTTP attempts of AWS API calls, retries included', ['account', 'region', 'service', 'operation']),
    awsThrottles: r.counter('gennaker_aws_throttles_total', 'AWS throttling answers per account and region (retried by the adaptive limiter)', ['account', 'region']),
    canaryScore: r.histogram('gennaker_canary_score', 'Overall scores (0-100) of finished canary runs', ['application', 'classification'], [10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 100]),
    canaryJudgments: r.counter('gennaker_canary_judgments_total', 'Finished canary runs by result (Pass, Marginal, Fail, NoData)', ['application', 'classification']),
    webhookDeliveries: r.counter('gennaker_webhook_deliveries_total', 'Git webhook deliveries received, by provider and HTTP answer', ['provider', 'status']),
    notifications: r.counter('gennaker_notifications_total', 'Notifications sent, by type (slack, email, webhook...) and outcome (sent, failed, retried)', ['type', 'outcome']),
  };
}

export type GennakerMetrics = ReturnType<typeof gennakerMetrics>;

/** For code that judges canaries outside a pipeline run (finished runs are counted from the engine). */
export function recordCanaryScore(application: string, score: number, classification: string, r?: MetricsRegistry): void {
  const m = gennakerMetrics(r);
  m.canaryScore.observe({ application, classification }, score);
  m.canaryJudgments.inc({ application, classification });
}

/** For the trigger runtime (or the api's HTTP layer): one received webhook delivery. */
export function recordWebhookDelivery(provider: string, status: number, r?: MetricsRegistry): void {
  gennakerMetrics(r).webhookDeliveries.inc({ provider, status: String(status) });
}
