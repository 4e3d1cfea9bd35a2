/**
 * textDocument/references on a release inside a release helper (the put_page() of a parameter in
 * xbuf_put_pages()), where no trail of the document starts or ends: the acquisitions of the
 * module (the document's directory, as the workspace index holds it) whose pages are passed to
 * that helper, and the calls that pass them. The same lookup as `gup-review trace` on that line
 * (project/helper-line.ts, core/ownership/trail.ts releaseThroughHelper); the module's files are
 * analysed as the inventory analyses them. Asked by ownership-features.ts.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver';
import { releaseThroughHelper, trailsOf } from '../core/ownership/trail.ts';
import { helperAt } from '../project/helper-line.ts';
import type { ConfigurationProvider } from './configuration.ts';
import { toLspRange } from './convert.ts';
import type { DocumentStore } from './documents.ts';
import { analyzeIndexedFile, indexedText } from './inventory.ts';
import type { WorkspaceIndex } from './workspace-index.ts';

export async function helperReferences(
  docText: string,
  file: string,
  line: number,
  includeDeclaration: boolean,
  deps: { index: WorkspaceIndex; documents: DocumentStore; configuration: ConfigurationProvider },
): Promise<Location[] | null> {
  const helper = helperAt(docText, line);
  if (!helper) return null;
  const out: Location[] = [];
  const at = (f: string, r: Parameters<typeof toLspRange>[0]): Location => ({
    uri: pathToFileURL(f).href,
    range: toLspRange(r),
  });
  const dir = path.dirname(file);
  // A file that never names the helper cannot pass it pages: it is not analysed.
  const names = new RegExp(`\\b(?:${helper.names.join('|')})\\b`);
  for (const home of deps.index.ownership.files.filter((f) => path.dirname(f) === dir)) {
    const text = indexedText(home, deps.documents);
    if (text === undefined || !names.test(text)) continue;
    const result = await analyzeIndexedFile(home, text, deps.index, deps.configuration);
    for (const trail of trailsOf({ ...result, model: result.model.model }, deps.index.ownership, home)) {
      const release = releaseThroughHelper(trail, helper.names, file, home);
      if (release) out.push(at(home, trail.acquisition.nameRange), at(release.file ?? home, release.nameRange));
    }
  }
  if (out.length === 0) return null;
  const self = {
    start: { line, column: helper.column },
    end: { line, column: helper.column + helper.call.length },
  };
  return includeDeclaration ? [at(file, self), ...out] : out;
}
