/**
 * End-to-end tests in real LSP clients: a headless Neovim and a batch Emacs with Eglot, each
 * configured with the README's own snippet (read out of README.md, see readme-snippets.ts) and
 * talking to dist/server.js as `gup-review-server --stdio`.
 *
 *   npm run e2e:editors               # setup.sh (apt-installs the editors when missing), build, this
 *   node --import tsx test/editors/run.ts [--only nvim|emacs]
 *
 * Each editor works on its own scratch copy of test/editors/workspace/ (the C file gets fixed
 * and saved) with its own config/state folders, so nothing of the user's setup takes part.
 * Transcripts (what each test printed, Neovim's LSP debug log, Eglot's events buffer) go to
 * test-results/editors/. Both editors run even when the first fails. Exit 0: all passed; 1: a
 * check failed or an editor timed out; 2: the tests could not run (missing editor or build).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readmeSnippet } from './readme-snippets.ts';

const root = path.join(__dirname, '..', '..');
const resultsDir = path.join(root, 'test-results', 'editors');
const fixtureDir = path.join(__dirname, 'workspace');
const serverJs = path.join(root, 'dist', 'server.js');
/** A whole run takes 1-3 s per editor; this only stops a hung editor. */
const EDITOR_TIMEOUT_MS = 90_000;

interface EditorRun {
  name: string;
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs one editor in its own process group and kills the group if it outlives the timeout. */
function runEditor(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<EditorRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, EDITOR_TIMEOUT_MS);
    const done = (code: number | null) => {
      clearTimeout(timer);
      resolve({ name, code, timedOut, stdout, stderr, ms: Date.now() - started });
    };
    child.on('error', (err) => {
      stderr += String(err);
      done(null);
    });
    child.on('close', done);
  });
}

/** A scratch folder with the fixtures, a bin/gup-review-server on PATH, and the editor's homes. */
function scratch(base: string, name: string): { dir: string; ws: string; env: NodeJS.ProcessEnv } {
  const dir = path.join(base, name);
  const ws = path.join(dir, 'workspace');
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.cpSync(fixtureDir, ws, { recursive: true });
  // What `npm install -g` would put on PATH: the bin named in package.json, i.e. dist/server.js.
  fs.symlinkSync(serverJs, path.join(dir, 'bin', 'gup-review-server'));
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: path.join(dir, 'home'),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    GUP_EDITORS_WS: ws,
  };
  fs.mkdirSync(env.HOME!, { recursive: true });
  return { dir, ws, env };
}

function report(run: EditorRun, transcriptFile: string, extra: { title: string; text: string }[]): boolean {
  const passed = run.code === 0 && !run.timedOut;
  const status = run.timedOut
    ? `timed out after ${EDITOR_TIMEOUT_MS} ms (killed)`
    : `exit ${run.code ?? 'none'} in ${run.ms} ms`;
  const parts = [
    `# ${run.name}: ${passed ? 'PASS' : 'FAIL'} (${status})`,
    '',
    '## what the test printed',
    run.stdout.trimEnd(),
    '',
    '## stderr',
    run.stderr.trimEnd(),
    ...extra.flatMap((e) => ['', `## ${e.title}`, e.text.trimEnd()]),
    '',
  ];
  fs.writeFileSync(transcriptFile, parts.join('\n'));
  process.stdout.write(`\n[${run.name}] ${passed ? 'PASS' : 'FAIL'} (${status})\n${run.stdout}`);
  if (!passed && run.stderr.trim()) process.stdout.write(`[${run.name}] stderr:\n${run.stderr}\n`);
  process.stdout.write(`[${run.name}] transcript: ${path.relative(root, transcriptFile)}\n`);
  return passed;
}

function readIfThere(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '(not written)';
  }
}

async function runNvim(base: string): Promise<boolean> {
  const { dir, env } = scratch(base, 'nvim');
  const init = path.join(dir, 'init.lua');
  fs.writeFileSync(init, readmeSnippet('nvim-0.7'));
  for (const x of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME'])
    env[x] = path.join(dir, x.toLowerCase());
  const run = await runEditor(
    'neovim',
    'nvim',
    ['--headless', '-i', 'NONE', '-n', '-u', init, '-c', `luafile ${path.join(__dirname, 'nvim', 'test.lua')}`],
    env,
    dir,
  );
  // vim.lsp.get_log_path() under the scratch XDG_CACHE_HOME.
  const log = readIfThere(path.join(env.XDG_CACHE_HOME!, 'nvim', 'lsp.log'));
  fs.writeFileSync(path.join(resultsDir, 'nvim-lsp.log'), log);
  return report(run, path.join(resultsDir, 'nvim-transcript.txt'), [
    { title: "LSP log (vim.lsp.set_log_level('debug'))", text: log },
  ]);
}

async function runEmacs(base: string): Promise<boolean> {
  const { dir, env } = scratch(base, 'emacs');
  env.GUP_EDITORS_SNIPPET = path.join(dir, 'gup-review.el');
  env.GUP_EDITORS_EVENTS = path.join(dir, 'events.txt');
  fs.writeFileSync(env.GUP_EDITORS_SNIPPET, readmeSnippet('emacs-eglot'));
  const run = await runEditor(
    'emacs',
    'emacs',
    ['--batch', '-Q', '-l', path.join(__dirname, 'emacs', 'test.el')],
    env,
    dir,
  );
  return report(run, path.join(resultsDir, 'emacs-transcript.txt'), [
    { title: "Eglot's events buffer", text: readIfThere(env.GUP_EDITORS_EVENTS) },
  ]);
}

async function main(): Promise<number> {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  if (!fs.existsSync(serverJs)) {
    process.stderr.write(`editors: ${path.relative(root, serverJs)} is missing: run npm run build\n`);
    return 2;
  }
  const wanted = (['nvim', 'emacs'] as const).filter((e) => !only || only === e);
  for (const e of wanted) {
    if (spawnSync(e, ['--version'], { stdio: 'ignore' }).status !== 0) {
      process.stderr.write(`editors: ${e} is not installed (bash test/editors/setup.sh installs it)\n`);
      return 2;
    }
  }
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-editors-'));
  try {
    const results: boolean[] = [];
    if (wanted.includes('nvim')) results.push(await runNvim(base));
    if (wanted.includes('emacs')) results.push(await runEmacs(base));
    const failed = results.filter((ok) => !ok).length;
    process.stdout.write(`\neditors: ${results.length - failed} of ${results.length} editor runs passed\n`);
    return failed === 0 ? 0 : 1;
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`editors: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
