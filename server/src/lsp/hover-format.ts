/**
 * Hover contents in the format the client asked for (`textDocument.hover.contentFormat`, in
 * order of preference): the hovers are written in Markdown; a client that prefers plain text (or
 * declares no format) gets the same text without Markdown syntax: tables become `key: value`
 * lines, bold and code spans lose their markers, rules become blank lines.
 */
import { MarkupKind, type Hover, type MarkupContent } from 'vscode-languageserver';

/** Markdown when the client lists it before plaintext; plain text otherwise (also when it says nothing). */
export function preferredHoverFormat(contentFormat: readonly string[] | undefined): MarkupKind {
  for (const f of contentFormat ?? []) {
    if (f === MarkupKind.Markdown) return MarkupKind.Markdown;
    if (f === MarkupKind.PlainText) return MarkupKind.PlainText;
  }
  return MarkupKind.PlainText;
}

const TABLE_RULE = /^\|(?:\s*:?-+:?\s*\|)+\s*$/;
const EMPTY_HEADER = /^\|(?:\s*\|)+\s*$/;

export function markdownToPlainText(markdown: string): string {
  const out: string[] = [];
  for (const line of markdown.split('\n')) {
    if (TABLE_RULE.test(line) || EMPTY_HEADER.test(line)) continue;
    if (/^\s*(?:---+|\*\*\*+)\s*$/.test(line)) {
      out.push('');
      continue;
    }
    let text = line;
    const cells = /^\|(.*)\|\s*$/.exec(line);
    if (cells) {
      const parts = cells[1]!.split('|').map((c) => c.trim());
      text = parts.length === 2 ? `${parts[0]}: ${parts[1]}` : parts.join('  ');
    }
    text = text.replace(/\*\*(.+?)\*\*/g, '$1').replace(/`([^`]*)`/g, '$1');
    out.push(text);
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The hover with its Markdown contents converted when the client wants plain text. */
export function hoverInFormat(hover: Hover | null, format: MarkupKind): Hover | null {
  if (!hover || format === MarkupKind.Markdown) return hover;
  const c = hover.contents as MarkupContent;
  if (typeof c !== 'object' || c === null || !('kind' in c) || c.kind !== MarkupKind.Markdown) return hover;
  return { ...hover, contents: { kind: MarkupKind.PlainText, value: markdownToPlainText(c.value) } };
}
