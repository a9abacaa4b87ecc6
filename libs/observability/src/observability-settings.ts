function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`setting ${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** Settings of logs, metrics and traces, read from the environment once. */
export interface ObservabilitySettings {
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  logLevel: string;
  /** The worker's /metrics and /health port; 0 = no server. */
  workerMetricsPort: number;
  workerMetricsHost: string;
  /** When set, GET /metrics needs `Authorization: Bearer <token>` (api and worker). */
  metricsToken: string;
  otelEnabled: boolean;
  /** OTLP/HTTP traces endpoint (the collector's `/v1/traces`). */
  otlpEndpoint: string;
  /** Fraction of new traces kept (0..1); child spans follow their parent's decision. */
  otelSampleRatio: number;
}

export function readObservabilitySettings(env: NodeJS.ProcessEnv = process.env): ObservabilitySettings {
  const ratio = Number(env['GENNAKER_OTEL_SAMPLE_RATIO'] ?? '1');
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new Error(`setting GENNAKER_OTEL_SAMPLE_RATIO must be between 0 and 1, got "${env['GENNAKER_OTEL_SAMPLE_RATIO']}"`);
  return {
    logLevel: env['GENNAKER_LOG_LEVEL'] || 'info',
    workerMetricsPort: int(env, 'GENNAKER_WORKER_METRICS_PORT', 9091),
    workerMetricsHost: env['GENNAKER_WORKER_METRICS_HOST'] || '0.0.0.0',
    metricsToken: env['GENNAKER_METRICS_TOKEN'] ?? '',
    otelEnabled: env['GENNAKER_OTEL_ENABLED'] === 'true',
    otlpEndpoint: env['GENNAKER_OTEL_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || 'http://127.0.0.1:4318/v1/traces',
    otelSampleRatio: ratio,
  };
}
