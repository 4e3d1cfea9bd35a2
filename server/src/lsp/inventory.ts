/**
 * The workspace's inventory in the server (gupReview/inventory), for the VS Code "GUP sites"
 * view and the report command: every file the workspace index holds is analysed with the other
 * files' view (open documents from memory, the others from disk), its trails become inventory
 * rows (core/ownership/inventory.ts), exactly as `gup-review inventory` makes them. The server
 * yields between files; the HTML page is the CLI's (project/inventory-html.ts).
 */
import * as path from 'node:path';
import {
  findingsAtOf,
  inventoryReport,
  inventoryRows,
  type InventoryReport,
  type InventoryRow,
} from '../core/ownership/inventory.ts';
import { trailsOf } from '../core/ownership/trail.ts';
import type { AnalysisResult } from '../core/types.ts';
import { analyzeFocused } from '../project/analyze-source.ts';
import { decideFileModel } from '../project/api-model.ts';
import { readSourceText } from '../project/read-source.ts';
import type { ConfigurationProvider } from './configuration.ts';
import type { DocumentStore } from './documents.ts';
import { pathToFileURL } from 'node:url';
import type { WorkspaceIndex } from './workspace-index.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function workspaceInventory(
  index: WorkspaceIndex,
  documents: DocumentStore,
  configuration: ConfigurationProvider,
  folders: readonly string[],
  version: string,
): Promise<InventoryReport> {
  const analysed: Array<{ file: string; result: AnalysisResult }> = [];
  for (const file of index.ownership.files) {
    const text = indexedText(file, documents);
    if (text !== undefined) analysed.push({ file, result: await analyzeIndexedFile(file, text, index, configuration) });
    await nextTurn();
  }
  const findingsAt = findingsAtOf(analysed.map(({ file, result }) => ({ file, findings: result.findings })));
  const rootOf = (file: string) =>
    folders.filter((d) => file.startsWith(d + path.sep)).sort((a, b) => b.length - a.length)[0] ?? path.dirname(file);
  const rows: InventoryRow[] = [];
  for (const { file, result } of analysed) {
    const trails = trailsOf({ ...result, model: result.model.model }, index.ownership, file);
    rows.push(...inventoryRows(trails, file, path.relative(rootOf(file), file), findingsAt));
  }
  return inventoryReport(rows, 'workspace settings', version);
}

/** The text of a file the workspace index holds: an open document's from memory, else from disk (undefined when unreadable). */
export function indexedText(file: string, documents: DocumentStore): string | undefined {
  return documents.get(pathToFileURL(file).href)?.text ?? readSourceText(file, { explicit: true });
}

/** One file the workspace index holds, analysed with the other files' view. Shared with the helper references. */
export async function analyzeIndexedFile(
  file: string,
  text: string,
  index: WorkspaceIndex,
  configuration: ConfigurationProvider,
): Promise<AnalysisResult> {
  const uri = pathToFileURL(file).href;
  const settings = await configuration.get(uri);
  const fields = index.fieldsFor(file);
  const functions = index.functionsFor(file);
  return analyzeFocused(text, {
    model: decideFileModel(settings.apiModel, text, file),
    rules: settings.rules,
    withFacts: true,
    ...(fields?.size ? { fields } : {}),
    ...(functions ? { functions } : {}),
  });
}
