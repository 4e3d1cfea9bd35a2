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
 * a whole-file parse.
 */
import { ACQUISITION_NAME_RE, RELEASES } from '../core/api-table.ts';

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

const IDENT_START = /[A-Za-z_]/;
const WORD_RE = /[A-Za-z_]\w*/g;

function isIdentChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
}

/** Top-level function definitions of `text`, or undefined when braces do not balance. */
export function scanFunctions(text: string): FunctionSpan[] | undefined {
  const out: FunctionSpan[] = [];
  const n = text.length;
  let depth = 0;
  let parens = 0;
  let segStart = -1; // first significant character of the current top-level declaration
  let lastSig = ''; // last significant character at depth 0
  let lastIdent: string | undefined; // identifier just before the current position at depth 0
  let names: string[] = []; // identifiers before a '(' of the declaration (the name among them)
  let inFunction = false;
  let bodyStart = 0;
  let atLineStart = true;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      atLineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#' && atLineStart) {
      // Preprocessor directive, with backslash continuations: never part of the brace structure.
      while (i < n && text[i] !== '\n') {
        if (text[i] === '\\' && text[i + 1] === '\n') i += 2;
        else if (text[i] === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') i += 3;
        else if (text[i] === '/' && text[i + 1] === '*') {
          const e = text.indexOf('*/', i + 2);
          i = e === -1 ? n : e + 2;
        } else i++;
      }
      continue;
    }
    atLineStart = false;
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e === -1 ? n : e + 2;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const e = text.indexOf('\n', i + 2);
      i = e === -1 ? n : e;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      if (depth === 0) {
        lastSig = c;
        lastIdent = undefined;
      }
      continue;
    }
    if (depth > 0) {
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          if (inFunction) out.push({ names, start: segStart, bodyStart, end: i + 1 });
          inFunction = false;
          segStart = -1;
          lastSig = '}';
          lastIdent = undefined;
          names = [];
          parens = 0;
        }
      }
      i++;
      continue;
    }
    // depth 0: inside a top-level declaration's header
    if (segStart < 0) segStart = i;
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text[j]!)) j++;
      lastIdent = text.slice(i, j);
      lastSig = 'a';
      i = j;
      continue;
    }
    if (c === '(') {
      if (parens === 0 && lastIdent !== undefined) names.push(lastIdent);
      parens++;
    } else if (c === ')') {
      parens = Math.max(0, parens - 1);
    } else if (c === ';' && parens === 0) {
      segStart = -1;
      names = [];
      lastSig = ';';
      lastIdent = undefined;
      i++;
      continue;
    } else if (c === '{') {
      inFunction = lastSig === ')' && parens === 0;
      bodyStart = i;
      depth = 1;
      i++;
      continue;
    } else if (c === '}') {
      return undefined; // a closing brace with no block open: the scan lost track
    }
    lastSig = c;
    lastIdent = undefined;
    i++;
  }
  return depth === 0 ? out : undefined;
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
  const words = fns.map((f) => new Set(text.slice(f.bodyStart, f.end).match(WORD_RE) ?? []));
  const byName = new Map<string, number[]>();
  fns.forEach((f, k) => {
    for (const name of f.names) byName.set(name, [...(byName.get(name) ?? []), k]);
  });
  // Which functions mention a name (for the callers' closure).
  const mentions = new Map<string, number[]>();
  words.forEach((set, k) => {
    for (const w of set) if (byName.has(w)) mentions.set(w, [...(mentions.get(w) ?? []), k]);
  });
  const acquires = new RegExp(ACQUISITION_NAME_RE.source, 'g');
  const releases = new RegExp(`\\b(?:${RELEASES.map((r) => r.name).join('|')})\\b`);
  const keep = new Set<number>();
  const acquiring = new Set<number>();
  const work: Array<[number, string[]]> = [];
  fns.forEach((f, k) => {
    const body = text.slice(f.bodyStart, f.end);
    const called = [...new Set(Array.from(body.matchAll(acquires), (m) => m[0]))];
    if (called.length > 0) {
      keep.add(k);
      acquiring.add(k);
      if (mayWrap(text, f, called)) work.push([k, f.names]);
    } else if (releases.test(body)) {
      keep.add(k); // may release pages that another function stored
    }
  });
  // No function body names one (only prototypes, macros, comments): nothing to analyse.
  if (keep.size === 0) return [];
  // Up: a possible wrapper makes its callers acquisitions; follow wrappers of wrappers.
  const wrapped = new Set<number>();
  while (work.length > 0) {
    const [k, names] = work.pop()!;
    if (wrapped.has(k)) continue;
    wrapped.add(k);
    for (const name of names) {
      for (const caller of mentions.get(name) ?? []) {
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
    for (const w of words[k]!) {
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
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const pos = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: offset - lineStarts[lo]! };
  };
  if (chosen.length === 0) return [{ startIndex: 0, endIndex: 0, startPosition: pos(0), endPosition: pos(0) }];
  return chosen.map((f) => ({ startIndex: f.start, endIndex: f.end, startPosition: pos(f.start), endPosition: pos(f.end) }));
}
