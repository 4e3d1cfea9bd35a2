/**
 * The server's features on one open document at a position or range: hover (refcount values,
 * calls, findings; hover.ts), code actions (the findings' fixes; code-actions.ts) and document
 * highlights (an acquisition with its releases; document-highlight.ts). Positions arrive and leave
 * in the client's encoding and are converted here; the features work in UTF-16. server.ts
 * registers them on the connection.
 */
import type { CodeActionParams, Connection, TextDocumentPositionParams } from 'vscode-languageserver';
import type { ClientConventions } from './client-conventions.ts';
import { codeActions } from './code-actions.ts';
import { patchInputKind, type DiagnosticsService } from './diagnostics.ts';
import { documentHighlights } from './document-highlight.ts';
import type { DocumentStore } from './documents.ts';
import { hover } from './hover.ts';
import { hoverInFormat } from './hover-format.ts';
import { linesOfDocument, type LineSource, type PositionCodec } from './position-encoding.ts';
import type { RequestWrap } from './safe-handler.ts';

export interface DocumentFeatureDeps {
  ready: () => { store: DocumentStore; diagnostics: DiagnosticsService };
  /** Resolves once the C grammar is loaded (C and patch hovers need trees). */
  parserReady: Promise<void>;
  /** What initialize negotiated with the client (set before any request is served). */
  client: () => ClientConventions | undefined;
  codec: () => PositionCodec;
  linesOf: (uri: string) => LineSource | undefined;
}

export function registerDocumentFeatures(
  connection: Connection,
  request: RequestWrap,
  deps: DocumentFeatureDeps,
): void {
  const { ready, parserReady, codec, linesOf } = deps;
  // Positions arrive and leave in the client's encoding (codec); the features work in UTF-16.
  connection.onHover(
    request('hover', async (params: TextDocumentPositionParams) => {
      const { store, diagnostics } = ready();
      const doc = store.get(params.textDocument.uri);
      if (!doc) return null;
      const lines = linesOfDocument(doc.doc);
      const position = codec().positionFromClient(lines, params.position);
      // Plain text and logs need no grammar; C and patches need trees and findings.
      let result;
      if (doc.kind === 'text') result = await hover(doc, undefined, position);
      else {
        await parserReady;
        result = await hover(doc, await diagnostics.current(doc.uri), position);
      }
      if (result?.range) result = { ...result, range: codec().rangeToClient(lines, result.range) };
      return hoverInFormat(result, deps.client()!.hoverFormat);
    }),
  );
  connection.onCodeAction(
    request('codeAction', async (params: CodeActionParams) => {
      const { store, diagnostics } = ready();
      const doc = store.get(params.textDocument.uri);
      if (!doc) return null;
      const lines = linesOfDocument(doc.doc);
      const inUtf16: CodeActionParams = {
        ...params,
        range: codec().rangeFromClient(lines, params.range),
        context: {
          ...params.context,
          diagnostics: (params.context.diagnostics ?? []).map((d) => codec().diagnosticFromClient(d, lines)),
        },
      };
      const inputKind = doc.kind === 'patch' ? patchInputKind(doc) : 'c';
      const actions = codeActions(inUtf16, await diagnostics.current(doc.uri), doc.text, inputKind, {
        clientCommands: deps.client()!.clientCommands,
      });
      return codec().codeActionsToClient(actions, doc.uri, lines, linesOf);
    }),
  );
  connection.onDocumentHighlight(
    request('documentHighlight', async (params: TextDocumentPositionParams) => {
      const { store, diagnostics } = ready();
      const doc = store.get(params.textDocument.uri);
      if (!doc || doc.kind !== 'c') return null;
      const lines = linesOfDocument(doc.doc);
      const position = codec().positionFromClient(lines, params.position);
      const highlights = documentHighlights(doc, await diagnostics.current(doc.uri), position);
      return highlights ? codec().highlightsToClient(highlights, lines) : null;
    }),
  );
}
