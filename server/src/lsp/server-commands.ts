/**
 * The server's commands and custom requests: workspace/executeCommand (show a suggested fix, show
 * where an acquisition's pages go, check the workspace) and the gupReview requests for a
 * document's status, a refcount decode and a workspace check. Each reads the open documents, their
 * analyses, the workspace index or the workspace checker; server.ts registers them.
 */
import { ErrorCodes, MessageType, ResponseError, type Connection } from 'vscode-languageserver';
import type { WorkspaceChecker } from './check-workspace.ts';
import { statusOf, type DiagnosticsService } from './diagnostics.ts';
import type { DocumentStore } from './documents.ts';
import { decodeRequest } from './hover.ts';
import {
  CHECK_WORKSPACE_COMMAND,
  CHECK_WORKSPACE_REQUEST,
  DECODE_REQUEST,
  SHOW_SUGGESTED_FIX_COMMAND,
  SHOW_TRAIL_COMMAND,
  STATUS_REQUEST,
  type CheckWorkspaceParams,
  type DecodeParams,
  type DocumentStatus,
} from './protocol.ts';
import type { RequestWrap } from './safe-handler.ts';
import { documentTrails, trailAt, trailText } from './where-pages-go.ts';
import type { WorkspaceIndex } from './workspace-index.ts';

export interface ServerCommandDeps {
  ready: () => { store: DocumentStore; diagnostics: DiagnosticsService; checker: WorkspaceChecker };
  index: () => WorkspaceIndex | undefined;
}

export function registerServerCommands(connection: Connection, request: RequestWrap, deps: ServerCommandDeps): void {
  const { ready } = deps;
  connection.onExecuteCommand(
    request('workspace/executeCommand', async (params: { command: string; arguments?: unknown[] }, token) => {
      if (params.command === SHOW_SUGGESTED_FIX_COMMAND) {
        const text = params.arguments?.[0];
        if (typeof text !== 'string')
          throw new ResponseError(ErrorCodes.InvalidParams, `${SHOW_SUGGESTED_FIX_COMMAND} needs the fix text`);
        void connection.sendNotification('window/showMessage', {
          type: MessageType.Info,
          message: `Suggested fix:\n${text}`,
        });
        connection.console.log(`gup-review: suggested fix:\n${text}`);
        return null;
      }
      if (params.command === SHOW_TRAIL_COMMAND) {
        const [uri, line, character] = params.arguments ?? [];
        if (typeof uri !== 'string' || typeof line !== 'number' || typeof character !== 'number')
          throw new ResponseError(ErrorCodes.InvalidParams, `${SHOW_TRAIL_COMMAND} needs uri, line, character`);
        const doc = ready().store.get(uri);
        const analysis = doc ? await ready().diagnostics.current(uri) : undefined;
        const index = deps.index();
        if (!doc || !analysis || !index) return null;
        const trail = trailAt(documentTrails(analysis, index.ownership, doc.filePath), { line, character });
        if (!trail) return null;
        const text = trailText(trail, doc.filePath);
        void connection.sendNotification('window/showMessage', { type: MessageType.Info, message: text });
        return text;
      }
      if (params.command === CHECK_WORKSPACE_COMMAND) {
        const folders = params.arguments?.[0] as CheckWorkspaceParams | undefined;
        return ready().checker.check(folders ?? undefined, token);
      }
      throw new ResponseError(ErrorCodes.InvalidParams, `gup-review: unknown command ${params.command}`);
    }),
  );

  connection.onRequest(
    STATUS_REQUEST,
    request(STATUS_REQUEST, async (params: { uri: string }): Promise<DocumentStatus | null> => {
      const { diagnostics } = ready();
      const analysis = await diagnostics.current(params.uri);
      return analysis ? statusOf(analysis) : null;
    }),
  );
  connection.onRequest(
    DECODE_REQUEST,
    request(DECODE_REQUEST, (params: DecodeParams) => decodeRequest(params, ready().store)),
  );
  connection.onRequest(
    CHECK_WORKSPACE_REQUEST,
    request(CHECK_WORKSPACE_REQUEST, (params: CheckWorkspaceParams | undefined, token) =>
      ready().checker.check(params, token),
    ),
  );
}
