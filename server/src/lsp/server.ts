/**
 * The language server: declares capabilities and registers one handler per feature. The features
 * live in their own modules (documents, diagnostics, hover, code actions, highlights, settings,
 * workspace check); this file only wires them to the connection.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { clearKernelTreeCache } from '../project/api-model.ts';
import { createCParser } from '../core/parser.ts';
import { WorkspaceChecker } from './check-workspace.ts';
import { codeActions } from './code-actions.ts';
import { ConfigurationProvider } from './configuration.ts';
import { DiagnosticsService, patchInputKind, statusOf } from './diagnostics.ts';
import { documentHighlights } from './document-highlight.ts';
import { DocumentStore } from './documents.ts';
import { decodeRequest, hover } from './hover.ts';
import {
  CHECK_WORKSPACE_REQUEST,
  DECODE_REQUEST,
  FIX_ALL_KIND,
  STATUS_REQUEST,
  type CheckWorkspaceParams,
  type DecodeParams,
  type DocumentStatus,
} from './protocol.ts';
import { safeNotification, safeRequest } from './safe-handler.ts';

export const SERVER_NAME = 'gup-review';

/** The workspace folder (as a path) that holds `uri`, else the first folder. */
function folderOf(folders: readonly string[], uri: string): string | undefined {
  const toPath = (u: string): string | undefined => {
    try {
      return u.startsWith('file:') ? fileURLToPath(u) : undefined;
    } catch {
      return undefined;
    }
  };
  const paths = folders.map(toPath).filter((p): p is string => p !== undefined);
  const file = toPath(uri);
  const holding = file
    ? paths
        .filter((p) => file.startsWith(p.endsWith(path.sep) ? p : p + path.sep))
        .sort((a, b) => b.length - a.length)[0]
    : undefined;
  return holding ?? paths[0];
}

export function startServer(connection: Connection, version: string): void {
  const configuration = new ConfigurationProvider(connection);
  let workspaceFolders: string[] = [];
  let dynamicConfiguration = false;
  let foldersSupported = false;
  // The grammar loads while the client starts up; initialize does not wait for it. Documents
  // hold text until it is there, and analysis (which needs trees) awaits it.
  const store = new DocumentStore();
  let startParser: (() => void) | undefined;
  const parserReady = new Promise<void>((resolve) => (startParser = resolve)).then(() =>
    createCParser().then((parser) => {
      store.parser = parser;
    }),
  );
  // A grammar that fails to load fails each analysis (reported in the status item); it must not
  // end the process as an unhandled rejection.
  parserReady.catch((err: unknown) =>
    connection.console.error(`gup-review: cannot load the C grammar: ${String(err)}`),
  );
  let diagnostics: DiagnosticsService | undefined;
  let checker: WorkspaceChecker | undefined;
  const ready = () => {
    if (!diagnostics || !checker) throw new Error('server not initialized');
    return { store, diagnostics, checker };
  };

  connection.onInitialize((params): InitializeResult => {
    const caps = params.capabilities;
    configuration.pull = !!caps.workspace?.configuration;
    dynamicConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    foldersSupported = !!caps.workspace?.workspaceFolders;
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [params.rootUri];
    diagnostics = new DiagnosticsService(
      connection,
      store,
      configuration,
      (uri) => folderOf(workspaceFolders, uri),
      parserReady,
    );
    checker = new WorkspaceChecker(connection, store, configuration, () => workspaceFolders);
    // Load the grammar right after the initialize response is on its way.
    setImmediate(() => startParser?.());
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        documentHighlightProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SERVER_NAME, version },
    };
  });

  connection.onInitialized(() => {
    if (dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'gupReview' });
    }
    if (foldersSupported) {
      connection.workspace.onDidChangeWorkspaceFolders(
        safeNotification(connection, 'didChangeWorkspaceFolders', (e) => {
          const removed = new Set(e.removed.map((f) => f.uri));
          workspaceFolders = [...workspaceFolders.filter((f) => !removed.has(f)), ...e.added.map((f) => f.uri)];
        }),
      );
    }
  });

  connection.onDidOpenTextDocument(
    safeNotification(connection, 'didOpen', (params) => {
      const { store, diagnostics, checker } = ready();
      const doc = store.open(params);
      if (!doc) return;
      checker.opened(doc.uri);
      diagnostics.schedule(doc.uri);
    }),
  );
  connection.onDidChangeTextDocument(
    safeNotification(connection, 'didChange', (params) => {
      const { store, diagnostics } = ready();
      const doc = store.change(params);
      if (doc) diagnostics.schedule(doc.uri);
    }),
  );
  connection.onDidCloseTextDocument(
    safeNotification(connection, 'didClose', (params) => {
      const { store, diagnostics } = ready();
      const uri = params.textDocument.uri;
      if (store.close(uri)) diagnostics.closed(uri);
      configuration.forget(uri);
    }),
  );
  connection.onDidChangeConfiguration(
    safeNotification(connection, 'didChangeConfiguration', (params) => {
      configuration.changed(params.settings);
      ready().diagnostics.scheduleAll();
    }),
  );
  connection.onDidChangeWatchedFiles(
    safeNotification(connection, 'didChangeWatchedFiles', (params) => {
      // An include/linux/mm.h changed: the `auto` model of every file may change.
      if (params.changes.some((c) => c.uri.endsWith('/include/linux/mm.h'))) {
        clearKernelTreeCache();
        ready().diagnostics.scheduleAll();
      }
    }),
  );

  connection.onHover(
    safeRequest(connection, 'hover', async (params) => {
      const { store, diagnostics } = ready();
      const doc = store.get(params.textDocument.uri);
      if (!doc) return null;
      // Plain text and logs need no grammar; C and patches need trees and findings.
      if (doc.kind === 'text') return hover(doc, undefined, params.position);
      await parserReady;
      return hover(doc, await diagnostics.current(doc.uri), params.position);
    }),
  );
  connection.onCodeAction(
    safeRequest(connection, 'codeAction', async (params) => {
      const { store, diagnostics } = ready();
      const doc = store.get(params.textDocument.uri);
      if (!doc) return null;
      const inputKind = doc.kind === 'patch' ? patchInputKind(doc) : 'c';
      return codeActions(params, await diagnostics.current(doc.uri), doc.text, inputKind);
    }),
  );
  connection.onDocumentHighlight(
    safeRequest(connection, 'documentHighlight', async (params) => {
      const { store, diagnostics } = ready();
      const doc = store.get(params.textDocument.uri);
      if (!doc || doc.kind !== 'c') return null;
      return documentHighlights(doc, await diagnostics.current(doc.uri), params.position);
    }),
  );

  connection.onRequest(
    STATUS_REQUEST,
    safeRequest(connection, STATUS_REQUEST, async (params: { uri: string }): Promise<DocumentStatus | null> => {
      const { diagnostics } = ready();
      const analysis = await diagnostics.current(params.uri);
      return analysis ? statusOf(analysis) : null;
    }),
  );
  connection.onRequest(
    DECODE_REQUEST,
    safeRequest(connection, DECODE_REQUEST, (params: DecodeParams) => decodeRequest(params, ready().store)),
  );
  connection.onRequest(
    CHECK_WORKSPACE_REQUEST,
    safeRequest(connection, CHECK_WORKSPACE_REQUEST, (params: CheckWorkspaceParams | undefined, token) =>
      ready().checker.check(params, token),
    ),
  );

  connection.onShutdown(() => {
    store.dispose();
  });
  connection.listen();
}
