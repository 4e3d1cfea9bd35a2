/**
 * The VS Code side of gup-review, kept thin: start the language server from the bundled
 * dist/server.js, show the model in force in a language status item, and register the commands.
 * No analysis happens here; everything is asked of the server.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { clientCommandsFeature } from './client-commands-feature.ts';
import { registerCommands } from './commands.ts';
import { SitesView } from './sites-view.ts';
import { StatusItem } from './status-item.ts';

/** Same as the settings prefix, so `gupReview.trace.server` is honoured by vscode-languageclient. */
export const CLIENT_ID = 'gupReview';

/** Documents the server handles; plain text and logs only get the refcount hover. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'c' },
  { scheme: 'untitled', language: 'c' },
  { language: 'diff' },
  { language: 'patch-mail' },
  { scheme: 'file', language: 'plaintext' },
  { scheme: 'file', language: 'log' },
];

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('gup-review', { log: true });
  context.subscriptions.push(output);
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    synchronize: {
      // C sources feed the ownership index (and include/linux/mm.h decides the `auto` model).
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{c,h}'),
    },
  };
  client = new LanguageClient(CLIENT_ID, 'gup-review', serverOptions, clientOptions);
  client.registerFeature(clientCommandsFeature);
  const status = new StatusItem(client);
  context.subscriptions.push(status);
  registerCommands(context, () => client!, output, status);
  const sites = new SitesView(() => client!);
  sites.register(context);
  await client.start();
  status.listen();
  sites.listen();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
