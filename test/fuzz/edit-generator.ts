/**
 * Random editor-like edits to kernel-style C: insertions, deletions, replacements, half-typed
 * calls typed one character at a time, unbalanced braces and comments, non-ASCII and astral-plane
 * characters, CRLF line ends. Edit boundaries never split a UTF-16 surrogate pair or a CRLF (an
 * editor cannot place the cursor there), and no lone CR is ever inserted.
 */
import type { Random } from './random.ts';

/** One text change, in UTF-16 offsets of the text it applies to. */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * A step is what one didChange carries: one or more changes, each in offsets of the text after
 * the previous change of the same step (LSP applies them in order).
 */
export type EditStep = OffsetEdit[];

const SNIPPETS = [
  'put_page(pages[i]);\n',
  'unpin_user_page(page);\n',
  'unpin_user_pages(pages, nr);',
  'put_user_pages(pages, ret);\n',
  'release_pages(pages, ret);',
  'ret = pin_user_pages_fast(addr, 1, FOLL_WRITE, &page);\n',
  'ret = get_user_pages(start, nr, FOLL_WRITE, pages, NULL);\n',
  'if (ret < 0)\n\t\treturn ret;\n',
  'for (i = 0; i < ret; i++)\n\t\tput_page(pages[i]);\n',
  'goto out_unpin;\n',
  'out_unpin:\n',
  'return 0;\n',
  '{',
  '}',
  '{\n',
  '}\n',
  '(',
  ')',
  ';',
  ',',
  '[',
  ']',
  '/*',
  '*/',
  '/* comment */',
  '// line comment\n',
  '"',
  "'",
  '\\',
  '#ifdef CONFIG_X\n',
  '#else\n',
  '#endif\n',
  '#define M(x) put_page(x)\n',
  '__user ',
  '__must_hold(&mm->mmap_lock) ',
  'static ',
  'int ',
  'struct page **',
  'é',
  'ü',
  '→',
  'Ω',
  '中文',
  '😀',
  '𝔘',
  '🐧 ',
  '\u00a0',
  '\u200b',
  '\r\n',
  '\r\n\t',
  '\n',
  '\t',
  ' ',
  '  ',
];

/** Prefixes of calls as a person types them. */
const HALF_TYPED = [
  'put_pa',
  'put_page(',
  'unpin_user_page(',
  'unpin_user_pages_dirty_lock(pages, ',
  'pin_user_pages(',
  'get_user_pages_fast(addr, ',
  'release_pa',
  'put_user_page(',
];

/** Moves an offset left until it does not split a surrogate pair or a CRLF. */
export function safeOffset(text: string, offset: number): number {
  let o = Math.max(0, Math.min(offset, text.length));
  while (o > 0 && o < text.length) {
    const prev = text.charCodeAt(o - 1);
    const cur = text.charCodeAt(o);
    const splitsPair = prev >= 0xd800 && prev <= 0xdbff && cur >= 0xdc00 && cur <= 0xdfff;
    const splitsCrlf = prev === 13 && cur === 10;
    if (!splitsPair && !splitsCrlf) break;
    o--;
  }
  return o;
}

function randomRange(rnd: Random, text: string, maxLen: number): { start: number; end: number } {
  const start = safeOffset(text, rnd.int(text.length + 1));
  const len = rnd.chance(0.8) ? rnd.int(Math.min(maxLen, 12) + 1) : rnd.int(maxLen + 1);
  let end = safeOffset(text, start + len);
  if (end < start) end = start;
  // safeOffset moves left; a range end that moved left of a pair end is still whole.
  return { start, end };
}

function snippet(rnd: Random): string {
  if (rnd.chance(0.15)) {
    // A run of characters: identifiers, operators, or junk.
    const alphabet = 'abcdefghijklmnopqrstuvwxyz_0123456789 ()[]{};,*&-+<>=!|/\n\t';
    let s = '';
    for (let n = 1 + rnd.int(10); n > 0; n--) s += alphabet[rnd.int(alphabet.length)];
    return s;
  }
  return rnd.pick(SNIPPETS);
}

/** The next step(s) of a fuzz run against `text`. A typed word gives several steps. */
export function randomSteps(rnd: Random, text: string): EditStep[] {
  const kind = rnd.int(100);
  if (kind < 25) {
    const at = safeOffset(text, rnd.int(text.length + 1));
    return [[{ start: at, end: at, text: snippet(rnd) }]];
  }
  if (kind < 42) {
    const r = randomRange(rnd, text, 120);
    return [[{ ...r, text: '' }]];
  }
  if (kind < 62) {
    const r = randomRange(rnd, text, 60);
    return [[{ ...r, text: snippet(rnd) }]];
  }
  if (kind < 77) {
    // Half-typed call, one character per didChange, sometimes finished with a backspace.
    const word = rnd.pick(HALF_TYPED);
    let at = safeOffset(text, rnd.int(text.length + 1));
    const steps: EditStep[] = [];
    for (const ch of word) {
      steps.push([{ start: at, end: at, text: ch }]);
      at += ch.length;
    }
    if (rnd.chance(0.3)) steps.push([{ start: at - 1, end: at, text: '' }]);
    return steps;
  }
  if (kind < 87) {
    // Several changes in one notification, each relative to the text after the previous.
    const step: EditStep = [];
    let t = text;
    for (let n = 2 + rnd.int(3); n > 0; n--) {
      const r = randomRange(rnd, t, 30);
      const e = { ...r, text: rnd.chance(0.5) ? snippet(rnd) : '' };
      step.push(e);
      t = applyOffsetEdit(t, e);
    }
    return [step];
  }
  if (kind < 93) {
    // Delete or duplicate a whole line (keeps the file's line ends).
    const lines = lineStarts(text);
    const l = rnd.int(lines.length);
    const s = lines[l]!;
    const e = l + 1 < lines.length ? lines[l + 1]! : text.length;
    if (rnd.chance(0.5)) return [[{ start: s, end: e, text: '' }]];
    return [[{ start: s, end: s, text: text.slice(s, e) }]];
  }
  // Convert a run of LF line ends to CRLF, or back.
  const r = randomRange(rnd, text, 300);
  const body = text.slice(r.start, r.end);
  const converted = rnd.chance(0.5) ? body.replace(/\r?\n/g, '\r\n') : body.replace(/\r\n/g, '\n');
  return [[{ ...r, text: converted }]];
}

export function applyOffsetEdit(text: string, e: OffsetEdit): string {
  return text.slice(0, e.start) + e.text + text.slice(e.end);
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) if (i + 1 < text.length) out.push(i + 1);
  return out;
}
