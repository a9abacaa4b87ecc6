import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

type Labels = readonly string[];

/**
 * A small face over prom-client for every lib of a process: get-or-create by name, so two callers
 * naming the same metric share it, and one registry per process that `/metrics` serves.
 * Label values must stay few (statuses, stage types, applications), never ids.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter<string>>();
  private readonly gauges = new Map<string, Gauge<string>>();
  private readonly histograms = new Map<string, Histogram<string>>();

  constructor(options: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}) {
    if (options.labels) this.registry.setDefaultLabels(options.labels);
    // Process CPU, memory, event-loop lag and GC: what an operator sizes workers by.
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  counter(name: string, help: string, labelNames: Labels = []): Counter<string> {
    return getOrCreate(this.counters, name, labelNames, () => new Counter({ name, help, labelNames: [...labelNames], registers: [this.registry] }));
  }

  /** `collect` runs at each scrape (e.g. queue depth read from Redis). */
  gauge(name: string, help: string, labelNames: Labels = [], collect?: (g: Gauge<string>) => Promise<void> | void): Gauge<string> {
    return getOrCreate(this.gauges, name, labelNames, () => {
      const g: Gauge<string> = new Gauge({
        name,
        help,
        labelNames: [...labelNames],
        registers: [this.registry],
        ...(collect ? { collect: () => collect(g) } : {}),
      });
      return g;
    });
  }

  histogram(name: string, help: string, labelNames: Labels = [], buckets?: number[]): Histogram<string> {
    return getOrCreate(this.histograms, name, labelNames, () => new Histogram({ name, help, labelNames: [...labelNames], registers: [this.registry], ...(buckets ? { buckets } : {}) }));
  }

  private readonly scrapeHooks: Array<() => void> = [];

  /** Runs before each scrape: for counters kept elsewhere that are added here as deltas. */
  onScrape(hook: () => void): () => void {
    this.scrapeHooks.push(hook);
    return () => {
      const i = this.scrapeHooks.indexOf(hook);
      if (i >= 0) this.scrapeHooks.splice(i, 1);
    };
  }

  /** Prometheus text exposition format. */
  text(): Promise<string> {
    for (const h of this.scrapeHooks) {
      try {
        h();
      } catch {
        // a broken source must not break the scrape
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function getOrCreate<M>(map: Map<string, M>, name: string, labelNames: Labels, make: () => M): M {
  const existing = map.get(name);
  if (existing) return existing;
  const made = make();
  void labelNames;
  map.set(name, made);
  return made;
}

let processRegistry: MetricsRegistry | null = null;

/**
 * The process's registry: libs without Nest wiring (canary runtime, trigger runtime, providers)
 * call `metricsRegistry().counter(...)` and their metrics appear on the process's `/metrics`.
 */
export function metricsRegistry(): MetricsRegistry {
  processRegistry ??= new MetricsRegistry();
  return processRegistry;
}
