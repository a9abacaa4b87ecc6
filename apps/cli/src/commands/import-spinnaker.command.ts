import { ApiError, unwrap } from '@gennaker/api-client';
import { addProblems, formatImportReport, importReportJson, outcomeOf, planImport, type ImportAction, type ImportItem } from '@gennaker/spinnaker-import';
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { CliContext, UsageError, type GlobalOptions } from '../cli-context';
import { readPipelineFiles } from '../files.util';
import { info, print } from '../output.util';

type Exit = (code: number) => void;

interface ImportFlags {
  dryRun?: boolean;
  allowPartial?: boolean;
  strict?: boolean;
  application?: string;
}

type ErrorBody = { error?: { message?: string; details?: Array<{ pointer: string; message: string }> } } | undefined;

/**
 * `gennaker import spinnaker <dir>`: every Spinnaker export under a folder is converted, and every
 * converted document validated (pipelines by the API), before anything is written. Then applications,
 * canary configs and pipelines are written in that order. Exit 0 even when some items are not
 * importable (the report names them); 1 with --strict when any is, and then nothing is written.
 */
export function importCommands(program: Command, globals: () => GlobalOptions, exit: Exit): void {
  const importCmd = program.command('import').description('bring pipelines and configs over from another tool');
  importCmd
    .command('spinnaker <dir>')
    .description('import Spinnaker exports: pipelines (Front50 JSON, spin pipeline get/list), applications (spin application get, Front50) and Kayenta canary configs, from every *.json under <dir>')
    .option('--dry-run', 'convert and validate everything, print the report, write nothing')
    .option('--allow-partial', 'import pipelines whose stage types Gennaker lacks without those stages (each removal is reported; the pipeline is saved disabled)')
    .option('--strict', 'write nothing and exit 1 when anything is not importable')
    .option('-a, --application <app>', 'application for pipelines that name none (a converted template)')
    .action(async (dir: string, flags: ImportFlags) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
      const ctx = new CliContext(globals());
      const files = readPipelineFiles(dir).map((f) => ({ path: f.file, text: f.text }));
      if (files.length === 0) throw new UsageError(`no *.json files under ${dir}`);

      const stageTypes = await unwrap(ctx.client.GET('/api/v1/stage-types'));
      // Accounts sharpen the warnings; a token that may not list them only loses that.
      const accounts = await unwrap(ctx.client.GET('/api/v1/accounts')).then(
        (list) => list.map((a) => a.name),
        () => null,
      );
      const plan = planImport(files, { stageTypes, accounts, ...(flags.application ? { application: flags.application } : {}), allowPartial: flags.allowPartial === true });

      // Validate every pipeline through the API before writing anything.
      for (const item of plan.items) {
        if (item.kind !== 'pipeline' || !item.document) continue;
        const { error, response } = await ctx.client.POST('/api/v1/pipelines/validate', { body: item.document as never });
        if (response.ok) continue;
        if (response.status !== 400) throw new ApiError(response.status, error as never);
        const body = error as ErrorBody;
        addProblems(item, body?.error?.details?.length ? body.error.details : [{ pointer: '', message: body?.error?.message ?? `HTTP ${response.status}` }]);
      }
      // An application whose pipelines all turned out invalid is not needed any more.
      const needed = new Set(plan.items.flatMap((i) => (i.kind === 'pipeline' && i.document ? [String(i.document['application'])] : [])));
      const items = plan.items.filter((i) => !(i.implied && !needed.has(i.name)));

      const actions = new Map<ImportItem, ImportAction>();
      const blocked = flags.strict === true && items.some((i) => outcomeOf(i) === 'not-importable');
      if (flags.dryRun || blocked) {
        for (const item of items) if (item.document) actions.set(item, 'dry-run');
      } else {
        await write(ctx, items, actions);
      }

      if (ctx.output === 'json') print('json', importReportJson(items, actions, { dryRun: flags.dryRun === true || blocked }));
      else process.stdout.write(formatImportReport(items, actions, { dryRun: flags.dryRun === true || blocked }));
      if (blocked) info(ctx.output, '--strict: some items are not importable, so nothing was written');
      exit(blocked ? 1 : 0);
    });
}

/** Applications first (pipelines need them), then canary configs, then pipelines. */
async function write(ctx: CliContext, items: ImportItem[], actions: Map<ImportItem, ImportAction>): Promise<void> {
  const order: Array<ImportItem['kind']> = ['application', 'canaryConfig', 'pipeline'];
  for (const kind of order) {
    for (const item of items) {
      if (item.kind !== kind || !item.document) continue;
      try {
        actions.set(item, await writeOne(ctx, item));
      } catch (err) {
        // Say what was already written before giving up.
        const done = [...actions].filter(([, a]) => a === 'created' || a === 'updated').map(([i, a]) => `${a} ${i.kind} ${i.name}`);
        if (err instanceof Error) err.message = `writing ${item.kind} ${item.name} (${item.source}): ${err.message}${done.length > 0 ? `; already written: ${done.join(', ')}` : ''}`;
        throw err;
      }
    }
  }
}

async function writeOne(ctx: CliContext, item: ImportItem): Promise<ImportAction> {
  const doc = item.document as Record<string, unknown>;
  switch (item.kind) {
    case 'application': {
      const existing = await ctx.client.GET('/api/v1/applications/{app}', { params: { path: { app: item.name } } });
      if (existing.response.ok) return 'exists';
      if (existing.response.status !== 404) throw new ApiError(existing.response.status, existing.error as never);
      await unwrap(ctx.client.POST('/api/v1/applications', { body: doc as never }));
      return 'created';
    }
    case 'canaryConfig': {
      const r = await ctx.client.POST('/api/v1/canary/configs', { body: doc as never });
      if (!r.response.ok) throw new ApiError(r.response.status, r.error as never);
      return r.response.status === 201 ? 'created' : 'updated';
    }
    case 'pipeline': {
      const r = await ctx.client.POST('/api/v1/pipelines', { body: doc as never });
      if (!r.response.ok) throw new ApiError(r.response.status, r.error as never);
      return r.response.status === 201 ? 'created' : 'updated';
    }
    case 'unknown':
      return 'skipped';
  }
}
