/**
 * documentHighlight: on an acquisition, highlight the releases of its pages (and the call itself);
 * on a release, its acquisitions. Partners come from the findings' related information (the
 * matcher's data flow) and from core/call-info (pairing by name inside the function).
 */
import { DocumentHighlightKind, type DocumentHighlight, type Position } from 'vscode-languageserver';
import { apiCallAt, describeCall } from '../core/call-info.ts';
import type { Range, RuleId } from '../core/types.ts';
import { toLspRange } from './convert.ts';
import type { DocumentAnalysis } from './diagnostics.ts';
import type { OpenDocument } from './documents.ts';

/** Rules whose finding range is the release call itself (others point at a loop, a return, …). */
const RELEASE_RANGE_RULES = new Set<RuleId>(['wrong-release', 'mismatched-release']);

const contains = (r: Range, line: number, column: number) =>
  (line > r.start.line || (line === r.start.line && column >= r.start.column)) &&
  (line < r.end.line || (line === r.end.line && column <= r.end.column));

const overlaps = (a: Range, b: Range) =>
  !(
    a.end.line < b.start.line ||
    (a.end.line === b.start.line && a.end.column <= b.start.column) ||
    b.end.line < a.start.line ||
    (b.end.line === a.start.line && b.end.column <= a.start.column)
  );

export function documentHighlights(
  doc: OpenDocument,
  analysis: DocumentAnalysis | undefined,
  pos: Position,
): DocumentHighlight[] | null {
  const tree = doc.getTree();
  if (!tree) return null;
  const call = apiCallAt(tree.rootNode, pos.line, pos.character);
  if (!call || !analysis) return null;
  const info = describeCall(call, analysis.model.model);
  if (!info) return null;
  const out = new Map<string, DocumentHighlight>();
  const add = (r: Range, kind: DocumentHighlightKind) => {
    const key = `${r.start.line}:${r.start.column}`;
    if (!out.has(key)) out.set(key, { range: toLspRange(r), kind });
  };
  const selfKind = info.site.role === 'acquisition' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read;
  add(info.site.nameRange, selfKind);
  for (const p of info.partners)
    add(p.nameRange, p.role === 'acquisition' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read);
  // Findings: the finding's range and its related locations in this file belong together.
  for (const f of analysis.findings) {
    const local = f.related.filter((r) => !r.file);
    const group = [f.range, ...local.map((r) => r.range)];
    if (!group.some((r) => overlaps(r, info.site.callRange) || contains(r, pos.line, pos.character))) continue;
    // Only API calls are highlighted (a missing-release's related "leaves here" is a return).
    const isCall = (r: Range) => apiCallAt(tree.rootNode, r.start.line, r.start.column) !== undefined;
    f.related.forEach((r, i) => {
      if (!r.file && isCall(r.range)) add(r.range, i === 0 ? DocumentHighlightKind.Write : DocumentHighlightKind.Read);
    });
    if (RELEASE_RANGE_RULES.has(f.rule) && isCall(f.range)) add(f.range, DocumentHighlightKind.Read);
  }
  return [...out.values()];
}
