/**
 * Refcount decodes (core/decode.ts) formatted for the editor: a compact Markdown table for hovers,
 * one line for the Decode command. Also finds `refcount:N` / `count:N` under the cursor in text.
 */
import type { ApiModel } from '../core/types.ts';
import { DecodeInputError, decodeRefcount, type RefcountDecode } from '../core/decode.ts';
import type { DecodeResult } from './protocol.ts';

export { BIAS_NAME } from '../core/decode.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * The decode's notes for a hover, which must fit without scrolling: the notes every biased decode
 * carries (and the put_user_page model's) are said in one line each; the CLI and the Decode
 * command keep them whole.
 */
export function hoverNotes(d: RefcountDecode): string[] {
  return d.notes.map((n) => {
    if (n.startsWith('the split assumes fewer than'))
      return `upper bound: each ${fmt(d.bias)} ordinary references look like one more pin`;
    if (n.startsWith('small (order-0) pages only'))
      return 'order-0 pages only: large folios count pins in `_pincount` (a pin adds 1)';
    if (n.startsWith('put_user_page model:'))
      return 'put_user_page model: in Linux 5.2–5.6 a GUP reference adds 1, no bias';
    return n;
  });
}

export function decodeTable(d: RefcountDecode, notesOf: (d: RefcountDecode) => string[] = hoverNotes): string {
  const rows: Array<[string, string]> = [];
  const valueText =
    d.source === 'number' || d.source === 'dump_page' ? fmt(d.signed32) : `\`${d.input}\` = ${fmt(d.value)}`;
  rows.push(['refcount', `${valueText} (${d.hex32})`]);
  if (d.pincount !== undefined) {
    rows.push([d.pincountField ?? 'pincount', `${fmt(d.pincount)} (exact)`]);
  } else {
    rows.push([
      'pins',
      d.pinsAtMost < d.pins
        ? `≤ ${fmt(d.pinsAtMost)}`
        : d.ambiguous && d.signed32 > 0
          ? `${fmt(d.pins)} (upper bound)`
          : fmt(d.pins),
    ]);
    rows.push(['refs', fmt(d.refs)]);
  }
  rows.push(['maybe DMA-pinned', d.maybePinned ? 'yes' : 'no']);
  rows.push(['bias', `${fmt(d.bias)}${d.model === 'put_user_page' ? ' (put_user_page model)' : ''}`]);
  if (d.mapcount !== undefined) rows.push(['mapcount', fmt(d.mapcount)]);
  const table = ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  const notes = notesOf(d)
    .map((n) => `- ${n}`)
    .join('\n');
  return `**page refcount**: ${d.summary}\n\n${table}${notes ? `\n\n${notes}` : ''}`;
}

/** The hover for a C constant expression, or undefined when it does not evaluate. */
export function decodeExpressionMarkdown(expression: string, bias: number, model: ApiModel): string | undefined {
  try {
    return decodeTable(decodeRefcount(expression, { bias, model }));
  } catch (e) {
    if (e instanceof DecodeInputError) return undefined;
    throw e;
  }
}

/** One line for a constant expression (`3 * GUP_PIN_COUNTING_BIAS + 1` = 3,073: 3 pins, 1 ref). */
export function decodeExpressionLine(expression: string, bias: number, model: ApiModel): string | undefined {
  try {
    const d = decodeRefcount(expression, { bias, model });
    return `\`${d.input}\` = ${fmt(d.value)}: ${d.summary}`;
  } catch (e) {
    if (e instanceof DecodeInputError) return undefined;
    throw e;
  }
}

/** The hover for a dump_page / log line holding `refcount:N` or `count:N`. */
export function decodeLogMarkdown(line: string, bias: number): string | undefined {
  try {
    return decodeTable(decodeRefcount(line.replace(/\r?\n$/, ''), { bias }));
  } catch (e) {
    if (e instanceof DecodeInputError) return undefined;
    throw e;
  }
}

const LOG_VALUE_RE = /(?<![\w])(refcount|count|pincount|compound_pincount)\s*[:=]\s*-?\d+(?![\w])/g;

/** The `refcount:N` / `count:N` (or pincount) token under `column`, as a column range. */
export function findLogValueAt(line: string, column: number): { start: number; end: number } | undefined {
  LOG_VALUE_RE.lastIndex = 0;
  for (const m of line.matchAll(LOG_VALUE_RE)) {
    const start = m.index;
    const end = start + m[0].length;
    if (column >= start && column <= end) return { start, end };
  }
  return undefined;
}

/** The Decode Refcount Value… command: table and a one-line summary; bad input throws a clear error. */
export function decodeForCommand(text: string, bias: number): DecodeResult {
  const d = decodeRefcount(text, { bias });
  return {
    markdown: decodeTable(d, (x) => x.notes),
    summary: `${d.input} → ${d.summary} (refcount ${fmt(d.signed32)}, ${d.hex32}, bias ${fmt(d.bias)})`,
  };
}
