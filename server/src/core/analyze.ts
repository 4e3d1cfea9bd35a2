/**
 * Entry point of the analysis core: text + its tree (+ optional cache and the decided API model)
 * → findings. Pure: the project layer (server/src/project) reads files, decides the model and
 * parses; the CLI, the language server, the patch reviewer and the tests reach the core through
 * it or hand it a tree.
 */
import { decideModel } from './api-model.ts';
import type { Tree } from './parser.ts';
import { analyzeTranslationUnit, FunctionCache, prepareUnit } from './analyze-unit.ts';
import { fileFactsOf } from './facts/extract-facts.ts';
import type { FileFacts } from './facts/file-facts.ts';
import { RULE_IDS, severityOf } from './rules/index.ts';
import { applySuppressions } from './suppressions.ts';
import { fixesForTarget } from './target-fixes.ts';
import type { AnalysisOptions, AnalysisResult } from './types.ts';

export { FunctionCache } from './analyze-unit.ts';
export type { FileFacts } from './facts/file-facts.ts';

/**
 * The plain-data facts of one C file (facts/file-facts.ts), for the ownership index and tools:
 * JSON that outlives `tree`. Undefined when the file names no acquisition or release.
 */
export function extractFileFacts(text: string, tree: Tree, options: AnalysisOptions = {}): FileFacts | undefined {
  const model = options.model ?? decideModel(options.api, options.kernelTree, text);
  // A file's own facts: what other files say is the index's business, not part of them.
  const prepared = prepareUnit(tree.rootNode, text, model.model);
  return prepared ? fileFactsOf(prepared, model.model) : undefined;
}

/**
 * Analyses one C file. Pass `tree` when the caller keeps one (the language server reparses
 * incrementally); it is not deleted here. Pass a `cache` to reuse per-function results.
 */
export function analyzeTree(
  text: string,
  tree: Tree,
  options: AnalysisOptions = {},
  cache?: FunctionCache,
): AnalysisResult {
  const { result, factsOf } = analyzeTreeFactsLater(text, tree, options, cache);
  const facts = options.withFacts ? factsOf() : undefined;
  return facts ? { ...result, facts } : result;
}

/**
 * analyzeTree, with the file's facts read only when asked (`factsOf`, while `tree` is still
 * alive): the language server publishes the diagnostics first and feeds the ownership index
 * after, so the keystroke's answer does not wait for the facts.
 */
export function analyzeTreeFactsLater(
  text: string,
  tree: Tree,
  options: AnalysisOptions = {},
  cache?: FunctionCache,
): { result: AnalysisResult; factsOf: () => FileFacts | undefined } {
  const model = options.model ?? decideModel(options.api, options.kernelTree, text);
  const raw = analyzeTranslationUnit(tree.rootNode, text, model.model, cache, options.fields, options.functions);
  const enabled = new Set(RULE_IDS.filter((id) => severityOf(id, options.rules) !== 'off'));
  const findings = applySuppressions(
    text,
    fixesForTarget(
      text,
      raw.findings.filter((f) => enabled.has(f.rule)),
      model,
    ),
  ).map((f) => {
    const sev = severityOf(f.rule, options.rules);
    return sev === 'off' ? f : { ...f, severity: sev };
  });
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
  const skipped = raw.skipped ?? [];
  // The file's own facts, from the same prepared unit (they never include `options.fields`).
  const prepared = raw.prepared;
  const factsOf = () => (prepared ? fileFactsOf(prepared, model.model) : undefined);
  const result: AnalysisResult = {
    findings,
    model,
    notes: raw.notes,
    pairings: raw.pairings,
    ...(skipped.length
      ? {
          skipped,
          problems: skipped.map(
            (s) => `${s.functionName}() at line ${s.range.start.line + 1} not analysed: ${s.reason}`,
          ),
        }
      : {}),
  };
  return { result, factsOf };
}
