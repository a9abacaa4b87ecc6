import { InputError, isPlainObject, TransientError } from '@gennaker/common';
import type { StageDefinition, TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import { JSONPath } from 'jsonpath-plus';
import { httpRequest, redact, RETRYABLE_STATUS, type HttpResponse } from './http.util';

/**
 * Decides whether a URL may be called (the security settings add an SSRF guard here); throws to
 * refuse. Its optional `dispatcher` (undici) is used for the calls, e.g. to check addresses again at connect time.
 */
export type UrlGuard = ((url: URL, pointer?: string) => void | Promise<void>) & { dispatcher?: unknown };
export const allowAllUrls: UrlGuard = () => undefined;

export const webhookStage: StageDefinition = {
  type: 'webhook',
  label: 'Webhook',
  description: 'Calls an HTTP endpoint and, optionally, polls a status until it reports success or failure.',
  contextSchema: {
    type: 'object',
    properties: {
      url: { type: 'string', minLength: 1, description: 'http(s) URL to call.' },
      method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], default: 'POST' },
      customHeaders: { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
      payload: { description: 'JSON body (an object, array or string).' },
      failFastStatusCodes: { type: 'array', items: { type: 'integer' }, description: 'Status codes that fail the stage at once.' },
      retryStatusCodes: { type: 'array', items: { type: 'integer' }, description: 'Status codes retried with backoff (default 429, 502, 503, 504).' },
      waitForCompletion: { type: 'boolean', default: false },
      statusUrlResolution: { enum: ['getMethod', 'locationHeader', 'webhookResponse'], default: 'getMethod' },
      statusUrlJsonPath: { type: 'string', description: 'JSONPath of the status URL in the response (webhookResponse).' },
      statusJsonPath: { type: 'string', description: 'JSONPath of the status in the status response.' },
      progressJsonPath: { type: 'string' },
      successStatuses: { type: 'string', description: 'Comma-separated status values meaning success.' },
      canceledStatuses: { type: 'string' },
      terminalStatuses: { type: 'string' },
      waitBeforeMonitor: { type: ['number', 'string'], description: 'Seconds before the first status poll.' },
      pollInterval: { type: 'number', minimum: 1, default: 5, description: 'Seconds between status polls.' },
      cancelEndpoint: { type: 'string' },
      cancelMethod: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
      cancelPayload: {},
    },
    required: ['url'],
  },
  outputs: { webhook: '{statusCode, body} of the call, and monitor: {statusCode, body, status} of the last poll' },
  example: { refId: '1', type: 'webhook', name: 'Notify', url: 'https://example.com/hook', method: 'POST', payload: { app: '${execution.application}' } },
  taskTypes: ['createWebhook', 'monitorWebhook'],
  plan: ({ stage }) => ({
    tasks: [
      { name: 'createWebhook', type: 'createWebhook' },
      ...(stage.context['waitForCompletion'] === true ? [{ name: 'monitorWebhook', type: 'monitorWebhook' }] : []),
    ],
  }),
};

function headersOf(ctx: Record<string, unknown>, input: TaskInput): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    // Lets a receiver drop the repeat of a call that the engine retried after a crash.
    'idempotency-key': input.task.id,
    'x-gennaker-execution-id': input.execution.id,
  };
  const custom = ctx['customHeaders'];
  if (isPlainObject(custom)) {
    for (const [k, v] of Object.entries(custom)) headers[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  }
  return headers;
}

async function parseUrl(raw: unknown, pointer: string, guard: UrlGuard): Promise<string> {
  if (typeof raw !== 'string' || raw === '') throw new InputError(`${pointer.slice(1)} is required`, [{ pointer, message: 'must be an http(s) URL' }]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`${pointer.slice(1)} is not a valid URL: ${JSON.stringify(raw.slice(0, 200))}`, [{ pointer, message: 'must be an http(s) URL' }]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${pointer.slice(1)} must use http or https, not ${url.protocol}`, [{ pointer, message: 'must be an http(s) URL' }]);
  }
  await guard(url, pointer);
  return url.toString();
}

function bodyOf(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return undefined;
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

function codes(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number).filter(Number.isFinite);
  if (typeof v === 'string') return v.split(',').map((s) => Number(s.trim())).filter(Number.isFinite);
  return [];
}

function judge(res: HttpResponse, ctx: Record<string, unknown>, what: string): void {
  if (res.status >= 200 && res.status < 300) return;
  const snippet = res.text.length > 500 ? res.text.slice(0, 500) + '…' : res.text;
  const message = `${what} returned HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`;
  const failFast = codes(ctx['failFastStatusCodes']);
  const retry = ctx['retryStatusCodes'] !== undefined ? codes(ctx['retryStatusCodes']) : RETRYABLE_STATUS;
  if (!failFast.includes(res.status) && retry.includes(res.status)) throw new TransientError(message);
  throw new WebhookFailure(message, res);
}

class WebhookFailure extends Error {
  constructor(message: string, readonly response: HttpResponse) {
    super(message);
  }
}

function pick(body: unknown, path: unknown): unknown {
  if (typeof path !== 'string' || path === '' || body === null || typeof body !== 'object') return undefined;
  const found = JSONPath({ path: path.startsWith('$') ? path : `$.${path}`, json: body as object, wrap: true }) as unknown[];
  return found[0];
}

const list = (v: unknown): string[] =>
  typeof v === 'string' ? v.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : Array.isArray(v) ? v.map((s) => String(s).toUpperCase()) : [];

export function createWebhookTask(guard: UrlGuard = allowAllUrls): TaskImplementation {
  return {
    type: 'createWebhook',
    invocationTimeoutMs: 90_000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const url = await parseUrl(ctx['url'], '/url', guard);
      const method = typeof ctx['method'] === 'string' ? ctx['method'].toUpperCase() : 'POST';
      let res: HttpResponse;
      try {
        res = await httpRequest(url, { method, headers: headersOf(ctx, input), body: method === 'GET' || method === 'HEAD' ? undefined : bodyOf(ctx['payload']), signal: input.signal, dispatcher: guard.dispatcher, timeoutMs: 60_000 });
        judge(res, ctx, `webhook ${method} ${redact(url)}`);
      } catch (err) {
        if (err instanceof WebhookFailure) {
          return {
            status: 'TERMINAL',
            outputs: { webhook: { statusCode: err.response.status, body: err.response.body } },
            error: { message: err.message },
          };
        }
        throw err;
      }
      const webhook: Record<string, unknown> = { statusCode: res.status, body: res.body };
      if (ctx['waitForCompletion'] === true) {
        const resolution = String(ctx['statusUrlResolution'] ?? 'getMethod');
        let statusUrl: unknown = url;
        if (resolution === 'locationHeader') statusUrl = res.headers['location'] ? new URL(res.headers['location'], url).toString() : undefined;
        if (resolution === 'webhookResponse') statusUrl = pick(res.body, ctx['statusUrlJsonPath']);
        if (typeof statusUrl !== 'string' || statusUrl === '') {
          return { status: 'TERMINAL', outputs: { webhook }, error: { message: `could not find the status URL (${resolution}) in the webhook's response` } };
        }
        return { status: 'SUCCEEDED', outputs: { webhook }, context: { statusEndpoint: statusUrl } };
      }
      return { status: 'SUCCEEDED', outputs: { webhook } };
    },
  };
}

export function monitorWebhookTask(guard: UrlGuard = allowAllUrls): TaskImplementation {
  return {
    type: 'monitorWebhook',
    invocationTimeoutMs: 60_000,
    backoffMs: (input) => Math.max(1, Number(input.stage.context['pollInterval'] ?? 5)) * 1000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const wait = Number(ctx['waitBeforeMonitor'] ?? 0) * 1000;
      if (wait > 0 && input.taskElapsedMs < wait) return { status: 'RUNNING', backoffMs: wait - input.taskElapsedMs };
      const url = await parseUrl(ctx['statusEndpoint'], '/statusEndpoint', guard);
      let res: HttpResponse;
      try {
        res = await httpRequest(url, { method: 'GET', headers: headersOf(ctx, input), signal: input.signal, dispatcher: guard.dispatcher, timeoutMs: 30_000 });
        judge(res, ctx, `status GET ${redact(url)}`);
      } catch (err) {
        if (err instanceof WebhookFailure) return { status: 'TERMINAL', error: { message: err.message } };
        throw err;
      }
      const status = pick(res.body, ctx['statusJsonPath']);
      const progress = pick(res.body, ctx['progressJsonPath']);
      const previous = isPlainObject(input.stage.outputs['webhook']) ? input.stage.outputs['webhook'] : {};
      const monitor = { statusCode: res.status, body: res.body, status: status ?? null, progressMessage: progress ?? null };
      const outputs = { webhook: { ...previous, monitor } };
      const value = String(status ?? '').toUpperCase();
      if (value !== '' && list(ctx['successStatuses']).includes(value)) return { status: 'SUCCEEDED', outputs };
      if (value !== '' && list(ctx['canceledStatuses']).includes(value)) return { status: 'CANCELED', outputs, error: { message: `the remote job reported ${String(status)}` } };
      if (value !== '' && list(ctx['terminalStatuses']).includes(value)) return { status: 'TERMINAL', outputs, error: { message: `the remote job reported ${String(status)}` } };
      return { status: 'RUNNING', outputs };
    },
    async onCancel(input: TaskInput): Promise<TaskResult | void> {
      const ctx = input.stage.context;
      if (typeof ctx['cancelEndpoint'] !== 'string' || ctx['cancelEndpoint'] === '') return;
      const url = await parseUrl(ctx['cancelEndpoint'], '/cancelEndpoint', guard);
      const method = typeof ctx['cancelMethod'] === 'string' ? ctx['cancelMethod'] : 'POST';
      const res = await httpRequest(url, { method, headers: headersOf(ctx, input), body: bodyOf(ctx['cancelPayload']), signal: input.signal, dispatcher: guard.dispatcher, timeoutMs: 15_000 });
      return { status: 'CANCELED', context: { cancelResponse: { statusCode: res.status } } };
    },
  };
}
