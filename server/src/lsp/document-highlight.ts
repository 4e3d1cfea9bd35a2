/**
 * documentHighlight: on an acquisition, highlight the releases of its pages (and the call itself);
 * on a release, its acquisitions. Partners come from the matcher's pairings (core/pairing-query),
 * the same data flow the findings come from; a call the matcher did not pair highlights alone.
 */
import { DocumentHighlightKind, type DocumentHighlight, type Position } from 'vscode-languageserver';
import { apiCallAt } from '../core/call-info.ts';
import { calleeRange } from '../core/matcher/syntax.ts';
import { partnersAt } from '../core/pairing-query.ts';
import type { Range } from '../core/types.ts';
import { toLspRange } from './convert.ts';
import type { DocumentAnalysis } from './diagnostics.ts';
import type { OpenDocument } from './documents.ts';

export function documentHighlights(
  doc: OpenDocument,
  analysis: DocumentAnalysis | undefined,
  pos: Position,
): DocumentHighlight[] | null {
  const tree = doc.getTree();
  if (!tree || !analysis) return null;
  const call = apiCallAt(tree.rootNode, pos.line, pos.character);
  const pairing = partnersAt(analysis.pairings, pos.line, pos.character);
  if (!call && !pairing) return null;
  const out = new Map<string, DocumentHighlight>();
  const add = (r: Range, kind: DocumentHighlightKind) => {
    const key = `${r.start.line}:${r.start.column}`;
    if (!out.has(key)) out.set(key, { range: toLspRange(r), kind });
  };
  // The acquisition writes the pages array; a release reads it.
  const kindOf = (role: 'acquisition' | 'release') =>
    role === 'acquisition' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read;
  if (pairing) {
    add(pairing.self.nameRange, kindOf(pairing.role));
    // Only partners in this document (an acquisition in another file is for references).
    for (const p of pairing.partners) if (!p.file) add(p.nameRange, kindOf(p.role));
  } else if (call) {
    add(calleeRange(call), DocumentHighlightKind.Text);
  }
  return [...out.values()];
}
