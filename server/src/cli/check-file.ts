/**
 * The per-input job of `check`, the same in the main thread and in the worker threads: read,
 * validate, prefilter and decide the API model through the project layer (server/src/project),
 * analyse, and with --fix / --diff compute the fixed text (written atomically, or turned into a
 * unified diff). The model decided from the text as read is the one the fixed text is checked in.
 */
import { createTwoFilesPatch } from 'diff';
import { detectPatchInput } from '../core/patch/index.ts';
import { applyPatchFixes } from '../core/patch/patch-fixes.ts';
import { applyEdits, selectFixes } from '../core/text-edits.ts';
import type { FileFacts } from '../core/facts/file-facts.ts';
import { viewOf, type PlainView } from '../core/ownership/ownership-index.ts';
import type { AnalysisOptions, ApiModelSetting, ModelChoice, Pairing, RuleId, Severity } from '../core/types.ts';
import { analyzeFocused, factsOfText } from '../project/analyze-source.ts';
import { decideFileModel } from '../project/api-model.ts';
import { isModuleMate, type MateTest } from '../project/module-files.ts';
import { namesAcquisition } from '../project/prefilter.ts';
import { decodeSource, describeFsError, megabytes, readRegularFileShared, readSource } from '../project/read-source.ts';
import { reviewPatch } from '../project/review-patch.ts';
import type { FileReport } from './formats/format.ts';
import { ChangedOnDiskError, writeFileAtomic, type ReadSnapshot } from './write-atomic.ts';

export type CheckMode = 'report' | 'fix' | 'diff';

/** Options of one run, sent to every worker (plain data). */
export interface CheckRunOptions {
  api: ApiModelSetting;
  rules: Partial<Record<RuleId, Severity>>;
  mode: CheckMode;
  /** Kernel tree for patch review (--tree). */
  tree?: string;
  /** Parse whole files instead of the functions that matter (--full-parse). */
  fullParse?: boolean;
  /** Inputs larger than this many bytes are not checked (--max-file-size); 0 or absent: no limit. */
  maxFileSize?: number;
  /** Return each C file's FileFacts too (a run with the ownership index). */
  withFacts?: boolean;
  /** Return each C file's pairings too (the inventory's trails). */
  withPairings?: boolean;
}

/** What the ownership pass adds to one file's check (plain data: it is sent to the worker threads). */
export interface CheckFileExtra {
  /**
   * The other files' view (core/ownership plainViewFor): of the fields this file touches, and
   * what the other files' extern helpers and wrappers this file calls do.
   */
  view?: PlainView;
  /** A module-mate candidate: checked (facts only) when its text passes its directory's test. */
  mate?: MateTest;
  /** Analyse even when the file names no acquisition (a module-mate releasing a field). */
  force?: boolean;
  /** The model the first pass decided for this file (a run decides it once, even across --fix). */
  model?: ModelChoice;
  /** Only the file's facts for the ownership index (a module-mate before its view is known): no findings. */
  factsOnly?: boolean;
}

export interface CheckFileResult {
  /** `skipped`: names no acquisition (prefilter); `failed`: could not be read or written. */
  status: 'analyzed' | 'skipped' | 'failed';
  report?: FileReport;
  /** Why the input failed, one line (without the `gup-review: ` prefix). */
  error?: string;
  /** --diff: the unified diff of the preferred fixes. */
  diff?: string;
  /** With `withFacts`: the C file's own facts, for the ownership index. */
  facts?: FileFacts;
  /** With `withPairings`: each acquisition with the releases it reaches. */
  pairings?: Pairing[];
}

export { decodeSource } from '../project/read-source.ts';

/**
 * The model of a C input, decided once per run from the text as read (stdin: no path, no kernel
 * tree); the re-check after --fix is given this decision, never a new one.
 */
function modelFor(options: CheckRunOptions, text: string, filePath?: string): ModelChoice {
  return decideFileModel(options.api, text, filePath);
}

function analysisOptions(options: CheckRunOptions, model: ModelChoice, extra: CheckFileExtra = {}): AnalysisOptions {
  const view = extra.view ? viewOf(extra.view) : undefined;
  return {
    model,
    rules: options.rules,
    ...(options.withFacts ? { withFacts: true } : {}),
    ...(view?.fields ? { fields: view.fields } : {}),
    ...(view?.functions ? { functions: view.functions } : {}),
  };
}

/** The result of every file the prefilter skips (shared: one object, not one per file). */
export const SKIPPED: CheckFileResult = Object.freeze({ status: 'skipped' });

/**
 * The synchronous fast path for walked files: SKIPPED when the file names no acquisition,
 * undefined when it needs checkFile() (or could not be read: checkFile reports that).
 * Skipping most of a tree this way allocates no promise and no result per file.
 */
export function skipWalkedFile(file: string): CheckFileResult | undefined {
  try {
    return namesAcquisition(readRegularFileShared(file)) ? undefined : SKIPPED;
  } catch {
    return undefined;
  }
}

/** Checks one C file, or a patch/mail when its name or content says so. */
export async function checkFile(
  file: string,
  display: string,
  explicit: boolean,
  options: CheckRunOptions,
  extra: CheckFileExtra = {},
): Promise<CheckFileResult> {
  if (extra.mate && !isModuleMate(file, extra.mate)) return SKIPPED;
  const read = readSource(file, {
    explicit,
    ...(options.maxFileSize ? { maxFileSize: options.maxFileSize } : {}),
    // Walked files: most name no acquisition; read them without allocating, keep the few that do.
    keep: extra.force ? () => true : namesAcquisition,
  });
  if (read.kind === 'skipped') return SKIPPED;
  if (read.kind === 'too-big') return tooBig(display, read.size, options.maxFileSize!);
  if (read.kind === 'not-regular') return { status: 'failed', error: `${display}: not a regular file, not checked` };
  if (read.kind === 'failed') return { status: 'failed', error: `cannot read ${display}: ${read.reason}` };
  const { buf, stat } = read.source;
  const decoded = decodeSource(buf);
  if ('error' in decoded) return { status: 'failed', error: `${display}: ${decoded.error}, not checked` };
  const text = decoded.text;
  // Named inputs that are not C by extension may be patches or mails (by name or content).
  const patchKind = explicit && !/\.[ch]$/.test(file) ? detectPatchInput(file, text) : undefined;
  if (patchKind) {
    const snapshot = { content: buf, mtimeMs: stat.mtimeMs, size: stat.size };
    return guarded(display, () => checkPatchText(text, patchKind, display, options, { file, snapshot }));
  }
  if (!extra.force && !namesAcquisition(buf)) return SKIPPED;
  if (extra.factsOnly) {
    const facts = await factsOfText(text, { model: extra.model ?? modelFor(options, text, file) });
    return facts ? { status: 'skipped', facts } : SKIPPED;
  }
  return guarded(display, () =>
    checkCText(
      text,
      display,
      options,
      { file, snapshot: { content: buf, mtimeMs: stat.mtimeMs, size: stat.size } },
      extra,
    ),
  );
}

function tooBig(display: string, size: number, max: number): CheckFileResult {
  return {
    status: 'failed',
    error: `${display}: ${megabytes(size)} is over the size limit (--max-file-size ${megabytes(max)}), not checked`,
  };
}

/**
 * An analysis that throws fails this input only, with one line, and the run goes on with the
 * others (10,000 nested braces overflowed the matcher's stack and ended the whole run).
 */
async function guarded(display: string, check: () => Promise<CheckFileResult>): Promise<CheckFileResult> {
  try {
    return await check();
  } catch (e) {
    const reason =
      e instanceof RangeError && /call stack/i.test(e.message)
        ? 'nesting too deep to analyse'
        : `internal error: ${(e as Error).message}`;
    return { status: 'failed', error: `${display}: ${reason}, not checked` };
  }
}

/** Checks text read from stdin: a patch/mail when detectPatchInput says so, else C. */
export async function checkStdinText(text: string, options: CheckRunOptions): Promise<CheckFileResult> {
  const kind = detectPatchInput('-', text);
  if (kind) return guarded('-', () => checkPatchText(text, kind, '-', options));
  return guarded('-', () => checkCText(text, '-', options));
}

/** The patch review's notes (why it stayed quiet: --verbose) as report notes on the whole input. */
function inputNotes(notes: readonly string[] | undefined): FileReport['notes'] {
  const at = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
  return (notes ?? []).map((text) => ({ range: at, messageId: 'inputNote', data: { text }, locations: {} }));
}

async function checkPatchText(
  text: string,
  kind: NonNullable<ReturnType<typeof detectPatchInput>>,
  display: string,
  options: CheckRunOptions,
  onDisk?: { file: string; snapshot: ReadSnapshot },
): Promise<CheckFileResult> {
  const base = { api: options.api, rules: options.rules, ...(options.tree ? { tree: options.tree } : {}) };
  const result = await reviewPatch(text, kind, base);
  // The fixed patch is checked again in the model decided from the patch as read.
  const review = (t: string) => reviewPatch(t, kind, { ...base, model: result.model });
  const report: FileReport = {
    file: display,
    kind,
    findings: result.findings,
    model: result.model,
    notes: inputNotes(result.notes),
    problems: [...result.problems],
    text,
    ...(result.decodedBodies?.length ? { decodedBodies: result.decodedBodies } : {}),
  };
  if (options.mode === 'report') return { status: 'analyzed', report };
  if (kind !== 'diff') {
    report.problems.push(`a ${kind} is received mail and is never rewritten; --format reply writes the review`);
    return { status: 'analyzed', report };
  }
  if (!result.findings.some((f) => f.fixes.length > 0)) return { status: 'analyzed', report };
  let fixed: { text: string; applied: number };
  try {
    // Only `+` lines change, and the patch keeps its shape: it still applies.
    fixed = await applyPatchFixes(text, kind, result.findings);
  } catch (e) {
    report.problems.push((e as Error).message);
    return { status: 'analyzed', report };
  }
  return finishFix(report, text, fixed.text, fixed.applied, display, options, onDisk, async (t) => {
    const again = await review(t);
    return { findings: again.findings, notes: [] };
  });
}

async function checkCText(
  text: string,
  display: string,
  options: CheckRunOptions,
  onDisk?: { file: string; snapshot: ReadSnapshot },
  extra: CheckFileExtra = {},
): Promise<CheckFileResult> {
  const model = extra.model ?? modelFor(options, text, onDisk?.file);
  const analysis = analysisOptions(options, model, extra);
  const result = await analyzeFocused(text, analysis, options.fullParse);
  const facts = {
    ...(result.facts ? { facts: result.facts } : {}),
    ...(options.withPairings ? { pairings: result.pairings } : {}),
  };
  const report: FileReport = {
    file: display,
    kind: 'c',
    findings: result.findings,
    notes: result.notes,
    model: result.model,
    problems: [...(result.problems ?? [])],
  };
  if (options.mode === 'report' || result.findings.length === 0) {
    if (result.findings.length > 0) report.text = text;
    return { status: 'analyzed', report, ...facts };
  }
  const fixes = selectFixes(result.findings);
  if (fixes.length === 0) {
    report.text = text;
    return { status: 'analyzed', report, ...facts };
  }
  const fixed = applyEdits(
    text,
    fixes.flatMap((f) => f.edits),
  );
  const done = await finishFix(report, text, fixed, fixes.length, display, options, onDisk, (t) =>
    analyzeFocused(t, analysis, options.fullParse),
  );
  return { ...done, ...facts };
}

/**
 * --diff prints the fixes as a unified diff; --fix writes the fixed text atomically and reports
 * what is left after the fixes, as eslint --fix does. Shared by C files and patches.
 */
async function finishFix(
  report: FileReport,
  text: string,
  fixed: string,
  applied: number,
  display: string,
  options: CheckRunOptions,
  onDisk: { file: string; snapshot: ReadSnapshot } | undefined,
  reanalyze: (text: string) => Promise<{ findings: FileReport['findings']; notes: FileReport['notes'] }>,
): Promise<CheckFileResult> {
  if (options.mode === 'diff') {
    report.text = text;
    const name = display === '-' ? 'stdin' : display;
    const diff = createTwoFilesPatch(`a/${name}`, `b/${name}`, text, fixed, undefined, undefined, {
      context: 3,
    }).replace(/^=+\n/, '');
    return { status: 'analyzed', report, diff };
  }
  if (!onDisk) {
    report.problems.push('--fix cannot write to stdin; use --diff');
    report.text = text;
    return { status: 'analyzed', report };
  }
  try {
    writeFileAtomic(onDisk.file, fixed, onDisk.snapshot);
  } catch (e) {
    const reason =
      e instanceof ChangedOnDiskError
        ? 'changed on disk while it was being fixed; not written'
        : `cannot write: ${describeFsError(e)}`;
    report.text = text;
    return { status: 'failed', report, error: `${display}: ${reason}` };
  }
  const after = await reanalyze(fixed);
  const left: FileReport = { ...report, findings: after.findings, notes: after.notes, fixed: applied };
  if (after.findings.length > 0) left.text = fixed;
  else delete left.text;
  return { status: 'analyzed', report: left };
}
