/**
 * Findings on a post-image unit, mapped back to the patch input (review.ts asks, one finding at
 * a time): the input line that shows the finding's row (or the hunk that changed its function),
 * its columns when the line is shown verbatim, its related places and the places its message
 * names (through the series' other units when the ownership index named one of them), and its
 * fixes, kept only where the edit stays on one `+` line the patch shows as is.
 */
import type { Finding, Fix, Location, Position, Range, RelatedLocation, TextEdit } from '../types.ts';
import { mapLocations } from '../messages/format-message.ts';
import type { CUnit } from './c-units.ts';
import type { SeriesUnit } from './series-ownership.ts';
import { suggestedLines } from './review-comment.ts';
import type { FileDiff } from './diff-parse.ts';
import type { HunkRef, ImageLine } from './post-image.ts';
import type { PatchMessage } from './read-input.ts';
import type { SourceLine } from './source-line.ts';

/** A finding on a patch: a core Finding in input coordinates, plus where it is in the code. */
export interface PatchFinding extends Finding {
  /** Post-image path of the file (`b/` removed). */
  file: string;
  /** 1-based line of the finding in the post-image of `file` (as far as the patch shows it). */
  postImageLine: number;
  /** The patch (series index, subject) that introduced the finding's line. */
  patch: { index: number; subject?: string; depth: number };
  /** The code line(s) as the preferred fix would make them, when there is a fix. */
  suggestion?: string[];
  /** The finding's line in the input is a `+` line of the patch. */
  onAddedLine: boolean;
  /**
   * The finding is on a quoted-printable or base64 encoded line (its range is the whole encoded
   * line): text inserted there would corrupt the body, so no review comment is offered.
   */
  encoded: boolean;
}

export interface Mapper {
  /** Input line lengths, for whole-line ranges. */
  lineLength: (line: number) => number;
}

export function wholeLine(m: Mapper, line: number): Range {
  return { start: { line, column: 0 }, end: { line, column: m.lineLength(line) } };
}

function mapColumn(m: Mapper, src: SourceLine, column: number): Position {
  if (!src.exact) return { line: src.line, column: 0 };
  return { line: src.line, column: Math.min(src.column + column, m.lineLength(src.line)) };
}

export function mapRangeOnLine(m: Mapper, src: SourceLine, start: number, end: number | undefined): Range {
  if (!src.exact) return wholeLine(m, src.line);
  return {
    start: mapColumn(m, src, start),
    end: end === undefined ? { line: src.line, column: m.lineLength(src.line) } : mapColumn(m, src, end),
  };
}

/** Where a unit row is in the input: the patch line that shows it, or the hunk that touched it. */
function rowLocation(
  row: number,
  unit: CUnit,
  fnRows: [number, number] | undefined,
): { src?: SourceLine; header?: SourceLine; line?: ImageLine } {
  const line = unit.rows[row] ?? undefined;
  if (line?.added) return { src: line.added.src, line };
  if (line && line.shown.length) return { src: line.shown[line.shown.length - 1]!.src, line };
  let ref: HunkRef | undefined;
  if (fnRows) {
    for (let r = fnRows[0]; r <= fnRows[1]; r++) {
      const l = unit.rows[r];
      const t = l?.added ? l.touchedBy : l?.removedBefore;
      if (t && (!ref || t.patch >= ref.patch)) ref = t;
    }
  }
  ref ??= unit.hunk ?? line?.touchedBy;
  return { header: ref?.hunk.header, line };
}

export interface UnitContext {
  /** The series' other units, by index key: a place in one of them maps through its rows. */
  others: ReadonlyMap<string, SeriesUnit>;
  unit: CUnit;
  /** function_definition rows of the unit. */
  spans: Array<[number, number]>;
  unitLines: string[];
  file: string;
  /** The review's messages (a series, or one reply's quoted patch). */
  review: { patches: PatchMessage[] };
  mapper: Mapper;
  /** The file's diff header in each patch, by patch index. */
  state: { headers: Map<number, FileDiff> };
  fixable: boolean;
  options: { includeExisting?: boolean };
}

/** One finding on a unit → the same finding on the input, or undefined when not reported. */
export function mapFinding(f: Finding, ctx: UnitContext, notes: string[]): PatchFinding | undefined {
  const { unit, spans, file, mapper } = ctx;
  const enclosing = (row: number) => spans.filter(([s, e]) => s <= row && row <= e).pop();
  const row = f.range.start.line;
  const fn = enclosing(row);
  if (f.rule === 'missing-release' && fn && [...unit.addedBraces].some((r) => r >= fn[0] && r <= fn[1])) {
    notes.push(
      `${file}: ${f.rule} in ${f.functionName ?? 'a function'} not reported: the patch shows only part of the function`,
    );
    return undefined;
  }
  const here = unit.rows[row] ?? undefined;
  const changed =
    fn !== undefined &&
    unit.rows
      .slice(fn[0], fn[1] + 1)
      .some((l) => l != null && (l.added !== undefined || l.removedBefore !== undefined));
  if (!here?.added && !changed && !ctx.options.includeExisting) return undefined;
  const loc = rowLocation(row, unit, fn);
  const patchIndex = here?.added?.patch ?? loc.line?.touchedBy?.patch ?? unit.hunk?.patch ?? 0;
  const pm = ctx.review.patches[patchIndex];
  let unshown: PatchFinding['unshown'];
  let range: Range;
  if (loc.src) {
    range = mapRangeOnLine(
      mapper,
      loc.src,
      f.range.start.column,
      f.range.end.line === row ? f.range.end.column : undefined,
    );
  } else {
    // not shown in the patch: on the hunk that changed the function, or the file's header
    const fd = ctx.state.headers.get(patchIndex) ?? [...ctx.state.headers.values()].pop();
    const anchor = loc.header ?? fd?.newHeader ?? fd?.header;
    range = wholeLine(mapper, anchor?.line ?? 0);
    if (here) unshown = { file, line: here.n };
  }
  // A place in another unit of the series (the ownership index named it): through that unit's rows.
  const placeOf = (at: { file?: string | undefined }) => {
    const other = at.file ? ctx.others.get(at.file) : undefined;
    if (!other) return { unit, file, within: enclosing };
    return {
      unit: other.unit,
      file: other.file,
      within: (r: number) => other.spans.filter(([s, e]) => s <= r && r <= e).pop(),
    };
  };
  const related: RelatedLocation[] = f.related.map(({ file: _of, ...r }) => {
    const pl = placeOf({ file: _of });
    const rr = r.range.start.line;
    const rl = rowLocation(rr, pl.unit, pl.within(rr));
    if (rl.src) {
      const endCol = r.range.end.line === rr ? r.range.end.column : undefined;
      return { ...r, range: mapRangeOnLine(mapper, rl.src, r.range.start.column, endCol) };
    }
    return {
      ...r,
      range: rl.header ? wholeLine(mapper, rl.header.line) : range,
      unshown: { file: pl.file, line: pl.unit.rows[rr]?.n ?? 0 },
    };
  });
  // The places the message names: the input line that shows each, else its post-image line
  // (file:N), else (a line the unit wrapper added) left out of the text.
  const locate = (l: Location): Location | undefined => {
    const pl = placeOf(l);
    const lr = l.range.start.line;
    const ll = rowLocation(lr, pl.unit, pl.within(lr));
    if (ll.src) {
      const endCol = l.range.end.line === lr ? l.range.end.column : undefined;
      return { range: mapRangeOnLine(mapper, ll.src, l.range.start.column, endCol) };
    }
    const n = pl.unit.rows[lr]?.n;
    return n
      ? { file: pl.file, range: { start: { line: n - 1, column: 0 }, end: { line: n - 1, column: 0 } } }
      : undefined;
  };
  return {
    ...f,
    range,
    locations: mapLocations(f.locations, locate),
    ...(unshown ? { unshown } : {}),
    related,
    fixes: ctx.fixable ? f.fixes.flatMap((fx) => mapFix(fx, unit, mapper)) : [],
    file,
    postImageLine: here?.n ?? 0,
    patch: { index: patchIndex, subject: pm?.subject, depth: pm?.depth ?? 0 },
    suggestion: f.fixes[0] ? suggestedLines(ctx.unitLines, f.fixes[0].edits) : undefined,
    onAddedLine: here?.added !== undefined,
    encoded: loc.src !== undefined && !loc.src.exact,
  };
}

/**
 * A fix on the post-image → the same fix on the patch text: only single-line edits on `+` lines
 * that the patch shows verbatim, with no line break in the new text (so the hunk counts stay
 * right and the patch still applies). Any other edit drops the whole fix.
 */
function mapFix(fix: Fix, unit: CUnit, mapper: Mapper): Fix[] {
  const edits: TextEdit[] = [];
  for (const e of fix.edits) {
    if (e.range.start.line !== e.range.end.line || e.newText.includes('\n')) return [];
    const l = unit.rows[e.range.start.line];
    if (!l?.added || !l.added.src.exact || l.added.src.text !== l.text) return [];
    edits.push({
      range: mapRangeOnLine(mapper, l.added.src, e.range.start.column, e.range.end.column),
      newText: e.newText,
    });
  }
  return edits.length ? [{ title: fix.title, edits }] : [];
}
