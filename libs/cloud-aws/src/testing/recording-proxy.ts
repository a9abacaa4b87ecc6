// TEST ONLY: a recording proxy in front of an AWS-compatible endpoint (moto_server).
import { createServer, request, type Server } from 'node:http';

export interface Exchange {
  action: string;
  body: string;
  response: string;
}

/**
 * Forwards everything to moto_server and records it. While `holdCreates` is set, the answer to a
 * CreateAutoScalingGroup is held back after moto has created the group: a worker killed then
 * dies with the group made and the answer unseen, the window a retry must not double.
 */
export class RecordingProxy {
  readonly exchanges: Exchange[] = [];
  holdCreates = false;
  held = 0;
  private server: Server | undefined;
  url = '';

  constructor(private readonly upstream: string) {}

  async start(): Promise<this> {
    const up = new URL(this.upstream);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        const action = /(?:^|&)Action=([A-Za-z]+)/.exec(text)?.[1] ?? String(req.headers['x-amz-target'] ?? 'Unknown');
        const forward = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
          const out: Buffer[] = [];
          upRes.on('data', (c: Buffer) => out.push(c));
          upRes.on('end', () => {
            const response = Buffer.concat(out);
            this.exchanges.push({ action, body: text, response: response.toString('utf8') });
            if (action === 'CreateAutoScalingGroup' && this.holdCreates) {
              // Never answered: the worker that sent it is about to be killed.
              this.held++;
              return;
            }
            res.writeHead(upRes.statusCode ?? 500, upRes.headers);
            res.end(response);
          });
        });
        forward.on('error', () => res.destroy());
        forward.end(body);
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Calls by action from exchange `from` on (a benchmark's measured phase). */
  byAction(from = 0): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.exchanges.slice(from)) out[e.action] = (out[e.action] ?? 0) + 1;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }

  count(action: string, contains = ''): number {
    return this.exchanges.filter((e) => e.action === action && e.body.includes(contains)).length;
  }
}
