/**
 * Patch and mail review: reads a unified diff, format-patch output, an mbox or a mail reply, and
 * returns findings mapped to its own lines. The public face of core/patch for the CLI, the
 * language server and the tests.
 */
import type { PatchInputKind } from './read-input.ts';
import { FORMAT_PATCH_FIRST_LINE_RE, MBOX_FROM_LINE_RE } from './mbox-split.ts';

export type { PatchInputKind, PatchInput, PatchMessage } from './read-input.ts';
export type { PatchReviewOptions, PatchReviewResult } from './review.ts';
export type { PatchFinding } from './input-mapping.ts';
export type { SourceLine } from './source-line.ts';
export { readPatchInput } from './read-input.ts';
export { reviewPatchInput, chooseModelForPatch } from './review.ts';
export { reviewComment, reviewCommentEdit, suggestedFixText, suggestedLines, wrapText } from './review-comment.ts';
export { locateInPatch, type PatchLocation } from './locate.ts';
export { quotableLines, type QuotableLine } from './quotable-lines.ts';
export { applyPatchFixes, type PatchFixResult } from './patch-fixes.ts';

/** Whether a file name or text looks like a patch, an mbox or a mail rather than C source. */
export function detectPatchInput(name: string, text: string): PatchInputKind | undefined {
  if (/\.(patch|diff)$/i.test(name)) return 'diff';
  if (/\.(mbox|mbx)$/i.test(name)) return 'mbox';
  if (/\.eml$/i.test(name)) return 'mail';
  const head = text.slice(0, 4096);
  const first = head.split('\n', 1)[0]!.replace(/\r$/, '');
  // format-patch output (one patch or a series): a patch about to be sent, so fixable
  if (FORMAT_PATCH_FIRST_LINE_RE.test(first)) return 'diff';
  if (MBOX_FROM_LINE_RE.test(first)) return 'mbox';
  if (/^diff --git /m.test(text) && !/^[!-9;-~]+: /.test(first)) return 'diff';
  if (/^--- \S.*\r?\n\+\+\+ \S/m.test(head) && /^@@ -\d/m.test(text) && !/^[!-9;-~]+: /.test(first)) return 'diff';
  // a mail saved from a client: RFC 5322 headers, then a patch or a quoted one
  // (a reply may quote only the changed lines, `> +\tput_page(page);`, with no hunk header)
  if (/^[!-9;-~]+: /.test(first) && /^(>[> ]*)?(@@ -\d|diff --git )|^>[> ]*[+-]\t/m.test(text)) return 'mail';
  return undefined;
}
