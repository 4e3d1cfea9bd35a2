/**
 * A line of text that remembers where it came from in the ORIGINAL input the reviewer reads:
 * every layer (mbox split, MIME decoding, quote stripping, diff op stripping) narrows the text
 * and moves `column` right, so a position in `text` maps back with `line` / `column + c`.
 */
export interface SourceLine {
  /** The line's text at this layer (no line terminator). */
  text: string;
  /** 0-based line in the original input. */
  line: number;
  /** 0-based column in the original line where `text` starts. */
  column: number;
  /**
   * Whether columns map one to one (false for quoted-printable lines with escapes or soft
   * breaks, and for base64 bodies: there a position maps to the whole original line).
   */
  exact: boolean;
}

/** Splits text on \n; a trailing \r (CRLF input) is not part of the line's text. */
export function splitSourceLines(text: string): SourceLine[] {
  const parts = text.split('\n');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({ text: t.endsWith('\r') ? t.slice(0, -1) : t, line: i, column: 0, exact: true }));
}

/** The same source line with its first `n` characters removed. */
export function dropPrefix(l: SourceLine, n: number): SourceLine {
  return { text: l.text.slice(n), line: l.line, column: l.column + n, exact: l.exact };
}
