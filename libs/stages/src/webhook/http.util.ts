import { errorMessage, TransientError } from '@gennaker/common';

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

/** Status codes worth another try: the remote end is overloaded or restarting. */
export const RETRYABLE_STATUS = [429, 502, 503, 504];
const MAX_BODY = 1024 * 1024;

/**
 * One HTTP call with a timeout and an abort signal. Network failures and timeouts are transient
 * (retried by the engine); any HTTP answer is returned for the caller to judge.
 */
export async function httpRequest(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; signal: AbortSignal; timeoutMs?: number; dispatcher?: unknown },
): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(init.timeoutMs ?? 30_000);
  const signal = AbortSignal.any([init.signal, timeout]);
  let res: Response;
  try {
    // `dispatcher` (undici): how sockets connect, e.g. the SSRF guard's checked lookup.
    res = await fetch(url, { method: init.method, headers: init.headers, body: init.body, signal, redirect: 'manual', ...(init.dispatcher ? { dispatcher: init.dispatcher } : {}) } as RequestInit);
  } catch (err) {
    if (init.signal.aborted) throw err;
    throw new TransientError(`${init.method} ${redact(url)} failed: ${timeout.aborted ? 'timed out' : errorMessage((err as { cause?: unknown }).cause ?? err)}`, err);
  }
  const buf = await res.arrayBuffer();
  const text = new TextDecoder().decode(buf.byteLength > MAX_BODY ? buf.slice(0, MAX_BODY) : buf);
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') || /^\s*[[{]/.test(text)) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body, text };
}

/** A URL for messages: without credentials or query string (they may hold tokens). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = u.search ? '?…' : '';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
