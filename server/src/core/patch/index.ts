/**
 * Patch and mail review (placeholder until the patch issue lands): reads a unified diff,
 * format-patch output, mbox or a mail reply, and returns findings mapped to its own lines.
 */
import type { AnalysisOptions, Finding } from '../types.ts';

export type PatchInputKind = 'diff' | 'mbox' | 'mail';

export interface PatchReviewOptions extends AnalysisOptions {
  /** Kernel tree to apply the patch to for full context (CLI `--tree`). */
  tree?: string;
  /** Also report problems the patch does not touch. */
  includeExisting?: boolean;
}

export interface PatchReviewResult {
  /** Findings on the lines of the patch text (0-based, like every core range). */
  findings: Finding[];
  /** Problems with the input itself (a hunk that does not apply, …), one line each. */
  problems: string[];
}

/** Whether a file name or text looks like a patch, an mbox or a mail rather than C source. */
export function detectPatchInput(name: string, text: string): PatchInputKind | undefined {
  if (/\.(patch|diff)$/i.test(name)) return 'diff';
  if (/\.(mbox|mbx)$/i.test(name)) return 'mbox';
  if (/\.eml$/i.test(name)) return 'mail';
  if (/^From [0-9a-f]{40} /m.test(text.slice(0, 200)) || /^diff --git /m.test(text)) return 'diff';
  return undefined;
}

export async function reviewPatch(
  _text: string,
  _kind: PatchInputKind,
  _options: PatchReviewOptions = {},
): Promise<PatchReviewResult> {
  return { findings: [], problems: [] };
}
