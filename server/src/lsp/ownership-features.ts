/**
 * The server's ownership features, registered on the connection: where the pages go
 * (textDocument/references and code lenses, from where-pages-go.ts; on a release helper's own
 * release line, helper-references.ts) and the workspace inventory
 * (gupReview/inventory: the "GUP sites" view's rows and the HTML report, from inventory.ts).
 * All of them read the workspace index (workspace-index.ts) and the documents' analyses.
 */
import type { CodeLensParams, Connection, ReferenceParams } from 'vscode-languageserver';
import { renderHtml } from '../project/load-inventory-html.ts';
import type { ConfigurationProvider } from './configuration.ts';
import type { DiagnosticsService } from './diagnostics.ts';
import { pathOfUri, type DocumentStore } from './documents.ts';
import { workspaceInventory } from './inventory.ts';
import { linesOfDocument, type LineSource, type PositionCodec } from './position-encoding.ts';
import { INVENTORY_REQUEST, type InventoryParams, type InventoryResult } from './protocol.ts';
import type { RequestWrap } from './safe-handler.ts';
import { helperReferences } from './helper-references.ts';
import { codeLenses, references } from './where-pages-go.ts';
import type { WorkspaceIndex } from './workspace-index.ts';

export interface OwnershipFeatureDeps {
  ready: () => { store: DocumentStore; diagnostics: DiagnosticsService };
  index: () => WorkspaceIndex | undefined;
  /** Workspace folder URIs. */
  folders: () => readonly string[];
  configuration: ConfigurationProvider;
  codec: () => PositionCodec;
  linesOf: (uri: string) => LineSource | undefined;
  version: string;
}

export function registerOwnershipFeatures(
  connection: Connection,
  request: RequestWrap,
  deps: OwnershipFeatureDeps,
): void {
  const { ready } = deps;
  // Where the pages go: references and code lenses from the trails (where-pages-go.ts).
  connection.onReferences(
    request('references', async (params: ReferenceParams) => {
      const { store, diagnostics } = ready();
      const doc = store.get(params.textDocument.uri);
      const index = deps.index();
      if (!doc || doc.kind !== 'c' || !index) return null;
      const lines = linesOfDocument(doc.doc);
      const analysis = await diagnostics.current(doc.uri);
      if (!analysis) return null;
      const position = deps.codec().positionFromClient(lines, params.position);
      const includeDeclaration = params.context.includeDeclaration;
      const found =
        references(analysis, index.ownership, doc.filePath, position, includeDeclaration) ??
        (doc.filePath
          ? await helperReferences(doc.text, doc.filePath, position.line, includeDeclaration, {
              index,
              documents: store,
              configuration: deps.configuration,
            })
          : null);
      return (
        found?.map((l) => {
          const their = deps.linesOf(l.uri);
          return their ? { ...l, range: deps.codec().rangeToClient(their, l.range) } : l;
        }) ?? null
      );
    }),
  );
  connection.onCodeLens(
    request('codeLens', async (params: CodeLensParams) => {
      const { store, diagnostics } = ready();
      const doc = store.get(params.textDocument.uri);
      const index = deps.index();
      if (!doc || doc.kind !== 'c' || !index) return null;
      const analysis = await diagnostics.current(doc.uri);
      if (!analysis) return null;
      const lines = linesOfDocument(doc.doc);
      return codeLenses(analysis, index.ownership, doc.filePath).map((l) => ({
        ...l,
        range: deps.codec().rangeToClient(lines, l.range),
      }));
    }),
  );

  // The inventory of the workspace: the "GUP sites" view and the HTML report.
  connection.onRequest(
    INVENTORY_REQUEST,
    request(INVENTORY_REQUEST, async (params: InventoryParams | undefined): Promise<InventoryResult> => {
      const { store } = ready();
      const index = deps.index();
      if (!index) return {};
      await index.built;
      const folders = deps.folders().flatMap((u) => pathOfUri(u) ?? []);
      const report = await workspaceInventory(index, store, deps.configuration, folders, deps.version);
      if (params?.format === 'html') return { html: await renderHtml(report, '/') };
      return {
        sites: report.sites.map((r) => ({
          file: r.file,
          path: r.path,
          line: r.line,
          column: r.column,
          function: r.function,
          call: r.call,
          family: r.family,
          status: r.status,
          summary: r.summary,
          subsystem: r.subsystem,
        })),
      };
    }),
  );
}
