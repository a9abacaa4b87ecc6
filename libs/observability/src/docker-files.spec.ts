import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gennakerMetrics } from './gennaker-metrics';
import { MetricsRegistry } from './metrics-registry';

// No Docker engine runs where the tests run: these checks are what can be verified without one
// (syntax, structure, hadolint-like rules, and that the dashboard only queries metrics that exist).
const ROOT = resolve(__dirname, '../../..');
const DOCKER = join(ROOT, 'docker');
const read = (p: string) => readFileSync(join(DOCKER, p), 'utf8');

interface Instruction {
  op: string;
  args: string;
}
function instructions(dockerfile: string): Instruction[] {
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}
function stages(dockerfile: string): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of instructions(dockerfile)) {
    if (i.op === 'FROM') out.push([]);
    out[out.length - 1]?.push(i);
  }
  return out;
}

describe('Dockerfiles', () => {
  for (const app of ['api', 'worker', 'web']) {
    describe(`${app}.Dockerfile`, () => {
      const text = read(`${app}.Dockerfile`);
      const all = stages(text);
      const runtime = all[all.length - 1] ?? [];

      it('is multi-stage on Node 20, building with npm ci and the repo build scripts', () => {
        expect(all.length).toBeGreaterThanOrEqual(2);
        for (const s of all) expect(s[0]?.args).toMatch(/^node:20[-.\w]*(\s+AS\s+\w+)?$/i);
        expect(text).toContain('npm ci');
        expect(text).not.toMatch(/npm install\b/);
        expect(text).toContain(app === 'web' ? 'npm run build:web' : `node tools/build/build.mjs ${app}`);
      });

      it('runs as the non-root node user, with exec-form CMD and a health check', () => {
        const users = runtime.filter((i) => i.op === 'USER');
        expect(users.at(-1)?.args).toBe('node');
        const cmd = runtime.find((i) => i.op === 'CMD');
        expect(() => JSON.parse(cmd?.args ?? '')).not.toThrow();
        expect(runtime.some((i) => i.op === 'HEALTHCHECK')).toBe(true);
        expect(runtime.some((i) => i.op === 'EXPOSE')).toBe(true);
      });

      it('ships production dependencies only, owned by node, and nothing fetched by URL', () => {
        expect(text).not.toMatch(/^\s*ADD\s+https?:/im);
        expect(text).not.toMatch(/curl[^\n]*\|\s*(ba)?sh/);
        for (const c of runtime.filter((i) => i.op === 'COPY' && i.args.includes('--from='))) expect(c.args).toContain('--chown=node:node');
        if (app !== 'web') expect(text).toMatch(/npm ci --omit=dev/);
        // apt lists are removed in the same layer they were made in.
        for (const r of runtime.filter((i) => i.op === 'RUN' && i.args.includes('apt-get install'))) {
          expect(r.args).toContain('--no-install-recommends');
          expect(r.args).toContain('rm -rf /var/lib/apt/lists/*');
        }
        expect(existsSync(join(DOCKER, `${app}.Dockerfile.dockerignore`))).toBe(true);
        expect(read(`${app}.Dockerfile.dockerignore`)).toMatch(/node_modules/);
      });
    });
  }
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, any>; volumes: Record<string, unknown> };

  it('runs Postgres, Redis, an api, two workers and the web UI', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'api', 'worker', 'web']));
    expect(compose.services['worker'].deploy.replicas).toBe(2);
    for (const s of ['api', 'worker', 'web']) {
      const build = compose.services[s].build;
      expect(build.context).toBe('..');
      expect(existsSync(join(DOCKER, '..', build.dockerfile))).toBe(true);
    }
  });

  it('points api and workers at the same Postgres, Redis, queue prefix and secrets key', () => {
    const envOf = (s: string) => compose.services[s].environment as Record<string, string>;
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'GENNAKER_QUEUE_PREFIX', 'GENNAKER_SECRETS_KEY', 'GENNAKER_ADMIN_TOKEN']) expect(envOf('api')[k]).toBe(envOf('worker')[k]);
    expect(envOf('api')['DATABASE_URL']).toContain('@postgres:5432/');
    expect(envOf('worker')['GENNAKER_WORKER_METRICS_PORT']).toBe('9091');
    expect(compose.services['web'].environment.GENNAKER_API_URL).toBe('http://api:8084');
    for (const s of ['api', 'worker']) {
      expect(compose.services[s].depends_on.postgres.condition).toBe('service_healthy');
      expect(compose.services[s].depends_on.redis.condition).toBe('service_healthy');
    }
  });

  it('mounts files that exist and volumes that are declared', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of (s.volumes ?? []) as string[]) {
        const [src] = v.split(':');
        if (src!.startsWith('.')) expect(existsSync(join(DOCKER, src!)), `${name}: ${src}`).toBe(true);
        else expect(Object.keys(compose.volumes)).toContain(src);
      }
    }
  });
});

describe('monitoring', () => {
  it('Prometheus scrapes the api and every worker replica', () => {
    const prom = parse(read('prometheus/prometheus.yml')) as { scrape_configs: Array<Record<string, any>> };
    const jobs = Object.fromEntries(prom.scrape_configs.map((j) => [j.job_name, j]));
    expect(jobs['gennaker-api'].static_configs[0].targets).toEqual(['api:8084']);
    expect(jobs['gennaker-worker'].dns_sd_configs[0]).toMatchObject({ names: ['worker'], port: 9091 });
  });

  it('the Grafana dashboard queries only metrics Gennaker or prom-client export', () => {
    const dashboard = JSON.parse(read('grafana/dashboards/gennaker.json')) as { uid: string; panels: Array<{ type: string; targets?: Array<{ expr: string }> }> };
    expect(dashboard.uid).toBe('gennaker-overview');
    const registry = new MetricsRegistry({ defaultMetrics: true });
    gennakerMetrics(registry);
    registry.gauge('gennaker_queue_jobs', 'x', ['queue', 'state']);
    registry.gauge('gennaker_executions_active', 'x', ['status']);
    const known = new Set(registry.registry.getMetricsAsArray().map((m) => m.name));
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBeGreaterThan(15);
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:gennaker|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''))));
    const unknown = [...used].filter((m) => !known.has(m));
    expect(unknown).toEqual([]);
    // Every Gennaker metric has a panel.
    const missing = [...known].filter((m) => m.startsWith('gennaker_') && !used.has(m));
    expect(missing).toEqual([]);
  });
});
