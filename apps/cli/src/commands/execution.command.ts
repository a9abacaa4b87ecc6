import { unwrap, type Execution, type ExecutionSummary } from '@gennaker/api-client';
import type { Command } from 'commander';
import { CliContext, type GlobalOptions } from '../cli-context';
import { info, print } from '../output.util';
import { exitCodeOf, watchExecution } from '../watch.util';

type Exit = (code: number) => void;

const SUMMARY: Array<[string, (e: ExecutionSummary) => unknown]> = [
  ['ID', (e) => e.id],
  ['APPLICATION', (e) => e.application],
  ['NAME', (e) => e.name],
  ['STATUS', (e) => e.status],
  ['TRIGGER', (e) => (e.trigger as { type?: string } | undefined)?.type],
  ['STARTED', (e) => e.startTime],
  ['ENDED', (e) => e.endTime],
];

const STAGES: Array<[string, (s: Execution['stages'][number]) => unknown]> = [
  ['STAGE', (s) => s.name],
  ['TYPE', (s) => s.type],
  ['STATUS', (s) => s.status],
  ['STARTED', (s) => s.startTime],
  ['ENDED', (s) => s.endTime],
  ['ERROR', (s) => s.error?.message],
];

export function executionCommands(program: Command, globals: () => GlobalOptions, exit: Exit): void {
  const execution = program.command('execution').description('read, follow and cancel executions');
  const get = (ctx: CliContext, id: string) => unwrap(ctx.client.GET('/api/v1/executions/{id}', { params: { path: { id } } }));

  execution
    .command('get <id>')
    .description('show an execution and its stages')
    .action(async (id: string) => {
      const ctx = new CliContext(globals());
      const e = await get(ctx, id);
      if (ctx.output === 'json') print('json', e);
      else {
        info('table', `${e.application}/${e.name} ${e.id} ${e.status}`);
        print('table', e.stages.filter((s) => !s.parentStageId), STAGES);
      }
      exit(0);
    });

  execution
    .command('list')
    .description('list executions, newest first')
    .option('-a, --application <app>')
    .option('--pipeline <id>', 'pipeline id')
    .option('-s, --status <statuses>', 'comma-separated statuses')
    .option('-l, --limit <n>', 'at most this many (1-500)', '50')
    .action(async (o: { application?: string; pipeline?: string; status?: string; limit: string }) => {
      const ctx = new CliContext(globals());
      const page = await unwrap(ctx.client.GET('/api/v1/executions', { params: { query: { application: o.application, pipelineId: o.pipeline, status: o.status, limit: Number(o.limit) } } }));
      print(ctx.output, ctx.output === 'json' ? (page as never) : page.items, SUMMARY);
      exit(0);
    });

  execution
    .command('cancel <id>')
    .description('cancel a running execution')
    .option('-r, --reason <text>')
    .action(async (id: string, o: { reason?: string }) => {
      const ctx = new CliContext(globals());
      const e = await unwrap(ctx.client.PUT('/api/v1/executions/{id}/cancel', { params: { path: { id } }, body: o.reason ? { reason: o.reason } : {} }));
      if (ctx.output === 'json') print('json', e);
      else info('table', `execution ${e.id} ${e.status}`);
      exit(0);
    });

  execution
    .command('watch <id>')
    .description('follow an execution until it ends; exit 0 only if it SUCCEEDED')
    .action(async (id: string) => {
      const ctx = new CliContext(globals());
      const final = await watchExecution(ctx.url, ctx.token, id, (l) => info(ctx.output, l), () => get(ctx, id));
      if (ctx.output === 'json') print('json', final);
      else info('table', `execution ${final.id} ${final.status}`);
      exit(exitCodeOf(final.status));
    });
}
