/**
 * analyzeText() with focused parsing (focus-ranges.ts): only the functions that matter are
 * parsed; the whole file when the scan is unsure or `full` is asked. Findings are the core's,
 * positions those of the whole file.
 */
import { analyzeText, analyzeTree } from '../core/analyze.ts';
import { blankAttributes, createCParser } from '../core/parser.ts';
import type { AnalysisOptions, AnalysisResult } from '../core/types.ts';
import { focusRanges } from './focus-ranges.ts';
import type { Parser } from 'web-tree-sitter';

let shared: Promise<Parser> | undefined;

export async function analyzeFocused(text: string, options: AnalysisOptions, full = false): Promise<AnalysisResult> {
  const ranges = full ? undefined : focusRanges(text);
  if (!ranges) return analyzeText(text, options);
  shared ??= createCParser();
  const parser = await shared;
  const tree = parser.parse(blankAttributes(text), null, { includedRanges: ranges });
  if (!tree) return analyzeText(text, options);
  try {
    return analyzeTree(text, tree, options);
  } finally {
    tree.delete();
  }
}
