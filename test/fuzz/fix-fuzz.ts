/**
 * Fix fuzzing over the C corpus (examples/*.c, test/fixtures/c/*.c) and mutated copies of it
 * (random whitespace, comments with non-ASCII and astral characters, line breaks between tokens,
 * CRLF line ends: changes that keep the C as valid as it was). For each text, in both API models:
 * apply every preferred fix (core applyFixes, as `--fix` and the editor's fix-all do), then
 * re-check the result: it parses with no more ERROR/MISSING nodes than the text it came from, and
 * shows no more wrong-release or mismatched-release findings than before. Fix-all per rule too.
 *
 * Used by test/unit/fix-fuzz.test.ts (fixed seed, few mutants) and run-fuzz.ts (`npm run fuzz`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node, Parser } from 'web-tree-sitter';
import { analyzeTree } from '../../server/src/core/analyze.ts';
import { analyzeText } from '../../server/src/project/analyze-source.ts';
import { countErrorNodes, createCParser, parseKernelC } from '../../server/src/core/parser.ts';
import { applyFixes } from '../../server/src/core/text-edits.ts';
import type { ApiModel, Finding, RuleId } from '../../server/src/core/types.ts';
import { corpusFiles } from './edit-fuzz.ts';
import { seededRandom, type Random } from './random.ts';

export interface FixFuzzOptions {
  seed: number;
  /** Mutated copies per corpus file (the file itself is always checked). */
  mutantsPerFile: number;
}

export interface FixFuzzReport {
  texts: number;
  /** Mutants whose rule ids (per model) equal their original's: whitespace and comments change no finding. */
  mutantsSameFindings: number;
  textsWithFixes: number;
  fixesApplied: number;
}

const MODELS: readonly ApiModel[] = ['unpin_user_page', 'put_user_page'];
/** Rules whose count must not grow after a fix. */
const GUARDED: readonly RuleId[] = ['wrong-release', 'mismatched-release'];
const FIX_RULES: readonly RuleId[] = ['wrong-release', 'mismatched-release', 'release-count', 'batch-release'];

const INSERTS = [' ', '  ', '\t', '\n', '\n\t', '/* x */', ' /* é → 😀 𝔘 */ ', '/**/', '// note ü 🐧\n', '\n\n'];

/** Node types whose inside must not receive text (it would change a literal or a directive). */
const OPAQUE = new Set([
  'string_literal',
  'char_literal',
  'system_lib_string',
  'comment',
  'concatenated_string',
  'raw_string_literal',
]);

/** Offsets between two tokens where whitespace or a comment keeps the C the same. */
export function insertionPoints(root: Node, text: string): number[] {
  const out: number[] = [];
  const directive = directiveLines(text);
  const walk = (node: Node): void => {
    if (OPAQUE.has(node.type)) return;
    if (node.childCount === 0) {
      const end = node.endIndex;
      if (!directive.has(node.endPosition.row) && !node.isMissing) out.push(end);
      return;
    }
    for (const child of node.children) if (child) walk(child);
  };
  walk(root);
  return out;
}

/** Rows that belong to a preprocessor directive (a line starting with #, and its continuations). */
function directiveLines(text: string): Set<number> {
  const rows = new Set<number>();
  const lines = text.split('\n');
  let continued = false;
  lines.forEach((line, i) => {
    const isDirective = continued || /^\s*#/.test(line);
    if (isDirective) rows.add(i);
    continued = isDirective && /\\\r?$/.test(line);
  });
  return rows;
}

export function mutate(rnd: Random, parser: Parser, text: string): string {
  const tree = parseKernelC(parser, text);
  let points: number[];
  try {
    points = insertionPoints(tree.rootNode, text);
  } finally {
    tree.delete();
  }
  // Inserting at descending offsets keeps the earlier offsets valid.
  const chosen = new Set<number>();
  for (let n = 1 + rnd.int(12); n > 0 && points.length > 0; n--) chosen.add(rnd.pick(points));
  let out = text;
  for (const at of [...chosen].sort((a, b) => b - a)) {
    let insert = rnd.pick(INSERTS);
    // After a `/` token a comment would fuse into `//`, a line comment: keep them apart.
    if (out[at - 1] === '/' && insert.startsWith('/')) insert = ` ${insert}`;
    out = out.slice(0, at) + insert + out.slice(at);
  }
  if (rnd.chance(0.25)) out = out.replace(/\r?\n/g, '\r\n');
  return out;
}

function count(findings: readonly Finding[], rule: RuleId): number {
  return findings.filter((f) => f.rule === rule).length;
}

export class FixFuzzFailure extends Error {
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(message);
  }
}

/** Checks one text in one model; returns the number of fixes applied. */
export function checkFixes(
  parser: Parser,
  text: string,
  model: ApiModel,
  label: string,
  apply: (text: string, findings: readonly Finding[], rule?: RuleId) => string = applyFixes,
): number {
  const tree = parseKernelC(parser, text);
  let before: Finding[];
  let errorsBefore: number;
  try {
    before = analyzeTree(text, tree, { api: model }).findings;
    errorsBefore = countErrorNodes(tree.rootNode);
  } finally {
    tree.delete();
  }
  let applied = 0;
  const variants: Array<[string, RuleId | undefined]> = [
    ['all rules', undefined],
    ...FIX_RULES.map((r): [string, RuleId] => [r, r]),
  ];
  for (const [what, rule] of variants) {
    const fixable = before.filter((f) => f.fixes.length > 0 && (!rule || f.rule === rule));
    if (fixable.length === 0) continue;
    let fixed: string;
    try {
      fixed = apply(text, before, rule);
    } catch (e) {
      throw new FixFuzzFailure(`${label} [${model}, fix ${what}]: applyFixes threw: ${(e as Error).message}`, text);
    }
    if (fixed === text)
      throw new FixFuzzFailure(
        `${label} [${model}, fix ${what}]: ${fixable.length} fixable findings but the fixes changed nothing`,
        text,
      );
    applied += fixable.length;
    const t2 = parseKernelC(parser, fixed);
    try {
      const errorsAfter = countErrorNodes(t2.rootNode);
      if (errorsAfter > errorsBefore) {
        throw new FixFuzzFailure(
          `${label} [${model}, fix ${what}]: the fixed text has ${errorsAfter} ERROR/MISSING nodes, the text before ${errorsBefore}`,
          text,
        );
      }
      const after = analyzeTree(fixed, t2, { api: model }).findings;
      for (const g of GUARDED) {
        if (count(after, g) > count(before, g)) {
          throw new FixFuzzFailure(
            `${label} [${model}, fix ${what}]: ${g} findings went from ${count(before, g)} to ${count(after, g)} after the fixes`,
            text,
          );
        }
      }
      // A fixed rule's own fixable findings must go down (the fix did something useful).
      if (rule && rule !== 'batch-release' && count(after, rule) >= count(before, rule)) {
        throw new FixFuzzFailure(
          `${label} [${model}, fix ${what}]: still ${count(after, rule)} ${rule} findings after fixing ${fixable.length}`,
          text,
        );
      }
    } finally {
      t2.delete();
    }
  }
  return applied;
}

export async function runFixFuzz(options: FixFuzzOptions): Promise<FixFuzzReport> {
  const parser = await createCParser();
  const rnd = seededRandom(options.seed);
  const report: FixFuzzReport = { texts: 0, mutantsSameFindings: 0, textsWithFixes: 0, fixesApplied: 0 };
  try {
    for (const file of corpusFiles()) {
      const original = fs.readFileSync(file, 'utf8');
      const texts: Array<[string, string]> = [[path.basename(file), original]];
      for (let i = 0; i < options.mutantsPerFile; i++)
        texts.push([`${path.basename(file)} mutant ${i} (seed ${options.seed})`, mutate(rnd, parser, original)]);
      // batch-release is left out: it rightly declines to fold a loop that holds a comment (the
      // fix would delete it), so an inserted comment can remove that hint.
      const ruleIds = async (text: string, model: ApiModel) =>
        (await analyzeText(text, { api: model })).findings
          .map((f) => f.rule)
          .filter((r) => r !== 'batch-release')
          .sort()
          .join(',');
      const originalIds = await Promise.all(MODELS.map((m) => ruleIds(original, m)));
      for (const [label, text] of texts) {
        report.texts++;
        if (text !== original) {
          const ids = await Promise.all(MODELS.map((m) => ruleIds(text, m)));
          if (ids.join('|') !== originalIds.join('|')) {
            throw new FixFuzzFailure(
              `${label}: whitespace and comments changed the findings: ${originalIds.join(' | ')} → ${ids.join(' | ')}`,
              text,
            );
          }
          report.mutantsSameFindings++;
        }
        let applied = 0;
        for (const model of MODELS) applied += checkFixes(parser, text, model, label);
        if (applied > 0) report.textsWithFixes++;
        report.fixesApplied += applied;
      }
    }
  } finally {
    parser.delete();
  }
  return report;
}
