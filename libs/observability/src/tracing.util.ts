import type { NextFunction, Request, Response } from 'express';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import type { RuntimeHooks } from '@gennaker/runtime';
import { jobFields } from './job-context.util';
import type { ObservabilitySettings } from './observability-settings';

export interface Tracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

let active: Tracing | null = null;

/**
 * Starts OpenTelemetry tracing for this process (W3C trace context, OTLP/HTTP export in batches).
 * Off by default: without GENNAKER_OTEL_ENABLED=true nothing is loaded and no span is made. The SDK
 * is required lazily so a process without tracing does not pay for it in memory.
 */
export function startTracing(service: string, settings: Pick<ObservabilitySettings, 'otelEnabled' | 'otlpEndpoint' | 'otelSampleRatio'>, exporter?: unknown): Tracing | null {
  if (!settings.otelEnabled) return null;
  if (active) return active;
  const sdk = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const spanExporter =
    (exporter as import('@opentelemetry/sdk-trace').SpanExporter | undefined) ??
    (new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: settings.otlpEndpoint }) as unknown as import('@opentelemetry/sdk-trace').SpanExporter);
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': String(process.pid) }),
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(settings.otelSampleRatio) }),
    spanProcessors: [exporter ? new sdk.SimpleSpanProcessor({ exporter: spanExporter }) : new sdk.BatchSpanProcessor({ exporter: spanExporter })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  active = {
    tracer: trace.getTracer('gennaker'),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      active = null;
    },
  };
  return active;
}

/** The trace context of the current span as message fields (`traceparent`, maybe `tracestate`). */
export function currentTraceFields(ctx: Context = context.active()): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier['traceparent'] ? carrier : undefined;
}

/**
 * Engine hooks of tracing: every outgoing message carries the current trace context, and every
 * job a worker handles runs in a span that continues the trace of the message's sender. So a
 * pipeline started by an API call is one trace: the request, then each engine step and task.
 */
export function tracingHooks(tracing: Tracing): RuntimeHooks {
  return {
    messageFields: () => currentTraceFields(),
    aroundJob: (job, handle) => {
      const m = job.data.message as unknown as Record<string, unknown> | undefined;
      const carrier: Record<string, string> = {};
      if (m && typeof m['traceparent'] === 'string') carrier['traceparent'] = m['traceparent'];
      if (m && typeof m['tracestate'] === 'string') carrier['tracestate'] = m['tracestate'];
      const parent = propagation.extract(context.active(), carrier);
      const attributes = Object.fromEntries(Object.entries(jobFields(job)).map(([k, v]) => [`gennaker.${k}`, v]));
      return tracing.tracer.startActiveSpan(`engine ${String(m?.['type'] ?? job.name)}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
        try {
          await handle();
        } catch (err) {
          span.recordException(err instanceof Error ? err : new Error(String(err)));
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          span.end();
        }
      });
    },
  };
}

/** Express middleware of the api: one SERVER span per request, continuing an incoming traceparent. */
export function httpTracingMiddleware(tracing: Tracing) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracing.tracer.startSpan(`${req.method} ${req.path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } }, parent);
    res.once('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
