/**
 * What a reviewer writes back: for a mail (never rewritten), the finding and the suggested line
 * go under the quoted line, kernel style: a blank line, the comment, a blank line, the suggested
 * code, a blank line. Used by the language server's "Insert review comment" and "Copy suggested
 * fix" actions and by the CLI's `--format reply`.
 */
import { findingMessage } from '../messages/format-message.ts';
import { applyEdits } from '../text-edits.ts';
import type { Finding, TextEdit } from '../types.ts';

export interface CommentableFinding extends Finding {
  suggestion?: string[];
  /** On an encoded (quoted-printable/base64) line: no comment can be inserted there. */
  encoded?: boolean;
}

/** Wraps prose at `width` columns (kernel mail: 72). */
export function wrapText(text: string, width = 72): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}

/** The comment lines (without the surrounding blank lines). */
export function reviewComment(finding: CommentableFinding): string[] {
  const lines = wrapText(findingMessage(finding));
  if (finding.suggestion?.length) {
    lines.push('', ...finding.suggestion);
  }
  return lines;
}

/** The suggested code of the finding's preferred fix, or undefined when it has none. */
export function suggestedFixText(finding: CommentableFinding): string | undefined {
  return finding.suggestion?.length ? finding.suggestion.join('\n') : undefined;
}

/**
 * An insertion under the finding's line of `text` (the mail): blank line, comment, blank line.
 * Line ends follow the text (CRLF stays CRLF). Undefined for a finding on an encoded line.
 */
export function reviewCommentEdit(text: string, finding: CommentableFinding): TextEdit | undefined {
  if (finding.encoded) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split('\n');
  const line = finding.range.start.line;
  const block = ['', ...reviewComment(finding), ''].join(eol) + eol;
  if (line + 1 < lines.length || (line + 1 === lines.length && text.endsWith('\n'))) {
    return { range: { start: { line: line + 1, column: 0 }, end: { line: line + 1, column: 0 } }, newText: block };
  }
  const end = (lines[line] ?? '').replace(/\r$/, '').length;
  const at = { line, column: end };
  return { range: { start: at, end: at }, newText: eol + block.slice(0, -eol.length) };
}

/** The lines a fix touches (`lines` = the text split on \n), as the fix leaves them. */
export function suggestedLines(lines: readonly string[], edits: readonly TextEdit[]): string[] | undefined {
  if (edits.length === 0) return undefined;
  const first = Math.min(...edits.map((e) => e.range.start.line));
  const last = Math.max(...edits.map((e) => e.range.end.line));
  const slice = lines
    .slice(first, last + 1)
    .map((l) => l.replace(/\r$/, ''))
    .join('\n');
  const shifted = edits.map((e) => ({
    newText: e.newText,
    range: {
      start: { line: e.range.start.line - first, column: e.range.start.column },
      end: { line: e.range.end.line - first, column: e.range.end.column },
    },
  }));
  return applyEdits(slice, shifted).split('\n');
}
