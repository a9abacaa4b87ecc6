import { unwrap } from '@gennaker/api-client';
import type { Command } from 'commander';
import { CliContext, UsageError, type GlobalOptions } from '../cli-context';
import { readPipelineFiles } from '../files.util';
import { info, print } from '../output.util';

type Exit = (code: number) => void;

/** `gennaker sync <dir>`: the folder's pipelines become the application's, all or nothing. */
export function syncCommand(program: Command, globals: () => GlobalOptions, exit: Exit): void {
  program
    .command('sync <dir>')
    .description("make an application's pipelines those of a folder (all or nothing; with a pipelinesRepo, missing ones are deleted)")
    .option('-a, --application <app>', 'the application (default: the one the files name)')
    .action(async (dir: string, o: { application?: string }) => {
      const ctx = new CliContext(globals());
      const files = readPipelineFiles(dir);
      const byApp = new Map<string, Array<{ file: string; content: string }>>();
      for (const f of files) {
        let app = o.application;
        if (!app) {
          try {
            const named = (JSON.parse(f.text) as { application?: unknown }).application;
            if (typeof named === 'string') app = named;
          } catch {
            // the API reports the file as invalid JSON
          }
        }
        if (!app) throw new UsageError(`${f.file} names no application; pass --application`);
        byApp.set(app, [...(byApp.get(app) ?? []), { file: f.file, content: f.text }]);
      }
      if (byApp.size === 0) throw new UsageError(`no *.json files under ${dir}`);
      const results = [];
      for (const [app, list] of byApp) {
        const r = await unwrap(ctx.client.POST('/api/v1/applications/{app}/pipelines/sync', { params: { path: { app } }, body: { files: list } }));
        results.push({ application: app, ...r });
        info(ctx.output, `${app}: ${r.created.length} created, ${r.updated.length} updated, ${r.deleted.length} deleted, ${r.unchanged} unchanged`);
      }
      if (ctx.output === 'json') print('json', results);
      exit(0);
    });
}
