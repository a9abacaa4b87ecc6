import { unwrap } from '@gennaker/api-client';
import type { Command } from 'commander';
import { CliContext, UsageError, type GlobalOptions } from '../cli-context';
import { DEFAULT_URL, writeConfig } from '../config.util';
import { info } from '../output.util';

type Exit = (code: number) => void;

/** `gennaker login`: checks the URL and token against the API, then stores them (mode 600). */
export function loginCommand(program: Command, globals: () => GlobalOptions, exit: Exit): void {
  program
    .command('login')
    .description('store the API URL and token in ~/.config/gennaker/config.json (mode 600)')
    .option('--token-stdin', 'read the token from standard input')
    .action(async (o: { tokenStdin?: boolean }) => {
      const g = globals();
      let token = g.token ?? process.env['GENNAKER_TOKEN'];
      if (o.tokenStdin) {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        token = Buffer.concat(chunks).toString('utf8').trim();
      }
      const url = g.url ?? process.env['GENNAKER_URL'] ?? DEFAULT_URL;
      if (!/^https?:\/\//.test(url)) throw new UsageError(`--url must be http(s)://..., got ${url}`);
      const ctx = new CliContext({ ...g, url, token });
      // A listing needs a valid token when the API asks for one: fail now rather than at first use.
      await unwrap(ctx.client.GET('/api/v1/applications'));
      const path = writeConfig({ url, ...(token ? { token } : {}) });
      info(ctx.output, `logged in to ${url}; saved in ${path}`);
      exit(0);
    });
}
