import { ApiError, createGennakerClient, type GennakerClient } from '@gennaker/api-client';
import { resolveTarget } from './config.util';
import type { OutputFormat } from './output.util';

export interface GlobalOptions {
  url?: string;
  token?: string;
  output?: string;
}

/** What every command needs: where the API is, a typed client, and the output format. */
export class CliContext {
  readonly url: string;
  readonly token: string | undefined;
  readonly client: GennakerClient;
  readonly output: OutputFormat;

  constructor(options: GlobalOptions) {
    const t = resolveTarget(options);
    this.url = t.url;
    this.token = t.token;
    this.client = createGennakerClient({ baseUrl: t.url, token: t.token });
    if (options.output !== undefined && options.output !== 'json' && options.output !== 'table') throw new UsageError(`--output must be json or table, not ${options.output}`);
    this.output = (options.output as OutputFormat | undefined) ?? 'table';
  }
}

/** A mistake in the command line: exit code 2. */
export class UsageError extends Error {}

/** An API error as one or more readable lines: the message, then each field by pointer. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const lines = [`error ${err.status}: ${err.message}`];
    for (const d of err.details) lines.push(`  ${d.pointer || '(document)'}: ${d.message}`);
    return lines.join('\n');
  }
  if (err instanceof TypeError && err.message === 'fetch failed') {
    return `error: cannot reach the API (${String((err.cause as { code?: string } | undefined)?.code ?? err.cause ?? 'no answer')}); is it running, and is the URL right? (--url, GENNAKER_URL, gennaker login)`;
  }
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}
