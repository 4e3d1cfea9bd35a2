/**
 * Splits an mbox (or `git format-patch --stdout` output, which is one) into messages on the mbox
 * `From ` separator lines, and undoes mboxrd `>From ` escaping in the bodies.
 */
import type { SourceLine } from './source-line.ts';

/**
 * An mbox separator: `From <sender> <asctime date>`, e.g. `From 1f2e… Mon Sep 17 00:00:00 2001`
 * (format-patch) or `From mboxrd@z Thu Jan  1 00:00:00 1970` (lore.kernel.org).
 */
export const MBOX_FROM_LINE_RE = /^From \S+ +[A-Z][a-z]{2} +[A-Z][a-z]{2} +\d{1,2} +\d{1,2}:\d\d(?::\d\d)? /;

/** The format-patch first line: `From <40-hex sha> Mon Sep 17 00:00:00 2001`. */
export const FORMAT_PATCH_FIRST_LINE_RE = /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001/;

export function isMboxFromLine(text: string): boolean {
  return MBOX_FROM_LINE_RE.test(text) || FORMAT_PATCH_FIRST_LINE_RE.test(text);
}

/**
 * Messages of an mbox, without their separator lines. A `From ` line only separates when it is
 * the first line or follows a blank line, as mbox readers require. Text before the first
 * separator (when the input does not start with one) is returned as a message of its own.
 */
export function splitMbox(lines: readonly SourceLine[]): SourceLine[][] {
  const messages: SourceLine[][] = [];
  let current: SourceLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (isMboxFromLine(l.text) && (i === 0 || lines[i - 1]!.text.trim() === '')) {
      if (current.some((c) => c.text.trim() !== '')) messages.push(current);
      current = [];
      continue;
    }
    // mboxrd: ">From " (any number of ">") was escaped by adding one ">".
    if (/^>+From /.test(l.text)) current.push({ ...l, text: l.text.slice(1), column: l.column + 1 });
    else current.push(l);
  }
  if (current.some((c) => c.text.trim() !== '')) messages.push(current);
  return messages;
}
