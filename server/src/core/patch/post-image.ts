/**
 * The post-image of one file through a series of patches, line by line, with each line's
 * provenance: which patch added it (and where that `+` line is in the input), which patches show
 * it as context, and which hunk last touched it. Two kinds of image:
 * - full: the pre-image file is known (a tree, or a new file): every line is present and hunks
 *   are searched for at their line number first, then further away, like `patch` without fuzz;
 * - sparse: only the lines the hunks show; a hunk lands where its header says, and must agree
 *   with the lines already there (an earlier patch of the series).
 */
import type { Hunk, HunkLine } from './diff-parse.ts';
import type { SourceLine } from './source-line.ts';

export interface LineShown {
  /** Index of the patch in the series (0-based). */
  patch: number;
  src: SourceLine;
}

export interface HunkRef {
  patch: number;
  hunk: Hunk;
}

export interface ImageLine {
  /** 1-based line number in the current post-image. */
  n: number;
  text: string;
  added?: LineShown;
  /** Every patch line showing this line (context or added), oldest first. */
  shown: LineShown[];
  /** The latest hunk that added, showed or removed next to this line. */
  touchedBy?: HunkRef;
  /** A patch removed lines just before this one. */
  removedBefore?: HunkRef;
}

export interface FileImage {
  full: boolean;
  lines: ImageLine[];
}

export function fullImage(text: string): FileImage {
  const parts = text.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return { full: true, lines: parts.map((t, i) => ({ n: i + 1, text: t.replace(/\r$/, ''), shown: [] })) };
}

export function emptyImage(full: boolean): FileImage {
  return { full, lines: [] };
}

const same = (a: string, b: string) => a.trimEnd() === b.trimEnd();

/** Where the hunk's old lines match in a full image, searching outward from `expected` (0-based). */
function findInFull(lines: readonly ImageLine[], old: readonly HunkLine[], expected: number): number {
  const matchesAt = (p: number) => {
    if (p < 0 || p + old.length > lines.length) return false;
    for (let k = 0; k < old.length; k++) if (!same(lines[p + k]!.text, old[k]!.src.text)) return false;
    return true;
  };
  const limit = Math.max(lines.length, 1);
  for (let d = 0; d <= limit; d++) {
    if (matchesAt(expected - d)) return expected - d;
    if (d > 0 && matchesAt(expected + d)) return expected + d;
  }
  return -1;
}

/**
 * Applies the hunks of one file of patch `patch`; returns the hunks that did not apply (the rest
 * are applied, as `patch` does). A trimmed hunk (lines missing) never applies, except with
 * `allowTrimmed` on an empty sparse image, where its lines are simply laid out in order.
 */
export function applyHunks(image: FileImage, hunks: readonly Hunk[], patch: number, allowTrimmed = false): Hunk[] {
  const failed: Hunk[] = [];
  let delta = 0; // post-image shift from the hunks already applied in this patch
  let drift = 0; // full images: how far from their headers the hunks were found
  for (const hunk of hunks) {
    if (hunk.trimmed && !allowTrimmed) {
      failed.push(hunk);
      continue;
    }
    const old = hunk.lines.filter((l) => l.op !== '+');
    const ref: HunkRef = { patch, hunk };
    // Old-line numbering of this patch is image numbering minus the shift so far. A hunk that
    // creates a file (old range 0,0) starts at line 1.
    const oldStart = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    let startIdx: number; // index into image.lines where the old lines begin
    let removeCount: number;
    if (image.full) {
      const expected = oldStart - 1 + delta + drift;
      const at = findInFull(image.lines, old, Math.min(Math.max(expected, 0), image.lines.length));
      if (at < 0) {
        failed.push(hunk);
        continue;
      }
      drift += at - expected;
      startIdx = at;
      removeCount = old.length;
    } else {
      const from = oldStart + delta;
      const to = from + old.length; // exclusive, image numbering
      const inRange = image.lines.filter((l) => l.n >= from && l.n < to);
      if (inRange.some((l) => !same(l.text, old[l.n - from]!.src.text))) {
        failed.push(hunk);
        continue;
      }
      startIdx = image.lines.findIndex((l) => l.n >= from);
      if (startIdx < 0) startIdx = image.lines.length;
      removeCount = inRange.length;
    }
    const removed = image.lines.slice(startIdx, startIdx + removeCount);
    const byOld = new Map<number, ImageLine>();
    const firstN = image.full ? startIdx + 1 : oldStart + delta;
    for (const r of removed) byOld.set(r.n - firstN, r);
    const fresh: ImageLine[] = [];
    let oldIdx = 0;
    let pendingRemoval = false;
    for (const hl of hunk.lines) {
      if (hl.op === '-') {
        oldIdx++;
        pendingRemoval = true;
        continue;
      }
      const shown: LineShown = { patch, src: hl.src };
      const prev = hl.op === ' ' ? byOld.get(oldIdx) : undefined;
      const line: ImageLine = {
        n: 0,
        text: hl.op === ' ' && prev ? prev.text : hl.src.text,
        added: hl.op === '+' ? shown : prev?.added,
        shown: [...(prev?.shown ?? []), shown],
        touchedBy: ref,
        removedBefore: pendingRemoval ? ref : prev?.removedBefore,
      };
      if (hl.op === ' ') oldIdx++;
      pendingRemoval = false;
      fresh.push(line);
    }
    if (pendingRemoval && fresh.length > 0) fresh[fresh.length - 1]!.removedBefore = ref;
    const firstNew = image.full ? startIdx + 1 : hunk.newStart + (hunk.newLines === 0 ? 1 : 0);
    fresh.forEach((l, k) => (l.n = firstNew + k));
    const shift = fresh.length - old.length;
    const after = image.lines.slice(startIdx + removeCount).map((l) => ({ ...l, n: l.n + shift }));
    image.lines = [...image.lines.slice(0, startIdx), ...fresh, ...after];
    if (!image.full) {
      // keep the sparse image ordered and free of collisions if a header lied
      image.lines.sort((a, b) => a.n - b.n);
    }
    delta += shift;
  }
  return failed;
}

/** Renders a full image back to text. */
export function imageText(image: FileImage): string {
  return image.lines.map((l) => l.text).join('\n') + (image.lines.length ? '\n' : '');
}
