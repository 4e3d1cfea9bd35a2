/**
 * Hover:
 * - an integer literal or a constant expression (`3 * GUP_PIN_COUNTING_BIAS + 1`, `(1U << 10) * 2`):
 *   the refcount decode as a compact table (the largest constant expression around the cursor);
 * - GUP_PIN_COUNTING_BIAS: the bias model in a few lines, with the value in force;
 * - an acquisition or release call: its family in the active model, what releases it, and where
 *   in this function it is released (or what it gives back);
 * - `refcount:N` / `count:N` in plain text, logs, patches, mails and C comments.
 * Decoding itself is core/decode.ts; this module only finds what is under the cursor and formats.
 */
import * as path from 'node:path';
import { ErrorCodes, MarkupKind, ResponseError, type Hover, type Position } from 'vscode-languageserver';
import { DecodeInputError } from '../core/decode.ts';
import { DEFAULT_GUP_PIN_COUNTING_BIAS, findAcquisition, findRelease } from '../core/api-table.ts';
import { apiCallAt, describeCall, type CallInfo } from '../core/call-info.ts';
import { partnersAt, type CallPartners, type Partner } from '../core/pairing-query.ts';
import { parseKernelC, type Node } from '../core/parser.ts';
import { findKernelTree } from '../project/api-model.ts';
import { sharedParser } from '../project/parser-pool.ts';
import type { ApiModel, Finding } from '../core/types.ts';
import type { DocumentAnalysis } from './diagnostics.ts';
import type { DocumentStore, OpenDocument } from './documents.ts';
import type { DecodeParams, DecodeResult } from './protocol.ts';
import {
  BIAS_NAME,
  decodeExpressionLine,
  decodeExpressionMarkdown,
  decodeForCommand,
  decodeLogMarkdown,
  findLogValueAt,
} from './refcount-text.ts';

/** Node types a constant expression is made of (besides literals and the bias name). */
const EXPRESSION_TYPES = new Set([
  'binary_expression',
  'unary_expression',
  'parenthesized_expression',
  'cast_expression',
]);

/** The bias in force for a document: its kernel tree's mm.h, else the default. */
export function biasFor(doc: OpenDocument | undefined): { bias: number; from: string } {
  const file = doc?.filePath;
  const tree = file ? findKernelTree(file) : null;
  if (tree) return { bias: tree.bias, from: tree.mmHeader };
  return { bias: DEFAULT_GUP_PIN_COUNTING_BIAS, from: 'default: 1U << 10, as in include/linux/mm.h since 5.7' };
}

function isConstant(n: Node): boolean {
  switch (n.type) {
    case 'number_literal':
      return true;
    case 'identifier':
      return n.text === BIAS_NAME;
    case 'type_descriptor':
      return true;
    case 'char_literal':
      return false;
    default:
      if (!EXPRESSION_TYPES.has(n.type)) return false;
      return n.namedChildren.every((c) => c !== null && (c.type === 'comment' || isConstant(c)));
  }
}

/** The largest constant expression containing `node` (a literal or the bias name). */
export function constantExpressionAround(node: Node): Node | undefined {
  if (!isConstant(node)) return undefined;
  let top = node;
  for (let p = top.parent; p && EXPRESSION_TYPES.has(p.type) && isConstant(p); p = p.parent) top = p;
  return top;
}

function rangeOf(n: Node) {
  return {
    start: { line: n.startPosition.row, character: n.startPosition.column },
    end: { line: n.endPosition.row, character: n.endPosition.column },
  };
}

const code = (s: string) => `\`${s}\``;

function modelOf(analysis: DocumentAnalysis | undefined): ApiModel {
  return analysis?.model.model ?? 'unpin_user_page';
}

/**
 * The bias model in three short paragraphs (a hover must fit without scrolling): what a pin adds,
 * how a value splits, the 32-bit limits and the large-folio exception.
 */
export function biasMarkdown(bias: number, from: string, model: ApiModel): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const lines = [
    `**${BIAS_NAME}** = ${bias} (${from})`,
    '',
    `A pin on a small (order-0) page adds ${bias} to \`page->_refcount\`; \`get_page()\` adds 1. ` +
      `So pins = V / ${bias}, refs = V % ${bias} while fewer than ${bias} ordinary references are held; ` +
      `\`folio_maybe_dma_pinned()\` is \`refcount >= ${bias}\`.`,
    '',
    `32-bit \`atomic_t\` on every architecture: ${fmt(Math.floor((2 ** 31 - 1) / bias))} pins before it turns negative ` +
      `(${fmt(Math.floor(2 ** 32 / bias))} read unsigned). Large folios count pins in \`_pincount\` and a pin adds 1: no bias there.`,
  ];
  if (model === 'put_user_page') {
    lines.push(
      '',
      'Model in force: put_user_page (2019). In Linux 5.2–5.6 a GUP reference adds 1 like any other; the bias counts pins in the 2019 RFC and from 5.7.',
    );
  }
  return lines.join('\n');
}

/** "line 12", or "line 12 in `setup()`" for a partner in another function than `fn`. */
function partnerPlace(p: Partner, fn: string | undefined): string {
  // An acquisition in another file of the module (the ownership index): named by its file.
  if (p.file)
    return `${code(`${path.basename(p.file)}:${p.nameRange.start.line + 1}`)} in ${code(`${p.functionName}()`)}`;
  return `line ${p.nameRange.start.line + 1}${p.functionName !== fn ? ` in ${code(`${p.functionName}()`)}` : ''}`;
}

/**
 * The hover on an API call: what it is in the model (call-info) and, from the matcher's pairings,
 * the calls its pages pair with, each marked when it is the wrong kind of release.
 */
export function callMarkdown(info: CallInfo, findings: readonly Finding[], pairing?: CallPartners): string {
  const s = info.site;
  const lines = [`**${s.name}()** — ${info.summary}`, ''];
  const fn = info.functionName;
  const partners = pairing?.partners ?? [];
  if (s.role === 'acquisition') {
    if (info.releasedWith.length > 0) lines.push(`Release with ${info.releasedWith.map(code).join(', ')}.`);
    else lines.push('Whether a release is owed cannot be decided here.');
    if (partners.length > 0) {
      const list = partners.map(
        (p) => `${partnerPlace(p, fn)} (${code(p.name)}${p.right === false ? ': the wrong kind of release' : ''})`,
      );
      lines.push(`Released on ${list.join(', ')}.`);
    } else if (s.object) {
      lines.push(
        `No release of \`${s.object}\` reached from here${fn ? ` in \`${fn}()\`` : ''} (it may be handed off).`,
      );
    }
  } else {
    if (info.pairsWith.length > 0)
      lines.push(`Gives back pages from ${info.pairsWith.map(code).join(', ')} in this model.`);
    if (partners.length > 0) {
      const wrong = partners.some((p) => p.right === false);
      lines.push(
        `Releases the pages taken on ${partners.map((p) => `${partnerPlace(p, fn)} (${code(p.name)})`).join(', ')}${wrong ? ', with the wrong kind of release for them' : ''}.`,
      );
    }
  }
  const here = findings.filter(
    (f) =>
      f.range.start.line === s.callRange.start.line &&
      f.range.start.column >= s.callRange.start.column &&
      f.range.start.column <= s.callRange.end.column,
  );
  // The problem's message is already in the editor's hover; name the rule only.
  if (here.length > 0) lines.push('', `Problem here: ${[...new Set(here.map((f) => `\`${f.rule}\``))].join(', ')}.`);
  if (s.role === 'acquisition') {
    // Findings about these pages elsewhere (their first related location is this acquisition).
    const elsewhere = findings.filter(
      (f) => !here.includes(f) && f.related[0] && !f.related[0].file && sameStart(f.related[0].range, s),
    );
    if (elsewhere.length > 0) {
      lines.push(
        '',
        `Problems with these pages: ${elsewhere.map((f) => `\`${f.rule}\` on line ${f.range.start.line + 1}`).join(', ')}.`,
      );
    }
  }
  return lines.join('\n');
}

/** Whether a related range starts within the call (its name or the whole call expression). */
function sameStart(r: Finding['range'], site: CallInfo['site']): boolean {
  const { start } = r;
  const c = site.callRange;
  return start.line === c.start.line && start.column >= c.start.column && start.column <= c.end.column;
}

export async function hover(
  doc: OpenDocument,
  analysis: DocumentAnalysis | undefined,
  pos: Position,
): Promise<Hover | null> {
  const line = doc.doc.getText({ start: { line: pos.line, character: 0 }, end: { line: pos.line + 1, character: 0 } });
  if (pos.line >= doc.doc.lineCount || pos.character > line.length) return null;
  if (doc.kind === 'patch') return logHover(doc, line, pos) ?? (await patchCallHover(line, pos, modelOf(analysis)));
  if (doc.kind !== 'c') return logHover(doc, line, pos);
  const tree = doc.getTree();
  if (!tree) return null;
  const node = tree.rootNode.descendantForPosition({ row: pos.line, column: pos.character });
  if (!node) return null;
  if (node.type === 'comment') return logHover(doc, line, pos);
  const call = apiCallAt(tree.rootNode, pos.line, pos.character);
  if (call) {
    const info = describeCall(call, modelOf(analysis));
    if (info) {
      return {
        contents: {
          kind: MarkupKind.Markdown,
          value: callMarkdown(
            info,
            analysis?.findings ?? [],
            partnersAt(analysis?.pairings ?? [], pos.line, pos.character),
          ),
        },
        range: rangeOf(call.childForFieldName('function')!),
      };
    }
  }
  const { bias, from } = biasFor(doc);
  if (node.type === 'identifier' && node.text === BIAS_NAME) {
    // The name itself is what the reader asked about: the bias model first; the expression it
    // sits in, decoded on one line below (hovering a literal of it gives the full decode).
    const expr = constantExpressionAround(node);
    const value = biasMarkdown(bias, from, modelOf(analysis));
    const decoded = expr && expr.id !== node.id ? decodeExpressionLine(expr.text, bias, modelOf(analysis)) : undefined;
    return {
      contents: { kind: MarkupKind.Markdown, value: decoded ? `${value}\n\n---\n\n${decoded}` : value },
      range: rangeOf(node),
    };
  }
  if (node.type === 'preproc_arg') return defineHover(node, pos, bias, modelOf(analysis));
  if (node.type === 'number_literal') {
    const expr = constantExpressionAround(node);
    if (!expr) return null;
    const value = decodeExpressionMarkdown(expr.text, bias, modelOf(analysis));
    return value ? { contents: { kind: MarkupKind.Markdown, value }, range: rangeOf(expr) } : null;
  }
  return null;
}

/**
 * `#define DEMO_REFCOUNT (3 * GUP_PIN_COUNTING_BIAS + 1)`: tree-sitter keeps a macro body as raw
 * text, so the body is decoded as one constant expression, or failing that the number under the
 * cursor.
 */
function defineHover(node: Node, pos: Position, bias: number, model: ApiModel): Hover | null {
  if (node.startPosition.row !== pos.line) return null;
  const raw = node.text;
  const body = raw.replace(/\/\*.*?\*\/|\/\/.*$/g, '').trim();
  const startCol = node.startPosition.column + raw.indexOf(body);
  const whole = body ? decodeExpressionMarkdown(body, bias, model) : undefined;
  if (whole) {
    return {
      contents: { kind: MarkupKind.Markdown, value: whole },
      range: {
        start: { line: pos.line, character: startCol },
        end: { line: pos.line, character: startCol + body.length },
      },
    };
  }
  const at = pos.character - node.startPosition.column;
  for (const m of raw.matchAll(/\b(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b/g)) {
    if (at < m.index || at > m.index + m[0].length) continue;
    const value = decodeExpressionMarkdown(m[0], bias, model);
    if (!value) return null;
    const col = node.startPosition.column + m.index;
    return {
      contents: { kind: MarkupKind.Markdown, value },
      range: { start: { line: pos.line, character: col }, end: { line: pos.line, character: col + m[0].length } },
    };
  }
  return null;
}

function logHover(doc: OpenDocument, line: string, pos: Position): Hover | null {
  const hit = findLogValueAt(line, pos.character);
  if (!hit) return null;
  const value = decodeLogMarkdown(line, biasFor(doc).bias);
  if (!value) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: { start: { line: pos.line, character: hit.start }, end: { line: pos.line, character: hit.end } },
  };
}

/** gupReview/decode: the client's "Decode Refcount Value…" command. */
export function decodeRequest(params: DecodeParams, store: DocumentStore): DecodeResult {
  if (!params || typeof params.text !== 'string') throw new Error('decode needs { text: string }');
  const doc = params.uri ? store.get(params.uri) : undefined;
  const { bias } = biasFor(doc);
  try {
    return decodeForCommand(params.text, bias);
  } catch (e) {
    if (e instanceof DecodeInputError) throw new ResponseError(ErrorCodes.InvalidParams, e.message);
    throw e;
  }
}

/**
 * On a patch or mail line, a kernel API name under the cursor gets the same family and release
 * advice as in C. Which lines release it is not said: the hunk is not the whole function.
 */
async function patchCallHover(line: string, pos: Position, model: ApiModel): Promise<Hover | null> {
  let word: { text: string; start: number } | undefined;
  for (const m of line.matchAll(/[A-Za-z_]\w*/g)) {
    if (pos.character >= m.index && pos.character <= m.index + m[0].length) word = { text: m[0], start: m.index };
  }
  if (!word || (!findAcquisition(word.text) && !findRelease(word.text))) return null;
  const parser = await sharedParser();
  const tree = parseKernelC(parser, `void f(void) { ${word.text}(); }`);
  try {
    const call = tree.rootNode.descendantsOfType('call_expression')[0];
    const info = call ? describeCall(call, model) : undefined;
    if (!info) return null;
    const value = callMarkdown({ ...info, functionName: undefined, site: { ...info.site, object: undefined } }, []);
    return {
      contents: { kind: MarkupKind.Markdown, value },
      range: {
        start: { line: pos.line, character: word.start },
        end: { line: pos.line, character: word.start + word.text.length },
      },
    };
  } finally {
    tree.delete();
  }
}
