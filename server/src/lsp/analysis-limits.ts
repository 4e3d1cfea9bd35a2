/**
 * Limits that keep a pathological document from blocking the editor: a maximum size
 * (`gupReview.maxFileSize`, MB) checked before parsing, and a time budget
 * (`gupReview.analysisTimeBudget`, ms). Analysis is synchronous, so the budget is enforced after
 * the fact: a document whose analysis took longer than the budget is not analysed again as it is
 * edited (its last diagnostics stay, moved with the edits and marked stale, stale-diagnostics.ts;
 * the status item says why) until it is reopened or the settings change. Each limit is reported
 * when hit, never silently.
 */
import type { ServerSettings } from './settings.ts';

export const DEFAULT_MAX_FILE_SIZE_MB = 4;
export const DEFAULT_ANALYSIS_TIME_BUDGET_MS = 3000;

function mb(chars: number): string {
  return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why a document of this length is not analysed, or undefined when it is within the limit. */
export function sizeLimitProblem(length: number, settings: ServerSettings): string | undefined {
  const maxMb = settings.maxFileSize ?? DEFAULT_MAX_FILE_SIZE_MB;
  if (maxMb <= 0 || length <= maxMb * 1024 * 1024) return undefined;
  return `not analysed: the file is ${mb(length)}, over gupReview.maxFileSize (${maxMb} MB)`;
}

/** The message when an analysis took longer than the budget (then analysis pauses), else undefined. */
export function timeBudgetProblem(elapsedMs: number, settings: ServerSettings): string | undefined {
  const budget = settings.analysisTimeBudget ?? DEFAULT_ANALYSIS_TIME_BUDGET_MS;
  if (budget <= 0 || elapsedMs <= budget) return undefined;
  return (
    `analysis took ${(elapsedMs / 1000).toFixed(1)} s, over gupReview.analysisTimeBudget (${budget} ms): ` +
    'not analysed again while it is edited; reopen the file or change the settings to retry'
  );
}
