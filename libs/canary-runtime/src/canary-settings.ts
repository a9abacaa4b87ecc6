import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorMessage, isPlainObject, type ErrorDetail } from '@gennaker/common';
import { parse } from 'yaml';

export interface PrometheusAccount {
  name: string;
  type: 'prometheus';
  url: string;
  /** Sent with every query (e.g. Authorization); never logged or returned. */
  headers: Record<string, string>;
}

/** A CloudWatch metrics account: an aws account entry (regions, endpoint?, assumeRole?...) with `type: cloudwatch`. */
export interface CloudWatchAccount {
  name: string;
  type: 'cloudwatch';
  /** The entry as an aws account of @gennaker/cloud-aws reads it. */
  aws: Record<string, unknown>;
}

export type MetricsAccount = PrometheusAccount | CloudWatchAccount;

/** Canary settings, from the environment and the accounts file's `metricsAccounts`. */
export interface CanarySettings {
  prometheusUrl: string | null;
  prometheusReadyDelayMs: number;
  cloudWatchReadyDelayMs: number;
  localReadyDelayMs: number;
  metricsAccounts: MetricsAccount[];
  /** The accounts file's aws cloud accounts: CloudWatch may be asked in them too. */
  awsAccounts: Array<Record<string, unknown>>;
}

function ms(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
}

function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/**
 * Reads `metricsAccounts: [{name, type: prometheus, url, headers?} | {name, type: cloudwatch,
 * regions, endpoint?, assumeRole?...}]` of the accounts file. Every problem is listed with its
 * pointer; a bad file stops the process (as bad cloud accounts do).
 */
export function parseMetricsAccounts(doc: unknown): { metricsAccounts: MetricsAccount[]; awsAccounts: Array<Record<string, unknown>> } {
  const errors: ErrorDetail[] = [];
  const metricsAccounts: MetricsAccount[] = [];
  const root = isPlainObject(doc) ? doc : {};
  const awsAccounts = (Array.isArray(root['accounts']) ? root['accounts'] : Array.isArray(doc) ? doc : []).filter((a: unknown): a is Record<string, unknown> => isPlainObject(a) && a['provider'] === 'aws');
  const list = root['metricsAccounts'];
  if (list !== undefined && !Array.isArray(list)) errors.push({ pointer: '/metricsAccounts', message: 'metricsAccounts must be a list' });
  const seen = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((entry: unknown, i) => {
    const p = `/metricsAccounts/${i}`;
    if (!isPlainObject(entry)) {
      errors.push({ pointer: p, message: 'a metrics account must be an object {name, type, ...}' });
      return;
    }
    const name = entry['name'];
    if (typeof name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$/.test(name)) {
      errors.push({ pointer: `${p}/name`, message: 'name is required: letters, digits, ".", "_" and "-"' });
      return;
    }
    if (seen.has(name)) errors.push({ pointer: `${p}/name`, message: `metrics account "${name}" is defined twice` });
    seen.add(name);
    if (entry['type'] === 'prometheus') {
      if (!isHttpUrl(entry['url'])) errors.push({ pointer: `${p}/url`, message: 'url must be an http(s) URL without credentials (put them in headers)' });
      const headers: Record<string, string> = {};
      if (entry['headers'] !== undefined) {
        if (!isPlainObject(entry['headers'])) errors.push({ pointer: `${p}/headers`, message: 'headers must be an object of name to value' });
        else for (const [k, v] of Object.entries(entry['headers'])) headers[k] = String(v);
      }
      metricsAccounts.push({ name, type: 'prometheus', url: String(entry['url']), headers });
    } else if (entry['type'] === 'cloudwatch') {
      const { type: _type, ...aws } = entry;
      metricsAccounts.push({ name, type: 'cloudwatch', aws: { ...aws, provider: 'aws' } });
    } else {
      errors.push({ pointer: `${p}/type`, message: 'type must be prometheus or cloudwatch' });
    }
  });
  if (errors.length > 0) throw new Error(`metricsAccounts in the accounts file are invalid:\n${errors.map((e) => `- ${e.pointer}: ${e.message}`).join('\n')}`);
  return { metricsAccounts, awsAccounts };
}

export function readCanarySettings(env: NodeJS.ProcessEnv = process.env): CanarySettings {
  let parsed: ReturnType<typeof parseMetricsAccounts> = { metricsAccounts: [], awsAccounts: [] };
  const file = env['GENNAKER_ACCOUNTS_FILE'];
  if (file) {
    const path = resolve(process.cwd(), file);
    let doc: unknown;
    try {
      doc = parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Error(`GENNAKER_ACCOUNTS_FILE ${path} cannot be read: ${errorMessage(err)}`);
    }
    parsed = parseMetricsAccounts(doc);
  }
  const url = env['GENNAKER_PROMETHEUS_URL'];
  if (url && !isHttpUrl(url)) throw new Error('GENNAKER_PROMETHEUS_URL must be an http(s) URL without credentials');
  return {
    prometheusUrl: url || null,
    prometheusReadyDelayMs: ms(env['GENNAKER_PROMETHEUS_READY_DELAY_MS'], 15_000),
    cloudWatchReadyDelayMs: ms(env['GENNAKER_CLOUDWATCH_READY_DELAY_MS'], 120_000),
    localReadyDelayMs: ms(env['GENNAKER_LOCAL_METRICS_READY_DELAY_MS'], 2500),
    ...parsed,
  };
}
