/**
 * A real VS Code for the end-to-end test: code-server (installed by test/e2e/setup.sh outside the
 * repo), a fresh user-data and extensions dir, our VSIX installed, clean user settings, and a
 * server in its own process group that is killed (group only) when the test ends.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor } from './poll.ts';

export interface CodeServerInstall {
  bin: string;
  /** Directory of the Node 24 binary code-server was built for; goes first on PATH. */
  nodeDir: string;
}

export function cacheDir(): string {
  return process.env.GUP_REVIEW_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'gup-review-e2e');
}

/** Finds what setup.sh installed; a clear error (not a stack) when it is missing. */
export function locateCodeServer(): CodeServerInstall {
  const cache = cacheDir();
  const bin = path.join(cache, 'server', 'node_modules', '.bin', 'code-server');
  const nodeDir = path.join(cache, 'node24', 'node_modules', 'node', 'bin');
  const complete = path.join(cache, 'server', '.install-complete');
  if (!fs.existsSync(bin) || !fs.existsSync(path.join(nodeDir, 'node')) || !fs.existsSync(complete)) {
    throw new UserError(`code-server is not installed under ${cache}: run test/e2e/setup.sh first (or npm run e2e)`);
  }
  return { bin, nodeDir };
}

/** A mistake in how the test was run (missing install, bad argument): reported without a stack. */
export class UserError extends Error {}

/**
 * Node 24 first on PATH; XDG dirs inside the run's user-data dir so code-server writes nothing
 * under ~/.cache or ~/.config (it keeps a device id in $XDG_CACHE_HOME/Microsoft/).
 */
function envFor(install: CodeServerInstall, userDataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${install.nodeDir}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CACHE_HOME: path.join(userDataDir, 'xdg-cache'),
    XDG_CONFIG_HOME: path.join(userDataDir, 'xdg-config'),
  };
  // Our own tsx/node options must not leak into code-server's Node 24 processes.
  delete env.NODE_OPTIONS;
  return env;
}

/** Settings that keep the screen clean and the run deterministic (toolchain.md). */
export const USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'editor.hover.delay': 100,
  'workbench.colorTheme': 'Default Light Modern',
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
  'workbench.layoutControl.enabled': false,
  'editor.fontSize': 14,
  'editor.tabSize': 8,
  'editor.detectIndentation': false,
  // VS Code in a browser auto-saves after 1 s by default; desktop does not. Off, so the test
  // proves diagnostics follow unsaved edits.
  'files.autoSave': 'off',
};

export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...extra }, null, 2));
}

/** Installs a VSIX into `extensionsDir`; returns the installed folder name (publisher.name-version). */
export function installExtension(
  install: CodeServerInstall,
  vsix: string,
  extensionsDir: string,
  userDataDir: string,
): string {
  const r = spawnSync(
    install.bin,
    [
      '--install-extension',
      vsix,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userDataDir,
      '--config',
      path.join(userDataDir, 'code-server.yaml'),
    ],
    { env: envFor(install, userDataDir), encoding: 'utf8', timeout: 120_000 },
  );
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${out}`);
  const dirs = fs.readdirSync(extensionsDir).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
  if (dirs.length !== 1) throw new Error(`expected one installed extension, found [${dirs.join(', ')}]:\n${out}`);
  return dirs[0]!;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('http timeout')));
  });
}

export interface RunningCodeServer {
  url: string;
  pid: number;
  /** Kills the server's process group (and nothing else); safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  logFile: string;
  /** Workspace trust on (Restricted Mode for the untrusted test folder) instead of disabled. */
  restricted?: boolean;
}

/** User settings for a run in Restricted Mode: trust on, no prompt, the folder stays untrusted. */
export const RESTRICTED_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'security.workspace.trust.untrustedFiles': 'open',
};

/**
 * Starts code-server on 127.0.0.1 and a free port, in a new session (`detached` runs setsid(2):
 * the server, its extension host and our language server share one process group that we own).
 */
export async function startCodeServer(install: CodeServerInstall, opts: StartOptions): Promise<RunningCodeServer> {
  const port = await freePort();
  const log = fs.openSync(opts.logFile, 'w');
  const child: ChildProcess = spawn(
    install.bin,
    [
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.restricted ? [] : ['--disable-workspace-trust']),
      '--user-data-dir',
      opts.userDataDir,
      '--extensions-dir',
      opts.extensionsDir,
      '--config',
      path.join(opts.userDataDir, 'code-server.yaml'),
      opts.workspace,
    ],
    { env: envFor(install, opts.userDataDir), detached: true, stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  let exited = false;
  const exitedPromise = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );

  const stop = async (): Promise<void> => {
    if (exited) return killGroup(pid, 'SIGKILL');
    killGroup(pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exitedPromise, new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    // The group may still hold children (extension host, language server) after the leader is gone.
    killGroup(pid, 'SIGKILL');
  };

  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`code-server exited early; see ${opts.logFile}`);
        return (await httpStatus(`${url}healthz`)) === 200;
      },
      { what: `code-server to answer on ${url}healthz`, timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, pid, stop };
}

/** Signals one process group; ESRCH (already gone) is fine. */
function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}
