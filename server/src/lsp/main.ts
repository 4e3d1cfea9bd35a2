/**
 * gup-review-server: the language server's entry point (bundled to dist/server.js).
 * Transports: --stdio (Neovim, Emacs, tests), --node-ipc (VS Code), --socket=PORT.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import pkg from '../../../package.json' with { type: 'json' };
import { isIndexWorker, runIndexWorker } from '../project/index-worker.ts';
import { MessageQueueWatch } from './message-queue.ts';
import { startServer } from './server.ts';

const USAGE = `usage: gup-review-server --stdio | --node-ipc | --socket=PORT [--clientProcessId=PID]

The gup-review language server: diagnostics, hovers, quick fixes and highlights for Linux kernel
code that takes and releases user pages. Editors start it; see README.md for Neovim and Emacs.`;

function fail(message: string): never {
  process.stderr.write(`gup-review-server: ${message}\n${USAGE.split('\n')[0]}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  let transports = 0;
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (arg === '--version' || arg === '-v') {
      process.stdout.write(`${pkg.version}\n`);
      return;
    }
    if (arg === '--stdio' || arg === '--node-ipc' || /^--socket=\d+$/.test(arg) || /^--pipe=.+$/.test(arg))
      transports++;
    else if (/^--clientProcessId=\d+$/.test(arg)) continue;
    else fail(`unknown argument: ${arg}`);
  }
  if (transports === 0) fail('choose a transport: --stdio, --node-ipc or --socket=PORT');
  if (transports > 1) fail('choose one transport');
  if (argv.includes('--node-ipc') && !process.send)
    fail('--node-ipc needs an IPC channel (start the server with fork())');
  const queue = new MessageQueueWatch();
  const connection = createConnection(ProposedFeatures.all, { messageStrategy: queue.strategy });
  startServer(connection, pkg.version, queue);
}

// The same bundle is the workspace index's child process (project/index-worker.ts).
if (isIndexWorker()) runIndexWorker();
else main(process.argv.slice(2));
