/**
 * Reviews a patch input: applies each file's hunks (to the pre-image under `tree` when it
 * exists, else to the lines the hunks show), analyses the post-image with the core analyser and
 * maps each finding back to the input line that shows it, on the patch that introduced it
 * (input-mapping.ts).
 */
import { analyzeTree } from '../analyze.ts';
import { decideModel } from '../api-model.ts';
import { parseKernelC } from '../parser.ts';
import type { AnalysisOptions, ModelChoice } from '../types.ts';
import { findingMessage } from '../messages/format-message.ts';
import { cUnits } from './c-units.ts';
import { mapFinding, type Mapper, type PatchFinding, type UnitContext } from './input-mapping.ts';
import { patchEvidence } from './patch-evidence.ts';
import { functionSpans, seriesIndex } from './series-ownership.ts';
import { severityOf } from '../rules/index.ts';
import type { FileDiff, Hunk } from './diff-parse.ts';
import { applyHunks, emptyImage, fullImage, type FileImage } from './post-image.ts';
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
