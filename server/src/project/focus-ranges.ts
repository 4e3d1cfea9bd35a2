/**
 * Focused parsing for big runs: in a kernel file that names an acquisition, usually a handful of
 * its functions matter. A linear text scan (comments, strings, character literals and
 * preprocessor lines skipped) finds the top-level function definitions; we keep
 *  - the functions that name an acquisition or a release (pages kept in a struct field are
 *    released in another function of the file),
 *  - the functions that call one that names an acquisition, transitively (a wrapper that
 *    returns a GUP count makes its callers acquisitions),
 *  - the functions those name, transitively (same-file helpers that release or hand off),
 * and tree-sitter parses only those ranges (parser.parse's includedRanges). Positions stay
 * those of the whole file. When the scan cannot be trusted (braces that do not balance, e.g. an
 * #ifdef that cuts through a block) the caller parses the whole file.
 *
 * The bench checks, over the whole 6.1 tree and in both models, that the findings equal those of
 * a whole-file parse. Asked by analyze-source.ts (the CLI and Check Workspace parse through it).
 */
import { ACQUISITION_NAME_RE, RELEASES } from '../core/api-table.ts';
import { lineStarts, positionAt } from '../core/text-edits.ts';

export interface FocusRange {
  startIndex: number;
  endIndex: number;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
}

interface FunctionSpan {
  /** Identifiers before a top-level '(' of the header: the name, or a macro / attribute in front of or after it. */
  names: string[];
  start: number;
  bodyStart: number;
  end: number;
}

const WORD_RE = /[A-Za-z_]\w*/g;
const RELEASE_NAME_RE = new RegExp(`\\b(?:${RELEASES.map((r) => r.name).join('|')})\\b`, 'g');

/** Character classes by code unit (ASCII): 1 identifier start, 2 digit. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  CLASS[c] = /[A-Za-z_]/.test(ch) ? 1 : /[0-9]/.test(ch) ? 2 : 0;
}
const isIdentStart = (c: number): boolean => c < 128 && CLASS[c] === 1;
const isIdentChar = (c: number): boolean => c < 128 && CLASS[c] !== 0;

const NL = 10,
  CR = 13,
  SP = 32,
  TAB = 9,
  FF = 12,
  VT = 11,
  HASH = 35,
  SLASH = 47,
  STAR = 42,
  BSL = 92;
const DQ = 34,
  SQ = 39,
  LBRACE = 123,
  RBRACE = 125,
  LPAR = 40,
  RPAR = 41,
  SEMI = 59;

/** Top-level function definitions of `text`, or undefined when braces do not balance. */
export function scanFunctions(text: string): FunctionSpan[] | undefined {
  const out: FunctionSpan[] = [];
  const n = text.length;
  let depth = 0;
  let parens = 0;
  let segStart = -1; // first significant character of the current top-level declaration
  let lastSig = 0; // last significant character at depth 0 (its code; 1 for an identifier)
  let lastIdent: string | undefined; // identifier just before the current position at depth 0
  let names: string[] = []; // identifiers before a '(' of the declaration (the name among them)
  let inFunction = false;
  let bodyStart = 0;
  let atLineStart = true;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      atLineStart = true;
      i++;
      continue;
    }
    if (c === SP || c === TAB || c === CR || c === FF || c === VT) {
      i++;
      continue;
    }
    if (c === HASH && atLineStart) {
      // Preprocessor directive, with backslash continuations: never part of the brace structure.
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === NL) break;
        if (d === BSL && text.charCodeAt(i + 1) === NL) i += 2;
        else if (d === BSL && text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === NL) i += 3;
        else if (d === SLASH && text.charCodeAt(i + 1) === STAR) {
          const e = text.indexOf('*/', i + 2);
          i = e === -1 ? n : e + 2;
        } else i++;
      }
      continue;
    }
    atLineStart = false;
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const e = text.indexOf('*/', i + 2);
      i = e === -1 ? n : e + 2;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const e = text.indexOf('\n', i + 2);
      i = e === -1 ? n : e;
      continue;
    }
    if (c === DQ || c === SQ) {
      let j = i + 1;
      for (;;) {
        if (j >= n) break;
        const d = text.charCodeAt(j);
        if (d === c || d === NL) break;
        j += d === BSL ? 2 : 1;
      }
      i = j + 1;
      if (depth === 0) {
        lastSig = c;
        lastIdent = undefined;
      }
      continue;
    }
    if (depth > 0) {
      if (c === LBRACE) depth++;
      else if (c === RBRACE) {
        depth--;
        if (depth === 0) {
          if (inFunction) out.push({ names, start: segStart, bodyStart, end: i + 1 });
          inFunction = false;
          segStart = -1;
          lastSig = RBRACE;
          lastIdent = undefined;
          names = [];
          parens = 0;
        }
      } else if (isIdentStart(c)) {
        // Skip the identifier in one go (it may hold no brace or quote).
        let j = i + 1;
        while (j < n && isIdentChar(text.charCodeAt(j))) j++;
        i = j;
        continue;
      }
      i++;
      continue;
    }
    // depth 0: inside a top-level declaration's header
    if (segStart < 0) segStart = i;
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      lastIdent = text.slice(i, j);
      lastSig = 1;
      i = j;
      continue;
    }
    if (c === LPAR) {
      if (parens === 0 && lastIdent !== undefined) names.push(lastIdent);
      parens++;
    } else if (c === RPAR) {
      parens = Math.max(0, parens - 1);
    } else if (c === SEMI && parens === 0) {
      segStart = -1;
      names = [];
      lastSig = SEMI;
      lastIdent = undefined;
      i++;
      continue;
    } else if (c === LBRACE) {
      inFunction = lastSig === RPAR && parens === 0;
      bodyStart = i;
      depth = 1;
      i++;
      continue;
    } else if (c === RBRACE) {
      return undefined; // a closing brace with no block open: the scan lost track
    }
    lastSig = c;
    lastIdent = undefined;
    i++;
  }
  return depth === 0 ? out : undefined;
}

/**
 * Whether the identifier `len` long at `at` is a whole word as WORD_RE's scan of a body reads it:
 * it ends where the identifier characters end, and it starts a match (the identifier characters
 * just before it, if any, are digits: \`0x1f\` reads as \`x1f\`, \`a1b\` as one word).
 */
function isWordAt(text: string, at: number, len: number): boolean {
  if (isIdentChar(text.charCodeAt(at + len))) return false;
  for (let j = at - 1; j >= 0 && isIdentChar(text.charCodeAt(j)); j--)
    if (isIdentStart(text.charCodeAt(j))) return false;
  return true;
}

/**
 * Could `f` be a wrapper of `callees` (the matcher's rule: it returns the count, or the page,
 * of an acquisition made on behalf of its caller)? Only if it returns something and passes one
 * of its own parameters into such a call. A textual over-approximation.
 */
function mayWrap(text: string, f: FunctionSpan, callees: readonly string[]): boolean {
  const header = text.slice(f.start, f.bodyStart);
  const open = header.indexOf('(');
  if (open < 0) return false;
  if (/\bvoid\s+[A-Za-z_]\w*\s*$/.test(header.slice(0, open))) return false;
  const params = new Set(header.slice(open).match(WORD_RE) ?? []);
  const body = text.slice(f.bodyStart, f.end);
  for (const callee of callees) {
    const re = new RegExp(`\\b${callee}\\s*\\(`, 'g');
    for (const m of body.matchAll(re)) {
      // The argument text, up to the matching parenthesis (bounded).
      let depth = 0;
      let end = m.index + m[0].length - 1;
      for (const limit = Math.min(body.length, end + 1000); end < limit; end++) {
        const c = body[end];
        if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
      }
      const args = body.slice(m.index + m[0].length, end).match(WORD_RE) ?? [];
      if (args.some((w) => params.has(w))) return true;
    }
  }
  return false;
}

/** Which functions to parse (see the module comment); undefined: parse the whole file. */
export function selectFunctions(text: string, fns: readonly FunctionSpan[]): FunctionSpan[] | undefined {
  if (fns.length === 0) return undefined;
  const byName = new Map<string, number[]>();
  fns.forEach((f, k) => {
    for (const name of f.names) byName.set(name, [...(byName.get(name) ?? []), k]);
  });
  // The function whose body holds an offset (-1: none).
  const inFunction = (offset: number): number => {
    let lo = 0;
    let hi = fns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = fns[mid]!;
      if (offset < f.bodyStart) hi = mid - 1;
      else if (offset >= f.end) lo = mid + 1;
      else return mid;
    }
    return -1;
  };
  // Per function, the names of this file's functions that it mentions (its calls, mostly): read
  // only for the functions the closure walks down from (most of a big file is never asked).
  const words = new Map<number, string[]>();
  const wordsOf = (k: number): string[] => {
    let list = words.get(k);
    if (list) return list;
    const f = fns[k]!;
    const found = new Set<string>();
    const re = new RegExp(WORD_RE.source, 'g');
    re.lastIndex = f.bodyStart;
    for (let m = re.exec(text); m && m.index < f.end; m = re.exec(text)) {
      if (byName.has(m[0])) found.add(m[0]);
    }
    words.set(k, (list = [...found]));
    return list;
  };
  // Which functions mention a name among their words (for the callers' closure), ascending: the
  // name's occurrences in the text that are words as WORD_RE reads a body, mapped to functions.
  const mentionsOf = (name: string): number[] => {
    const out: number[] = [];
    for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
      if (!isWordAt(text, at, name.length)) continue;
      const k = inFunction(at);
      if (k >= 0 && out[out.length - 1] !== k) out.push(k);
    }
    return out;
  };
  // Seeds: one pass of each regex over the whole text, matches mapped to the function they are in.
  const called = new Map<number, Set<string>>();
  for (const m of text.matchAll(new RegExp(ACQUISITION_NAME_RE.source, 'g'))) {
    const k = inFunction(m.index);
    if (k >= 0) called.set(k, (called.get(k) ?? new Set()).add(m[0]));
  }
  const releasing = new Set<number>();
  for (const m of text.matchAll(RELEASE_NAME_RE)) {
    const k = inFunction(m.index);
    if (k >= 0) releasing.add(k);
  }
  const keep = new Set<number>();
  const acquiring = new Set<number>();
  const work: Array<[number, string[]]> = [];
  for (const [k, names] of called) {
    keep.add(k);
    acquiring.add(k); // its callers may be acquisitions through it (a wrapper)
    if (mayWrap(text, fns[k]!, [...names])) work.push([k, fns[k]!.names]);
  }
  for (const k of releasing) keep.add(k); // may release pages that another function stored
  // No function body names one (only prototypes, macros, comments): nothing to analyse.
  if (keep.size === 0) return [];
  // Up: a possible wrapper makes its callers acquisitions; follow wrappers of wrappers.
  const wrapped = new Set<number>();
  while (work.length > 0) {
    const [k, names] = work.pop()!;
    if (wrapped.has(k)) continue;
    wrapped.add(k);
    for (const name of names) {
      for (const caller of mentionsOf(name)) {
        keep.add(caller);
        acquiring.add(caller);
        if (!wrapped.has(caller) && mayWrap(text, fns[caller]!, [name])) work.push([caller, fns[caller]!.names]);
      }
    }
  }
  // Down: functions named by acquiring ones (helpers that release or hand off), transitively.
  // Functions kept only because they name a release acquire nothing: their callees do not matter.
  const down = [...acquiring];
  while (down.length > 0) {
    const k = down.pop()!;
    for (const w of wordsOf(k)) {
      for (const callee of byName.get(w) ?? []) {
        if (!acquiring.has(callee)) {
          keep.add(callee);
          acquiring.add(callee);
          down.push(callee);
        }
      }
    }
  }
  return [...keep].sort((a, b) => a - b).map((k) => fns[k]!);
}

/**
 * includedRanges for the functions that matter, or undefined to parse the whole file. When no
 * function matters, one empty range (tree-sitter reads an empty list as "everything").
 */
export function focusRanges(text: string): FocusRange[] | undefined {
  const fns = scanFunctions(text);
  if (!fns) return undefined;
  const chosen = selectFunctions(text, fns);
  if (!chosen) return undefined;
  const starts = lineStarts(text);
  const pos = (offset: number) => {
    const p = positionAt(starts, offset);
    return { row: p.line, column: p.column };
  };
  if (chosen.length === 0) return [{ startIndex: 0, endIndex: 0, startPosition: pos(0), endPosition: pos(0) }];
  return chosen.map((f) => ({
    startIndex: f.start,
    endIndex: f.end,
    startPosition: pos(f.start),
    endPosition: pos(f.end),
  }));
}
