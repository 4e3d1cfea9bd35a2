/**
 * Which release helper a source line is in: the top-level function whose body holds the line,
 * when the line calls a table release (the put_page() of a parameter in xbuf_put_pages()). Asked
 * by `gup-review trace FILE:LINE` and by the server's references, which then list the
 * acquisitions whose pages are passed to that helper (core/ownership/trail.ts
 * releaseThroughHelper).
 */
import { RELEASES } from '../core/api-table.ts';
import { lineStarts } from '../core/text-edits.ts';
import { scanFunctions } from './focus-ranges.ts';

export interface HelperLine {
  /** The identifiers before a '(' of the function's header: its name among them (the others: macros, attributes). */
  names: string[];
  /** The release the line calls, and its column (0-based). */
  call: string;
  column: number;
}

const RELEASE_CALL_RE = new RegExp(`\\b(${RELEASES.map((r) => r.name).join('|')})\\s*\\(`);

/** The helper that line `line` (0-based) of `text` is in, when that line calls a table release. */
export function helperAt(text: string, line: number): HelperLine | undefined {
  const starts = lineStarts(text);
  const from = starts[line];
  if (from === undefined) return undefined;
  const call = RELEASE_CALL_RE.exec(text.slice(from, starts[line + 1] ?? text.length));
  if (!call) return undefined;
  const fn = scanFunctions(text)?.find((f) => f.bodyStart <= from && from < f.end);
  return fn ? { names: fn.names, call: call[1]!, column: call.index } : undefined;
}
