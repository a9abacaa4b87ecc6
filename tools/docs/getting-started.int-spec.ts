// docs/getting-started.md, word for word: every ```sh block runs in one bash session (variables and
// folder carry over, as in a terminal) in the checkout, against a real api and worker started with the
// environment `npm run demo` gives them (tools/demo/demo.mjs; the demo's own scenario, which bakes and
// deploys, is not replayed: the page does not depend on it). Only the first block (npm ci, npm run demo)
// is not run here: it must be the README's commands. The API URL and the token the demo prints are the
// only substitutions.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, Stack, waitFor } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DOC = readFileSync(join(ROOT, 'docs/getting-started.md'), 'utf8');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const TOKEN = 'gk_getting-started-spec-token';
const URL_IN_DOC = 'http://127.0.0.1:8084';
const TOKEN_IN_DOC = '<token printed by the demo>';
// Files the page creates in the checkout; removed afterwards.
const CREATED = ['my-pipelines', 'broken.json'];

/** The fenced blocks of a Markdown text with their info string. */
export function fencedBlocks(markdown: string): Array<{ lang: string; text: string }> {
  return [...markdown.matchAll(/^```([^\n`]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: (m[1] ?? '').trim(), text: m[2] ?? '' }));
}

/** Commands of a shell block without comments and blank lines. */
const commands = (text: string): string[] => text.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l !== '' && !l.startsWith('#'));

/** One bash process for the whole page, as one terminal. */
class Terminal {
  private readonly proc: ChildProcessWithoutNullStreams;
  private out = '';
  private err = '';
  private n = 0;

  constructor(cwd: string, env: NodeJS.ProcessEnv, private readonly scratch: string) {
    this.proc = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (c: Buffer) => (this.out += c.toString()));
    this.proc.stderr.on('data', (c: Buffer) => (this.err += c.toString()));
    // Every failing command is reported with its exit code, without stopping the session.
    this.proc.stdin.write(`set -E\ntrap 'echo "__FAILED__ $? $BASH_COMMAND" >&2' ERR\n`);
  }

  /** Runs a block in this shell (stdin closed, as commands typed at a prompt would not read the next ones). */
  async run(block: string): Promise<{ stdout: string; stderr: string; failed: string[] }> {
    const file = join(this.scratch, `block-${++this.n}.sh`);
    writeFileSync(file, block);
    const marker = `__END_${this.n}__`;
    const outStart = this.out.length;
    const errStart = this.err.length;
    this.proc.stdin.write(`source '${file}' </dev/null; echo ${marker}; echo ${marker} >&2\n`);
    await waitFor(() => this.out.includes(marker, outStart) && this.err.includes(marker, errStart), { timeoutMs: 180_000, intervalMs: 50, message: () => `block ${this.n} to finish:\n${block}\n--- stdout\n${this.out.slice(outStart)}\n--- stderr\n${this.err.slice(errStart)}` });
    const stdout = this.out.slice(outStart, this.out.indexOf(marker, outStart));
    const stderr = this.err.slice(errStart, this.err.indexOf(marker, errStart));
    // The block's own `source` fails too when its last command does: not a command of the page.
    const failed = [...stderr.matchAll(/^__FAILED__ (\d+) (.*)$/gm)].filter((m) => !m[2]?.startsWith(`source '${file}'`)).map((m) => `${m[2]} -> exit ${m[1]}`);
    return { stdout, stderr, failed };
  }

  async variable(name: string): Promise<string> {
    return (await this.run(`echo "$${name}"`)).stdout.trim();
  }

  close(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

let stack: Stack;
let terminal: Terminal;
let scratch: string;
const blocks = fencedBlocks(DOC).filter((b) => b.lang === 'sh');

beforeAll(async () => {
  for (const f of CREATED) expect(existsSync(join(ROOT, f)), `${f} exists in the checkout; the page would create it`).toBe(false);
  scratch = mkdtempSync(join(tmpdir(), 'gk-getting-started-'));
  // What `npm run demo` sets for its api and worker (tools/demo/demo.mjs).
  stack = await Stack.start({ workers: 1, env: { GENNAKER_ADMIN_TOKEN: TOKEN, GENNAKER_DATA_DIR: join(scratch, 'data') } });
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: join(scratch, 'config') };
  delete env['GENNAKER_URL'];
  delete env['GENNAKER_TOKEN'];
  terminal = new Terminal(ROOT, env, scratch);
}, 300_000);

afterAll(async () => {
  terminal?.close();
  await stack?.stop();
  for (const f of CREATED) rmSync(join(ROOT, f), { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('docs/getting-started.md, followed word for word', () => {
  it("starts with the README's two commands", () => {
    expect(commands(blocks[0]?.text ?? '')).toEqual(['npm ci', 'npm run demo']);
    const readmeBlock = fencedBlocks(README).find((b) => b.text.includes('npm run demo'));
    expect(commands(readmeBlock?.text ?? '')).toEqual(expect.arrayContaining(['npm ci', 'npm run demo']));
    // The page has the reader copy the token after "Token:" and use the API on its default port.
    const demo = readFileSync(join(ROOT, 'tools/demo/demo.mjs'), 'utf8') + readFileSync(join(ROOT, 'tools/demo/scenario.mjs'), 'utf8');
    expect(demo).toMatch(/Token:\s+\$\{token\}/);
    expect(demo).toContain("GENNAKER_API_PORT: process.env.GENNAKER_API_PORT ?? '8084'");
  });

  it('reaches a pipeline written, validated, applied, run, judged, watched to SUCCEEDED and canceled', async () => {
    const rest = blocks.slice(1);
    expect(rest).toHaveLength(6);
    const commandText = rest.map((b) => b.text).join('\n');
    expect(commandText.split(URL_IN_DOC).length - 1, 'the API URL appears once in the commands, in the export').toBe(1);
    expect(commandText.split(TOKEN_IN_DOC).length - 1, 'the token placeholder appears once').toBe(1);

    // 2. Connect: the token is the admin's, the CLI reaches the API.
    const connect = await terminal.run(rest[0]!.text.replace(URL_IN_DOC, stack.apiUrl).replace(TOKEN_IN_DOC, TOKEN));
    expect(connect.failed, connect.stderr).toEqual([]);
    expect(connect.stdout).toContain('"name":"admin"');
    expect(connect.stdout).toMatch(/^ID\s+APPLICATION\s+NAME\s+STATUS/m);

    // 3. The application, the file, validate and apply.
    const write = await terminal.run(rest[1]!.text);
    expect(write.failed, write.stderr).toEqual([]);
    expect(write.stdout).toContain('valid   release.json');
    expect(write.stdout).toMatch(/release\.json\s+release\s+\S+\s+1\s+created/);
    expect((await stack.client.get('/api/v1/applications/shop')).body).toMatchObject({ name: 'shop', email: 'team@example.com' });

    // ...and a mistake, named by pointer; the only command of the page expected to fail.
    const broken = await terminal.run(rest[2]!.text);
    expect(broken.failed).toEqual(['npx gennaker pipeline validate broken.json -> exit 1']);
    expect(broken.stdout).toMatch(/INVALID broken\.json\n\s+\/stages\/0\/requisiteStageRefIds\/0: /);

    // 4. Run it.
    const run = await terminal.run(rest[3]!.text);
    expect(run.failed, run.stderr).toEqual([]);
    const eid = await terminal.variable('EID');
    expect(run.stdout).toContain(`shop/release ${eid}`);
    // As the page says: judge once "Ship it?" is RUNNING.
    await waitFor(async () => {
      const e = (await stack.client.get(`/api/v1/executions/${eid}`)).body as { stages: Array<{ name: string; status: string }> };
      return e.stages.find((s) => s.name === 'Ship it?')?.status === 'RUNNING';
    }, { timeoutMs: 60_000, message: () => 'the judgment stage to wait for a person' });
    const judge = await terminal.run(rest[4]!.text);
    expect(judge.failed, judge.stderr).toEqual([]);
    expect(judge.stdout).toMatch(new RegExp(`execution ${eid} SUCCEEDED\\n`));
    expect(judge.stdout.trimEnd().split('\n').at(-1)).toBe('1.0.0 by ship');

    // 5. Cancel.
    const cancel = await terminal.run(rest[5]!.text);
    expect(cancel.failed, cancel.stderr).toEqual([]);
    const canceled = await terminal.variable('EID');
    expect(canceled).not.toBe(eid);
    await waitFor(async () => (await stack.client.get(`/api/v1/executions/${canceled}`)).body.status === 'CANCELED', { timeoutMs: 30_000, message: () => 'the second execution to be CANCELED' });
    expect(cancel.stdout).toMatch(new RegExp(`${canceled}\\s+shop\\s+release\\s+CANCELED[\\s\\S]*${eid}\\s+shop\\s+release\\s+SUCCEEDED`));
  });
});
