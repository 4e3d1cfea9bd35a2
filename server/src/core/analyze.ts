/**
 * Entry point of the analysis core: text + its tree (+ optional cache and the decided API model)
 * → findings. Pure: the project layer (server/src/project) reads files, decides the model and
 * parses; the CLI, the language server, the patch reviewer and the tests reach the core through
 * it or hand it a tree.
 */
import { decideModel } from './api-model.ts';
import type { Tree } from './parser.ts';
import { analyzeTranslationUnit, FunctionCache } from './matcher/analyze-unit.ts';
import { RULE_IDS, severityOf } from './rules/index.ts';
import { applySuppressions } from './suppressions.ts';
import type { AnalysisOptions, AnalysisResult } from './types.ts';

export { FunctionCache } from './matcher/analyze-unit.ts';

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
  const model = options.model ?? decideModel(options.api, options.kernelTree, text);
  const raw = analyzeTranslationUnit(tree.rootNode, text, model.model, cache);
  const enabled = new Set(RULE_IDS.filter((id) => severityOf(id, options.rules) !== 'off'));
  const findings = applySuppressions(
    text,
    raw.findings.filter((f) => enabled.has(f.rule)),
  ).map((f) => {
    const sev = severityOf(f.rule, options.rules);
    return sev === 'off' ? f : { ...f, severity: sev };
  });
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
  return { findings, model, notes: raw.notes, ...(raw.problems ? { problems: raw.problems } : {}) };
}
