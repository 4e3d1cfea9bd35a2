/**
 * Reviews a patch input: applies each file's hunks (to the pre-image under `tree` when it
 * exists, else to the lines the hunks show), analyses the post-image with the core analyser and
 * maps each finding back to the input line that shows it, on the patch that introduced it.
 */
import { analyzeTree } from '../analyze.ts';
import { decideModel } from '../api-model.ts';
import { parseKernelC } from '../parser.ts';
import type {
  AnalysisOptions,
  Finding,
  Fix,
  Location,
  ModelChoice,
  Position,
  Range,
  RelatedLocation,
  TextEdit,
} from '../types.ts';
import { findingMessage, mapLocations } from '../messages/format-message.ts';
import { cUnits, type CUnit } from './c-units.ts';
import { patchEvidence } from './patch-evidence.ts';
import { functionSpans, seriesIndex, type SeriesUnit } from './series-ownership.ts';
import { severityOf } from '../rules/index.ts';
import { suggestedLines } from './review-comment.ts';
import type { FileDiff, Hunk } from './diff-parse.ts';
import { applyHunks, emptyImage, fullImage, type FileImage, type HunkRef, type ImageLine } from './post-image.ts';
import type { PatchInput, PatchMessage } from './read-input.ts';
import type { SourceLine } from './source-line.ts';
import type { Parser } from 'web-tree-sitter';

export interface PatchReviewOptions extends AnalysisOptions {
  /** The parser for the post-image units (the project layer's parser pool). */
  parser: Parser;
  /**
   * The pre-image of a file the patch names (its path in the patch, `a/` removed), for full
   * context: the project layer reads it from the kernel tree (CLI `--tree`) or workspace folder.
   */
  readPreImage?: (file: string) => string | undefined;
  /** Also report problems the patch does not touch. */
  includeExisting?: boolean;
}

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

export interface PatchReviewResult {
  /** Findings on the lines of the patch text (0-based, like every core range). */
  findings: PatchFinding[];
  /** Problems with the input itself (a hunk that does not apply, …), one line each. */
  problems: string[];
  /** Where the review chose to stay quiet, and why. */
  notes?: string[];
  /** The API model of the whole input (decided once: every file of it is reviewed in this model). */
  model: ModelChoice;
  /** The API model per reviewed file (post-image path → choice). */
  models?: Record<string, ModelChoice>;
  /** Quoted-printable and base64 bodies, decoded (what a reply quotes: see quotableLines). */
  decodedBodies?: SourceLine[][];
}

const C_FILE_RE = /\.(c|h)$/;

interface Review {
  /** The messages reviewed together (a series, or one reply's quoted patch). */
  patches: PatchMessage[];
  mail: boolean;
}

interface FileState {
  image: FileImage;
  /** Each patch's file diff header for this file, by patch index. */
  headers: Map<number, FileDiff>;
  /** Hunks that did not apply, each analysed on its own. */
  orphans: Array<{ image: FileImage; patch: number }>;
}

function hunkLabel(h: Hunk): string {
  return `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
}

function patchName(p: PatchMessage | undefined): string {
  if (!p) return 'patch';
  return p.subject ? `"${p.subject}"` : `patch ${p.message + 1}`;
}

/** The model of a patch input: decided by the caller, else from the setting, the tree's mm.h and the text. */
export function chooseModelForPatch(input: PatchInput, options: Omit<PatchReviewOptions, 'parser'>): ModelChoice {
  return options.model ?? decideModel(options.api, options.kernelTree, [input.text, input.decodedText], 'patch');
}

/** Builds the final image of every C file of a review, applying its patches in order. */
function buildImages(review: Review, options: PatchReviewOptions, problems: string[]): Map<string, FileState> {
  const files = new Map<string, FileState>();
  review.patches.forEach((p, index) => {
    for (const fd of p.files) {
      const before = fd.oldPath;
      const after = fd.newPath;
      const key = after ?? before ?? '(unnamed).c';
      if (!C_FILE_RE.test(key) || fd.binary) continue;
      let state = before !== null ? files.get(before) : undefined;
      if (state && before !== null && before !== key) files.delete(before);
      if (!state) {
        const pre =
          before === null ? (fd.header === fd.hunks[0]?.header ? undefined : '') : options.readPreImage?.(before);
        state = {
          image: pre === undefined ? emptyImage(false) : pre === '' ? emptyImage(true) : fullImage(pre),
          headers: new Map(),
          orphans: [],
        };
      }
      files.set(key, state);
      if (after === null && !fd.unnamed) continue; // deleted: nothing left to analyse
      state.headers.set(index, fd);
      for (const failed of applyHunks(state.image, fd.hunks, index)) {
        if (!failed.trimmed || !review.mail) {
          problems.push(
            `${key}: hunk ${hunkLabel(failed)} (line ${failed.header.line + 1}) of ${patchName(p)} does not apply` +
              (state.image.full ? ' to the file in the tree' : ' on top of the earlier patches') +
              '; reviewed on its own',
          );
        }
        const orphan = emptyImage(false);
        applyHunks(orphan, [failed], index, true);
        state.orphans.push({ image: orphan, patch: index });
      }
    }
  });
  return files;
}

interface Mapper {
  /** Input line lengths, for whole-line ranges. */
  lineLength: (line: number) => number;
}

function wholeLine(m: Mapper, line: number): Range {
  return { start: { line, column: 0 }, end: { line, column: m.lineLength(line) } };
}

function mapColumn(m: Mapper, src: SourceLine, column: number): Position {
  if (!src.exact) return { line: src.line, column: 0 };
  return { line: src.line, column: Math.min(src.column + column, m.lineLength(src.line)) };
}

function mapRangeOnLine(m: Mapper, src: SourceLine, start: number, end: number | undefined): Range {
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

interface UnitContext {
  /** The series' other units, by index key: a place in one of them maps through its rows. */
  others: ReadonlyMap<string, SeriesUnit>;
  unit: CUnit;
  /** function_definition rows of the unit. */
  spans: Array<[number, number]>;
  unitLines: string[];
  file: string;
  review: Review;
  mapper: Mapper;
  state: FileState;
  fixable: boolean;
  options: PatchReviewOptions;
}

/** One finding on a unit → the same finding on the input, or undefined when not reported. */
function mapFinding(f: Finding, ctx: UnitContext, notes: string[]): PatchFinding | undefined {
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

export function reviewPatchInput(input: PatchInput, options: PatchReviewOptions): PatchReviewResult {
  const problems: string[] = [];
  const notes: string[] = [];
  const models: Record<string, ModelChoice> = {};
  const model = chooseModelForPatch(input, options);
  const findings: PatchFinding[] = [];
  const inputLengths = input.lines.map((l) => l.text.length);
  const mapper: Mapper = { lineLength: (line) => inputLengths[line] ?? 0 };
  const reviews: Review[] = [];
  if (input.series.length) reviews.push({ patches: input.series, mail: input.kind !== 'diff' });
  for (const q of input.quoted) reviews.push({ patches: [q], mail: true });
  if (reviews.length === 0) {
    problems.push(
      input.messageCount > 1
        ? `no patch found in the ${input.messageCount} messages (a cover letter or replies without a quoted hunk?)`
        : 'no patch found: no hunk (@@ -a,b +c,d @@) and no quoted +/- lines of code in the input',
    );
    return { findings, problems, notes, model, models, decodedBodies: input.decodedBodies };
  }
  if (input.skippedOlderRevisions > 0) {
    notes.push(
      `${input.skippedOlderRevisions} patch(es) of older revisions of the series skipped: the latest revision is reviewed`,
    );
  }
  const parser = options.parser;
  const fixable = input.kind === 'diff';
  for (const review of reviews) {
    const decided = new Set<number>();
    const files = buildImages(review, options, problems);
    // Every unit of the series' post-images, indexed together: ownership across its functions and files.
    const all = [...files].flatMap(([file, state]) =>
      [state.image, ...state.orphans.map((o) => o.image)].flatMap((img) => cUnits(img)).map((unit) => ({ file, unit })),
    );
    const { index, byKey } = seriesIndex(
      all.map((u, n) => ({ ...u, n })),
      parser,
      model,
    );
    for (const [file, state] of files) {
      models[file] = model;
      const units = all.flatMap((u, n) => (u.file === file ? [{ unit: u.unit, key: `${file}#${n}` }] : []));
      for (const { unit, key } of units) {
        const tree = parseKernelC(parser, unit.text);
        try {
          const fields = index.fieldsFor(key);
          const functions = index.functionsFor(key);
          const result = analyzeTree(unit.text, tree, {
            model,
            rules: options.rules,
            ...(fields.size ? { fields } : {}),
            ...(functions ? { functions } : {}),
          });
          const ctx: UnitContext = {
            others: byKey,
            unit,
            spans: functionSpans(tree.rootNode),
            unitLines: unit.text.split('\n'),
            file,
            review,
            mapper,
            state,
            fixable,
            options,
          };
          for (const f of result.findings) {
            const mapped = mapFinding(f, ctx, notes);
            if (mapped) findings.push(mapped);
          }
          // releases the analysis paired with an acquisition in view: decided there
          for (const p of result.pairings ?? []) {
            for (const r of p.releases) {
              const src = unit.rows[r.nameRange.start.line]?.added?.src;
              if (src) decided.add(src.line);
            }
          }
        } finally {
          tree.delete();
        }
      }
    }
    const evidence = patchEvidence({
      model: model.model,
      hunks: review.patches.flatMap((p, patch) =>
        p.files.flatMap((fd) => {
          const file = fd.newPath ?? fd.oldPath ?? '(unnamed).c';
          return C_FILE_RE.test(file) && !fd.binary ? fd.hunks.map((hunk) => ({ hunk, file, patch })) : [];
        }),
      ),
      whole:
        !review.mail ||
        review.patches.every((p) => p.depth === 0 && p.files.every((f) => f.hunks.every((h) => !h.trimmed))),
      decided,
      severity: (rule) => severityOf(rule, options.rules),
      lineLength: mapper.lineLength,
      fixable,
    });
    notes.push(...evidence.notes);
    for (const { src, file, patch, ...f } of evidence.findings) {
      const pm = review.patches[patch];
      findings.push({
        ...f,
        file,
        postImageLine: 0,
        patch: { index: patch, subject: pm?.subject, depth: pm?.depth ?? 0 },
        onAddedLine: true,
        encoded: !src.exact,
      });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
  return { findings: dedupe(findings), problems, notes, model, models, decodedBodies: input.decodedBodies };
}

function dedupe(findings: PatchFinding[]): PatchFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.rule}:${f.range.start.line}:${f.range.start.column}:${findingMessage(f)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
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
