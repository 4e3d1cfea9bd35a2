/**
 * Position in a patch text → the file and line of the code it shows (for hovers and API docs on
 * the patch lines): `+` and context lines give the post-image line, `-` lines the pre-image line.
 * After a trimmed part of a quoted hunk the line numbers are an estimate (the gap is unknown).
 */
import type { Position } from '../types.ts';
import type { PatchInput, PatchMessage } from './read-input.ts';
import type { SourceLine } from './source-line.ts';

export interface PatchLocation {
  file: string;
  /** `new`: a `+` or context line (post-image); `old`: a `-` line (pre-image). */
  side: 'new' | 'old';
  /** 1-based line in that side's file. */
  line: number;
  /** The code shown on the line (the op character and quote markers removed). */
  code: string;
  /** Column in `code` of the position; -1 when the position is in the markers. */
  column: number;
  /** Columns of the line map exactly to `code` (false for encoded mail bodies). */
  exact: boolean;
  op: ' ' | '+' | '-';
  patch: PatchMessage;
}

interface Entry {
  file: string;
  side: 'new' | 'old';
  line: number;
  src: SourceLine;
  op: ' ' | '+' | '-';
  patch: PatchMessage;
}

const cache = new WeakMap<PatchInput, Map<number, Entry>>();

function index(input: PatchInput): Map<number, Entry> {
  let map = cache.get(input);
  if (map) return map;
  map = new Map();
  for (const patch of [...input.series, ...input.quoted]) {
    for (const fd of patch.files) {
      const file = fd.newPath ?? fd.oldPath ?? '';
      for (const h of fd.hunks) {
        let oldNo = h.oldStart;
        let newNo = h.newStart;
        for (const hl of h.lines) {
          if (!map.has(hl.src.line)) {
            map.set(hl.src.line, {
              file: hl.op === '-' ? (fd.oldPath ?? file) : file,
              side: hl.op === '-' ? 'old' : 'new',
              line: hl.op === '-' ? oldNo : newNo,
              src: hl.src,
              op: hl.op,
              patch,
            });
          }
          if (hl.op !== '+') oldNo++;
          if (hl.op !== '-') newNo++;
        }
      }
    }
  }
  cache.set(input, map);
  return map;
}

export function locateInPatch(input: PatchInput, position: Position): PatchLocation | undefined {
  const e = index(input).get(position.line);
  if (!e) return undefined;
  const column = e.src.exact ? position.column - e.src.column : position.column >= e.src.column ? 0 : -1;
  return {
    file: e.file,
    side: e.side,
    line: e.line,
    code: e.src.text,
    column: column < 0 ? -1 : Math.min(column, e.src.text.length),
    exact: e.src.exact,
    op: e.op,
    patch: e.patch,
  };
}
