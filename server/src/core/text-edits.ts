/** Applying fixes to text: position ↔ offset, non-overlapping selection, atomic application. */
import type { Finding, Fix, Position, RuleId, TextEdit } from './types.ts';

/** Offsets of line starts; a line ends at \n (a preceding \r stays part of the line's text). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function offsetAt(starts: number[], text: string, pos: Position): number {
  const base = starts[Math.min(pos.line, starts.length - 1)] ?? 0;
  return Math.min(base + pos.column, text.length);
}

export function positionAt(starts: number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - starts[lo]! };
}

/** Applies edits (which must not overlap) to text. Throws on overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const spans = edits
    .map((e) => ({ s: offsetAt(starts, text, e.range.start), e: offsetAt(starts, text, e.range.end), t: e.newText }))
    .sort((a, b) => a.s - b.s || a.e - b.e);
  let out = '';
  let last = 0;
  for (const sp of spans) {
    if (sp.s < last) throw new Error('overlapping edits');
    out += text.slice(last, sp.s) + sp.t;
    last = sp.e;
  }
  return out + text.slice(last);
}

/**
 * Picks the preferred fix of each finding (optionally only of one rule), dropping any fix whose
 * edits overlap one already taken (the earlier finding wins), as eslint does for fix-all.
 */
export function selectFixes(findings: readonly Finding[], rule?: RuleId): Fix[] {
  const taken: Array<[number, number, number, number]> = [];
  const key = (p: Position) => p.line * 1e7 + p.column;
  const overlaps = (e: TextEdit) => taken.some(([s, , en]) => !(key(e.range.end) <= s || key(e.range.start) >= en));
  const out: Fix[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (rule && f.rule !== rule) continue;
    const fix = f.fixes[0];
    if (!fix) continue;
    const sig = JSON.stringify(fix.edits);
    if (seen.has(sig)) continue;
    if (fix.edits.some(overlaps)) continue;
    seen.add(sig);
    for (const e of fix.edits) taken.push([key(e.range.start), 0, key(e.range.end), 0]);
    out.push(fix);
  }
  return out;
}

/** Text after applying the preferred fixes of all findings (or of one rule). */
export function applyFixes(text: string, findings: readonly Finding[], rule?: RuleId): string {
  return applyEdits(
    text,
    selectFixes(findings, rule).flatMap((f) => f.edits),
  );
}
