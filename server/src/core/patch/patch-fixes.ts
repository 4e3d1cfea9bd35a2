/**
 * `--fix` on a patch about to be sent: the preferred fixes (already edits of `+` lines, see
 * review.ts) applied to the patch text, refusing received mail and checking that the result is
 * still the same patch shape (same lines, every hunk's counts still adding up).
 */
import { selectFixes, applyEdits } from '../text-edits.ts';
import type { Finding } from '../types.ts';
import { readPatchInput, type PatchInputKind } from './read-input.ts';

export interface PatchFixResult {
  text: string;
  /** How many fixes were applied. */
  applied: number;
}

export async function applyPatchFixes(
  text: string,
  kind: PatchInputKind,
  findings: readonly Finding[],
): Promise<PatchFixResult> {
  if (kind !== 'diff')
    throw new Error(`a ${kind} is received mail: it is never rewritten (use the review comment or --format reply)`);
  const fixes = selectFixes(findings);
  if (fixes.length === 0) return { text, applied: 0 };
  const fixed = applyEdits(
    text,
    fixes.flatMap((f) => f.edits),
  );
  const before = await readPatchInput(text, kind);
  const after = await readPatchInput(fixed, kind);
  const shape = (i: typeof before) =>
    JSON.stringify(
      i.series.map((p) => p.files.map((f) => f.hunks.map((h) => [h.oldLines, h.newLines, h.trimmed, h.lines.length]))),
    );
  if (fixed.split('\n').length !== text.split('\n').length || shape(before) !== shape(after)) {
    throw new Error('the fixes would change the shape of the patch; not applied');
  }
  return { text: fixed, applied: fixes.length };
}
