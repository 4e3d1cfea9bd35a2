/**
 * Fixes that compile on the target kernel: a fix names only functions the target has. unpin_folio()
 * is 6.11+; unless the model says the target has it (ModelChoice.unpinFolio: the tree's mm.h or
 * the file shows a 6.11+ folio pin call), advice and fixes that would name it use
 * unpin_user_page() on the page instead: `folio_put(page_folio(p))` becomes `unpin_user_page(p)`;
 * a folio given some other way gets the advice and no fix (which page to name is not certain).
 */
import type { Finding, ModelChoice } from './types.ts';

/** Index just past the `)` closing the `(` at `open`, or -1. */
function closeParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

export function fixesForTarget(text: string, findings: Finding[], model: ModelChoice): Finding[] {
  if (model.unpinFolio || !findings.some((f) => f.data.right === 'unpin_folio')) return findings;
  const starts = lineStarts(text);
  return findings.map((f) => {
    if (f.data.right !== 'unpin_folio') return f;
    const data = { ...f.data, right: 'unpin_user_page' };
    const edit = f.fixes[0]?.edits[0];
    if (!edit || edit.range.start.line !== edit.range.end.line) return { ...f, data, fixes: [] };
    const lineStart = starts[edit.range.start.line] ?? 0;
    const nameStart = lineStart + edit.range.start.column;
    const nameEnd = lineStart + edit.range.end.column;
    const open = text.indexOf('(', nameEnd);
    const end = open === nameEnd || /^\s*$/.test(text.slice(nameEnd, open)) ? closeParen(text, open) : -1;
    const arg =
      end > 0 ? /^\(\s*page_folio\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*\)$/.exec(text.slice(open, end)) : null;
    if (!arg || text.slice(nameStart, end).includes('\n')) return { ...f, data, fixes: [] };
    const range = {
      start: edit.range.start,
      end: { line: edit.range.start.line, column: edit.range.start.column + (end - nameStart) },
    };
    const newText = `unpin_user_page(${arg[1]!.trim()})`;
    return { ...f, data, fixes: [{ title: `Replace with ${newText}`, edits: [{ range, newText }] }] };
  });
}
