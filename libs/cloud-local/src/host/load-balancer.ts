import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WeightedPicker, type RouteGroup, type RouteTarget } from '../routing.util';
import type { MetricsRecorder } from './metrics-recorder';

export interface RoutingTable {
  groups: RouteGroup[];
  weights: Record<string, number>;
}

const MAX_BODY = 10 * 1024 * 1024;
const ATTEMPTS = 3;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * One cluster's load balancer: an HTTP reverse proxy choosing a server group by weight (smooth
 * weighted round robin) and an instance within it by round robin, among the healthy instances of
 * enabled groups only. A request that could not reach an instance (refused, or a reused
 * keep-alive connection reset before any answer) is retried on another one, so an instance going
 * away never fails a request. Counts requests, 5xx and latency per server group.
 */
export class LoadBalancerServer {
  private readonly server: Server;
  private readonly picker = new WeightedPicker();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 1000 });
  private readonly sockets = new Set<Socket>();
  private table: RoutingTable = { groups: [], weights: {} };
  listening = false;

  constructor(
    readonly name: string,
    readonly account: string,
    readonly region: string,
    readonly port: number,
    private readonly host: string,
    private readonly metrics: MetricsRecorder,
    /** Requests in flight per instance, so the host drains an instance before stopping it. */
    private readonly inflight: Map<string, number>,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  setTable(table: RoutingTable): void {
    this.table = table;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', onError);
        this.listening = true;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.listening = false;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // Give in-flight requests a moment, then cut what is left.
      setTimeout(() => {
        for (const s of this.sockets) s.destroy();
      }, 2000).unref();
    });
    this.agent.destroy();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      respond(res, 413, 'request body too large');
      return;
    }
    const tried = new Set<string>();
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const choice = this.picker.pick(this.table.groups, this.table.weights, tried);
      if (!choice) break;
      tried.add(choice.target.id);
      const outcome = await this.forward(req, res, body, choice.target);
      if (outcome.kind === 'answered') {
        this.metrics.record(this.account, this.region, choice.group, outcome.status, performance.now() - started);
        return;
      }
      if (outcome.kind === 'failed') {
        this.metrics.record(this.account, this.region, choice.group, 502, performance.now() - started);
        if (!res.headersSent) respond(res, 502, `instance ${choice.target.id} failed: ${outcome.message}`);
        else res.destroy();
        return;
      }
      // 'retry': the instance was not reached; try another.
    }
    this.metrics.record(this.account, this.region, `lb:${this.name}`, 503, performance.now() - started);
    respond(res, 503, `no healthy instance behind load balancer ${this.name}`);
  }

  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    target: RouteTarget,
  ): Promise<{ kind: 'answered'; status: number } | { kind: 'retry' } | { kind: 'failed'; message: string }> {
    return new Promise((resolve) => {
      this.inflight.set(target.id, (this.inflight.get(target.id) ?? 0) + 1);
      let settled = false;
      const finish = (v: { kind: 'answered'; status: number } | { kind: 'retry' } | { kind: 'failed'; message: string }): void => {
        if (settled) return;
        settled = true;
        this.inflight.set(target.id, Math.max(0, (this.inflight.get(target.id) ?? 1) - 1));
        resolve(v);
      };
      const headers: IncomingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
      headers['content-length'] = String(body.length);
      headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
      headers['x-forwarded-host'] = req.headers.host ?? '';
      const up = request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers, agent: this.agent });
      let answered = false;
      up.on('response', (upRes) => {
        answered = true;
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
        res.writeHead(upRes.statusCode ?? 502, out);
        upRes.pipe(res);
        upRes.on('end', () => finish({ kind: 'answered', status: upRes.statusCode ?? 502 }));
        upRes.on('error', (e) => {
          res.destroy();
          finish({ kind: 'failed', message: e.message });
        });
        res.on('close', () => {
          if (!upRes.complete) upRes.destroy();
          finish({ kind: 'answered', status: upRes.statusCode ?? 502 });
        });
      });
      up.on('error', (err: NodeJS.ErrnoException) => {
        if (answered) return;
        // Nothing was answered: safe to try another instance when the request never got there
        // (refused), or when a reused keep-alive connection was found closed (the instance went away).
        const refused = err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH';
        const staleSocket = (up.reusedSocket || IDEMPOTENT.has(req.method ?? 'GET')) && (err.code === 'ECONNRESET' || err.message === 'socket hang up');
        finish(refused || staleSocket ? { kind: 'retry' } : { kind: 'failed', message: err.message });
      });
      up.setTimeout(60_000, () => up.destroy(new Error('upstream timed out after 60 s')));
      up.end(body);
    });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function respond(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: message }));
}
