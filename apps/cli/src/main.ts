import { Command, CommanderError } from 'commander';
import { describeError, UsageError, type GlobalOptions } from './cli-context';
import { executionCommands } from './commands/execution.command';
import { importCommands } from './commands/import-spinnaker.command';
import { loginCommand } from './commands/login.command';
import { pipelineCommands } from './commands/pipeline.command';
import { syncCommand } from './commands/sync.command';

/**
 * The `gennaker` command line. Exit codes: 0 done (or the execution SUCCEEDED), 1 invalid pipelines
 * or an execution that failed, 2 a usage or API error, 3 an execution that was canceled.
 */
export async function run(argv: string[]): Promise<number> {
  let code = 0;
  const exit = (c: number): void => {
    code = c;
  };
  const program = new Command('gennaker')
    .description('Gennaker: validate, apply, run and watch pipelines')
    .option('--url <url>', 'API URL (default: from gennaker login, else GENNAKER_URL, else http://127.0.0.1:8084)')
    .option('--token <token>', 'API token (default: from gennaker login, else GENNAKER_TOKEN)')
    .option('-o, --output <format>', 'json or table', 'table')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  loginCommand(program, globals, exit);
  pipelineCommands(program, globals, exit);
  executionCommands(program, globals, exit);
  syncCommand(program, globals, exit);
  importCommands(program, globals, exit);
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`${err instanceof UsageError ? `error: ${err.message}` : describeError(err)}\n`);
    return 2;
  }
}

if (require.main === module) {
  void run(process.argv).then((code) => {
    process.stdout.write('', () => process.exit(code));
  });
}
