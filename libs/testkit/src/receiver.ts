import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
  time: number;
}

export type Responder = (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/**
 * A local HTTP endpoint for tests: records every request; by default answers 200 `{"ok":true}`.
 * `on(path, responder)` changes the answer for a path (e.g. never answer, or fail with 500).
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** Requests whose client went away before an answer (e.g. an aborted webhook). */
  aborted = 0;
  private readonly server: Server;
  private readonly responders = new Map<string, Responder>();
  private readonly open = new Set<ServerResponse>();
  url = '';

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  on(path: string, responder: Responder): this {
    this.responders.set(path, responder);
    return this;
  }

  count(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((r) => r.path === path).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let json: unknown = undefined;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const record: ReceivedRequest = { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body, json, time: Date.now() };
    this.requests.push(record);
    this.open.add(res);
    res.on('close', () => {
      if (!res.writableEnded) this.aborted++;
      this.open.delete(res);
    });
    const responder = this.responders.get(url.pathname);
    if (responder) {
      await responder(record, res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  }

  async stop(): Promise<void> {
    for (const r of this.open) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A responder that never answers (a remote end that hangs). */
export const never: Responder = () => undefined;
