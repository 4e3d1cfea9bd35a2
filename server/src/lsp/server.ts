/**
 * The language server: declares capabilities and registers one handler per feature. The features
 * live in their own modules (documents, diagnostics, hover, code actions, highlights, settings,
 * workspace check); this file only wires them to the connection: the document lifecycle and
 * pull diagnostics here, the position features in document-features.ts, the ownership features in
 * ownership-features.ts, the commands and custom requests in server-commands.ts.
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type DidChangeConfigurationParams,
  type DidChangeTextDocumentParams,
  type DidChangeWatchedFilesParams,
  type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
  type DocumentDiagnosticParams,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { clearKernelTreeCache } from '../project/api-model.ts';
import { createCParser } from '../core/parser.ts';
import { WorkspaceChecker } from './check-workspace.ts';
import { ConfigurationProvider } from './configuration.ts';
import { DiagnosticsService } from './diagnostics.ts';
import { clientConventions, type ClientConventions } from './client-conventions.ts';
import { DocumentStore, pathOfUri } from './documents.ts';
import { IdleCollector } from './idle-gc.ts';
import { YoungGenerationCap } from './young-generation.ts';
import { Lifecycle } from './lifecycle.ts';
import { MessageQueueWatch } from './message-queue.ts';
import { WorkspaceIndex } from './workspace-index.ts';
import { registerOwnershipFeatures } from './ownership-features.ts';
import { registerDocumentFeatures } from './document-features.ts';
import { registerServerCommands } from './server-commands.ts';
import { linesOfDocument, linesOfFile, linesOfText, PositionCodec, type LineSource } from './position-encoding.ts';
import { FIX_ALL_KIND, INDEX_CHANGED_NOTIFICATION, SERVER_COMMANDS } from './protocol.ts';
import { safeNotification, safeRequest, type Handler } from './safe-handler.ts';
import { warmUp } from './warm-up.ts';

export const SERVER_NAME = 'gup-review';

/** Files over this size are not indexed (the largest .c file of Linux 6.1 is 1.7 MB). */
const MAX_INDEXED_FILE = 4 * 1024 * 1024;

/** The workspace folder (as a path) that holds `uri`, else the first folder. */
function folderOf(folders: readonly string[], uri: string): string | undefined {
  const paths = folders.flatMap((f) => pathOfUri(f) ?? []);
  const file = pathOfUri(uri);
  const holding = file
    ? paths
        .filter((p) => file.startsWith(p.endsWith(path.sep) ? p : p + path.sep))
        .sort((a, b) => b.length - a.length)[0]
    : undefined;
  return holding ?? paths[0];
}

/** `queue`: the connection's message queue watch (its strategy passed to createConnection). */
export function startServer(connection: Connection, version: string, queue = new MessageQueueWatch()): void {
  const lifecycle = new Lifecycle();
  const request = <P, R>(name: string, handler: Handler<P, R>) =>
    safeRequest<P, R>(connection, name, handler, lifecycle);
  const notification = <P>(name: string, handler: (params: P) => void | Promise<void>) =>
    safeNotification<P>(connection, name, handler, lifecycle);
  const configuration = new ConfigurationProvider(connection);
  let workspaceFolders: string[] = [];
  let dynamicConfiguration = false;
  let foldersSupported = false;
  // The grammar loads while the client starts up; initialize does not wait for it. Documents
  // hold text until it is there, and analysis (which needs trees) awaits it.
  const store = new DocumentStore();
  // A burst's garbage goes back once the server is idle (idle-gc.ts); said in $/logTrace.
  const idle = new IdleCollector({ log: (line) => connection.tracer.log(line) });
  // The young generation stays small (young-generation.ts): read after each analysis, warm-up
  // step and workspace-check file, where the new space grows, and on a slow timer besides.
  const youngGeneration = new YoungGenerationCap().start();
  let startParser: (() => void) | undefined;
  const parserReady = new Promise<void>((resolve) => (startParser = resolve)).then(() =>
    createCParser().then((parser) => {
      store.parser = parser;
      // In the background: the first keystrokes then find the keystroke path compiled.
      // Its garbage goes back at the next idle collection.
      void warmUp(
        parser,
        () => lifecycle.phase !== 'running',
        (step) =>
          queue.afterDrained(() => {
            youngGeneration.check();
            step();
          }),
      ).then(() => idle.touch());
    }),
  );
  // A grammar that fails to load fails each analysis (reported in the status item); it must not
  // end the process as an unhandled rejection.
  parserReady.catch((err: unknown) =>
    connection.console.error(`gup-review: cannot load the C grammar: ${String(err)}`),
  );
  let diagnostics: DiagnosticsService | undefined;
  let checker: WorkspaceChecker | undefined;
  let index: WorkspaceIndex | undefined;
  let watchedFilesRegistration = false;
  let client: ClientConventions | undefined;
  /** Bumped when settings or a kernel tree change: a pull's resultId then no longer matches. */
  let generation = 0;
  const codec = () => store.codec;
  /** Lines of a document in the server's (UTF-16) view, for converting positions to the client's. */
  const linesOf = (uri: string): LineSource | undefined => {
    const doc = store.get(uri);
    return doc ? linesOfDocument(doc.doc) : linesOfFile(uri);
  };
  const diagnosticsToClient = (uri: string, lines: LineSource | undefined, d: Diagnostic[]) =>
    lines ? codec().diagnosticsToClient(d, uri, lines, linesOf) : d;
  const ready = () => {
    if (!diagnostics || !checker) throw new Error('server not initialized');
    return { store, diagnostics, checker };
  };

  connection.onInitialize((params): InitializeResult => {
    // A second initialize is an invalid request (the library passes a ResponseError through).
    if (lifecycle.phase !== 'starting')
      return new ResponseError(
        ErrorCodes.InvalidRequest,
        'gup-review: initialize was already sent',
      ) as unknown as InitializeResult;
    const caps = params.capabilities;
    client = clientConventions(caps);
    store.codec = new PositionCodec(client.positionEncoding);
    configuration.pull = !!caps.workspace?.configuration;
    dynamicConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    foldersSupported = !!caps.workspace?.workspaceFolders;
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [params.rootUri];
    watchedFilesRegistration = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    // Ownership across files: the workspace index; what it says changes a document's findings.
    index = new WorkspaceIndex(connection, {
      workDoneProgress: client.workDoneProgress,
      maxFileSize: MAX_INDEXED_FILE,
      onChange: (affects) => {
        void connection.sendNotification(INDEX_CHANGED_NOTIFICATION, {});
        if (!ready().diagnostics.scheduleOpen(affects)) return;
        generation++;
        if (client?.diagnosticRefresh) void connection.languages.diagnostics.refresh();
      },
    });
    diagnostics = new DiagnosticsService(
      connection,
      store,
      configuration,
      (uri) => folderOf(workspaceFolders, uri),
      parserReady,
      {
        mode: client.diagnostics,
        toClient: (uri, d) => diagnosticsToClient(uri, linesOf(uri), d),
        ownership: index,
        queue,
        onPublished: () => {
          idle.touch();
          youngGeneration.check();
        },
      },
    );
    checker = new WorkspaceChecker(connection, store, configuration, () => workspaceFolders, {
      workDoneProgress: client.workDoneProgress,
      toClient: (uri, text, d) => diagnosticsToClient(uri, linesOfText(text), d),
      clearOnOpen: client.diagnostics === 'pull',
      fieldsFor: (file) => index?.fieldsFor(file),
      indexed: (file) => !!index?.ownership.has(file),
      afterFile: () => youngGeneration.check(),
    });
    lifecycle.phase = 'running';
    // Load the grammar right after the initialize response is on its way.
    setImmediate(() => startParser?.());
    return {
      capabilities: {
        positionEncoding: client.positionEncoding,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        documentHighlightProvider: true,
        referencesProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        executeCommandProvider: { commands: [...SERVER_COMMANDS] },
        ...(client.diagnostics === 'pull'
          ? {
              diagnosticProvider: {
                identifier: SERVER_NAME,
                // A release here of pages pinned in another file: other files change these.
                interFileDependencies: true,
                workspaceDiagnostics: false,
              },
            }
          : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SERVER_NAME, version },
    };
  });

  /** Settings or a kernel tree changed: analyse again, and ask a pulling client to pull again. */
  const reanalyseAll = () => {
    generation++;
    ready().diagnostics.scheduleAll();
    if (client?.diagnosticRefresh) void connection.languages.diagnostics.refresh();
  };

  connection.onInitialized(() => {
    if (dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'gupReview' });
    }
    // Clients that let the server ask (VS Code's client watches from its own side too).
    if (watchedFilesRegistration)
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{c,h}' }],
      });
    // The index starts once the grammar is in (without it nothing can be indexed: said in the status).
    parserReady.then(
      () => index?.rebuild(workspaceFolders),
      () => {},
    );
    if (foldersSupported) {
      connection.workspace.onDidChangeWorkspaceFolders(
        notification('didChangeWorkspaceFolders', (e: WorkspaceFoldersChangeEvent) => {
          const removed = new Set(e.removed.map((f) => f.uri));
          workspaceFolders = [...workspaceFolders.filter((f) => !removed.has(f)), ...e.added.map((f) => f.uri)];
          index?.rebuild(workspaceFolders);
        }),
      );
    }
  });

  connection.onDidOpenTextDocument(
    notification('didOpen', (params: DidOpenTextDocumentParams) => {
      const { store, diagnostics, checker } = ready();
      const doc = store.open(params);
      if (!doc) return;
      checker.opened(doc.uri);
      diagnostics.schedule(doc.uri);
    }),
  );
  connection.onDidChangeTextDocument(
    notification('didChange', (params: DidChangeTextDocumentParams) => {
      const { store, diagnostics } = ready();
      const doc = store.change(params);
      if (doc) diagnostics.schedule(doc.uri);
    }),
  );
  connection.onDidCloseTextDocument(
    notification('didClose', (params: DidCloseTextDocumentParams) => {
      const { store, diagnostics } = ready();
      const uri = params.textDocument.uri;
      const file = store.get(uri)?.filePath;
      if (store.close(uri)) diagnostics.closed(uri);
      configuration.forget(uri);
      if (file) void index?.closed(file);
    }),
  );
  connection.onDidChangeConfiguration(
    notification('didChangeConfiguration', (params: DidChangeConfigurationParams) => {
      configuration.changed(params.settings);
      reanalyseAll();
    }),
  );
  connection.onDidChangeWatchedFiles(
    notification('didChangeWatchedFiles', (params: DidChangeWatchedFilesParams) => {
      // An include/linux/mm.h changed: the `auto` model of every file may change.
      if (params.changes.some((c) => c.uri.endsWith('/include/linux/mm.h'))) {
        clearKernelTreeCache();
        reanalyseAll();
      }
      for (const c of params.changes) void index?.changedOnDisk(c.uri, c.type === FileChangeType.Deleted);
    }),
  );

  registerDocumentFeatures(connection, request, { ready, parserReady, client: () => client, codec, linesOf });
  registerOwnershipFeatures(connection, request, {
    ready: () => ({ store: ready().store, diagnostics: ready().diagnostics }),
    index: () => index,
    folders: () => workspaceFolders,
    configuration,
    codec,
    linesOf,
    version,
  });
  // Pull diagnostics (only declared to clients that declare textDocument.diagnostic).
  connection.languages.diagnostics.on(
    request<DocumentDiagnosticParams, DocumentDiagnosticReport>('textDocument/diagnostic', async (params) => {
      const { diagnostics } = ready();
      const got = await diagnostics.clientDiagnostics(params.textDocument.uri);
      if (!got) return { kind: DocumentDiagnosticReportKind.Full, items: [] } satisfies DocumentDiagnosticReport;
      const resultId = `${got.version}@${generation}`;
      if (params.previousResultId === resultId)
        return { kind: DocumentDiagnosticReportKind.Unchanged, resultId } satisfies DocumentDiagnosticReport;
      return {
        kind: DocumentDiagnosticReportKind.Full,
        resultId,
        items: got.diagnostics,
      } satisfies DocumentDiagnosticReport;
    }) as (params: DocumentDiagnosticParams, token: CancellationToken) => Promise<DocumentDiagnosticReport>,
  );
  registerServerCommands(connection, request, { ready, index: () => index });

  connection.onShutdown(() => {
    const refused = lifecycle.requestError('shutdown');
    if (refused) return refused;
    lifecycle.phase = 'shutdown';
    store.dispose();
    idle.dispose();
    void index?.dispose();
  });
  // Any other request: not initialized / shut down before "no such method".
  connection.onRequest((method) => {
    return lifecycle.requestError(method) ?? new ResponseError(ErrorCodes.MethodNotFound, `unhandled method ${method}`);
  });
  connection.listen();
}
