/**
 * Parsing and analysing a source text for the CLI and the server: the parser pool's parser,
 * focused parsing (focus-ranges.ts: only the functions that matter, the whole file when the scan
 * is unsure or `full` is asked), then the core's analyzeTree. Findings are the core's, positions
 * those of the whole file. Asked by the CLI (every C input), Check Workspace and the tests.
 */
import { analyzeTree, extractFileFacts, type FileFacts } from '../core/analyze.ts';
import { blankAttributes, parseKernelC, type Tree } from '../core/parser.ts';
import type { AnalysisOptions, AnalysisResult } from '../core/types.ts';
import { focusRanges } from './focus-ranges.ts';
import { sharedParser } from './parser-pool.ts';

/** Parses the whole text and analyses it (the tree is freed before returning). */
export async function analyzeText(text: string, options: AnalysisOptions = {}): Promise<AnalysisResult> {
  return withTree(text, true, (tree) => analyzeTree(text, tree, options));
}

/** Parses only the functions that matter (whole file when unsure, or `full`), then analyses. */
export async function analyzeFocused(text: string, options: AnalysisOptions, full = false): Promise<AnalysisResult> {
  return withTree(text, full, (tree) => analyzeTree(text, tree, options));
}

/**
 * A file's own FileFacts (core/facts) for the ownership index, from a focused parse: the
 * functions that name a table call, as the analysis sees them. Undefined when it names none.
 */
export async function factsOfText(text: string, options: AnalysisOptions): Promise<FileFacts | undefined> {
  return withTree(text, false, (tree) => extractFileFacts(text, tree, options));
}

/**
 * Runs `use` on the text's tree: the functions that matter (focus-ranges.ts), or the whole text
 * when the scan is unsure, the focused parse fails, or `full` is asked. The tree is freed after.
 */
async function withTree<T>(text: string, full: boolean, use: (tree: Tree) => T): Promise<T> {
  const parser = await sharedParser();
  const ranges = full ? undefined : focusRanges(text);
  const tree =
    (ranges ? parser.parse(blankAttributes(text), null, { includedRanges: ranges }) : null) ??
    parseKernelC(parser, text);
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
