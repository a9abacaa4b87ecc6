import { unwrap, type StoredPipeline } from '@gennaker/api-client';
import type { Command } from 'commander';
import { CliContext, UsageError, type GlobalOptions } from '../cli-context';
import { pipelineDocument, readPipelineFiles } from '../files.util';
import { info, print } from '../output.util';
import { exitCodeOf, watchExecution } from '../watch.util';

type Exit = (code: number) => void;

const PIPELINE_COLUMNS: Array<[string, (p: StoredPipeline) => unknown]> = [
  ['ID', (p) => p.id],
  ['APPLICATION', (p) => p.application],
  ['NAME', (p) => p.name],
  ['VERSION', (p) => p.version],
  ['STAGES', (p) => p.stages.length],
  ['MANAGED BY', (p) => (p.managedBy ? `${p.managedBy.url}#${p.managedBy.branch}` : null)],
];

/** A pipeline by id, or by `<application> <name>`. */
async function findPipeline(ctx: CliContext, first: string, second?: string): Promise<StoredPipeline> {
  if (second === undefined) return unwrap(ctx.client.GET('/api/v1/pipelines/{id}', { params: { path: { id: first } } }));
  const list = await unwrap(ctx.client.GET('/api/v1/applications/{app}/pipelines', { params: { path: { app: first } } }));
  const p = list.find((x) => x.name === second);
  if (!p) throw new UsageError(`no pipeline named "${second}" in ${first}`);
  return p;
}

function parseParameters(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`-p takes key=value, got "${v}"`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

export function pipelineCommands(program: Command, globals: () => GlobalOptions, exit: Exit): void {
  const pipeline = program.command('pipeline').description('validate, apply, read, run and delete pipelines');

  pipeline
    .command('validate <path>')
    .description('validate a pipeline file, or every *.json under a folder (nothing is stored)')
    .option('-a, --application <app>', 'application for files that do not name one')
    .action(async (path: string, o: { application?: string }) => {
      const ctx = new CliContext(globals());
      const results: Array<{ file: string; valid: boolean; errors: Array<{ pointer: string; message: string }> }> = [];
      for (const f of readPipelineFiles(path)) {
        try {
          const doc = pipelineDocument(f, o.application);
          const { error, response } = await ctx.client.POST('/api/v1/pipelines/validate', { body: doc as never });
          const details = (error as { error?: { details?: Array<{ pointer: string; message: string }>; message?: string } } | undefined)?.error;
          results.push({ file: f.file, valid: response.ok, errors: response.ok ? [] : (details?.details?.length ? details.details : [{ pointer: '', message: details?.message ?? `HTTP ${response.status}` }]) });
        } catch (err) {
          results.push({ file: f.file, valid: false, errors: [{ pointer: '', message: err instanceof Error ? err.message : String(err) }] });
        }
      }
      if (ctx.output === 'json') print('json', results);
      else for (const r of results) {
        info('table', `${r.valid ? 'valid  ' : 'INVALID'} ${r.file}`);
        for (const e of r.errors) info('table', `        ${e.pointer || '(document)'}: ${e.message}`);
      }
      exit(results.every((r) => r.valid) ? 0 : 1);
    });

  pipeline
    .command('apply <path>')
    .description('create or update the pipelines of a file or of every *.json under a folder (by application and name)')
    .option('-a, --application <app>', 'application for files that do not name one')
    .action(async (path: string, o: { application?: string }) => {
      const ctx = new CliContext(globals());
      const files = readPipelineFiles(path);
      const docs = files.map((f) => ({ file: f.file, doc: pipelineDocument(f, o.application) }));
      // Validate all before applying any, so a folder is never half applied because of a typo.
      for (const { file, doc } of docs) {
        try {
          await unwrap(ctx.client.POST('/api/v1/pipelines/validate', { body: doc as never }));
        } catch (err) {
          throw Object.assign(err as Error, { message: `${file}: ${(err as Error).message}` });
        }
      }
      const applied: Array<{ file: string; id: string; name: string; version: number; created: boolean }> = [];
      for (const { file, doc } of docs) {
        const { data, error, response } = await ctx.client.POST('/api/v1/pipelines', { body: doc as never });
        if (!data) throw Object.assign(new Error(`${file}: ${(error as { error?: { message?: string } })?.error?.message ?? `HTTP ${response.status}`}`), { details: (error as { error?: { details?: unknown } })?.error?.details });
        applied.push({ file, id: data.id, name: data.name, version: data.version, created: response.status === 201 });
      }
      print(ctx.output, applied, [['FILE', (r) => r.file], ['NAME', (r) => r.name], ['ID', (r) => r.id], ['VERSION', (r) => r.version], ['ACTION', (r) => (r.created ? 'created' : 'updated')]]);
      exit(0);
    });

  pipeline
    .command('get <idOrApplication> [name]')
    .description('show a pipeline (by id, or by application and name)')
    .action(async (a: string, b: string | undefined) => {
      const ctx = new CliContext(globals());
      const p = await findPipeline(ctx, a, b);
      if (ctx.output === 'json') print('json', p);
      else print('table', p, PIPELINE_COLUMNS);
      exit(0);
    });

  pipeline
    .command('list <application>')
    .description("list an application's pipelines")
    .action(async (app: string) => {
      const ctx = new CliContext(globals());
      print(ctx.output, await unwrap(ctx.client.GET('/api/v1/applications/{app}/pipelines', { params: { path: { app } } })), PIPELINE_COLUMNS);
      exit(0);
    });

  pipeline
    .command('delete <idOrApplicationOrPath> [name]')
    .description('delete a pipeline (by id, by application and name, or every pipeline of a file or folder)')
    .option('-a, --application <app>', 'application for files that do not name one')
    .action(async (a: string, b: string | undefined, o: { application?: string }) => {
      const ctx = new CliContext(globals());
      const targets: StoredPipeline[] = [];
      const { existsSync } = await import('node:fs');
      if (b === undefined && existsSync(a)) {
        for (const f of readPipelineFiles(a)) {
          const doc = pipelineDocument(f, o.application);
          targets.push(await findPipeline(ctx, String(doc['application']), String(doc['name'])));
        }
      } else targets.push(await findPipeline(ctx, a, b));
      for (const p of targets) {
        await unwrap(ctx.client.DELETE('/api/v1/pipelines/{id}', { params: { path: { id: p.id } } }));
        info(ctx.output, `deleted ${p.application}/${p.name} (${p.id})`);
      }
      if (ctx.output === 'json') print('json', targets.map((p) => ({ id: p.id, application: p.application, name: p.name, deleted: true })));
      exit(0);
    });

  pipeline
    .command('run <application> <name>')
    .description('start a pipeline; with --watch follow it and exit 0 only if it SUCCEEDED')
    .option('-p, --parameter <key=value>', 'a parameter (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('-w, --watch', 'follow stage progress until the execution ends; the exit code follows its status')
    .action(async (app: string, name: string, o: { parameter: string[]; watch?: boolean }) => {
      const ctx = new CliContext(globals());
      const p = await findPipeline(ctx, app, name);
      const started = await unwrap(ctx.client.POST('/api/v1/pipelines/{id}/executions', { params: { path: { id: p.id } }, body: { parameters: parseParameters(o.parameter) } }));
      if (!o.watch) {
        if (ctx.output === 'json') print('json', started);
        else info('table', started.id);
        exit(0);
        return;
      }
      info(ctx.output, `execution ${started.id} of ${app}/${name}`);
      const final = await watchExecution(ctx.url, ctx.token, started.id, (l) => info(ctx.output, l), () => unwrap(ctx.client.GET('/api/v1/executions/{id}', { params: { path: { id: started.id } } })));
      if (ctx.output === 'json') print('json', final);
      else info('table', `execution ${final.id} ${final.status}`);
      exit(exitCodeOf(final.status));
    });
}
