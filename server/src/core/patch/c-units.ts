/**
 * Turns a file image into C text that tree-sitter can parse, remembering which image line each
 * row is. A full image is one unit, as is. A sparse image gives one unit per run of consecutive
 * lines; a run that starts inside a function body (indented first line, or more `}` than `{`) is
 * wrapped in the function named by its hunk header (`@@ … @@ static int foo(struct x *p)`), with
 * the braces it lacks added, so tree-sitter sees a function instead of stray statements.
 */
import type { FileImage, HunkRef, ImageLine } from './post-image.ts';

export interface CUnit {
  text: string;
  /** Row of `text` → image line; null for the lines added to wrap a fragment. */
  rows: Array<ImageLine | null>;
  /** The unit is a piece of a function, not a whole one: path-sensitive rules cannot decide. */
  partial: boolean;
  /** The hunk that placed the unit's first line (sparse images). */
  hunk?: HunkRef;
}

/** Brace depth change of a line of C, ignoring strings, character literals and comments. */
export function braceProfile(lines: readonly string[]): { min: number; end: number } {
  let depth = 0;
  let min = 0;
  let inBlockComment = false;
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (inBlockComment) {
        if (c === '*' && line[i + 1] === '/') { inBlockComment = false; i++; }
        continue;
      }
      if (c === '/' && line[i + 1] === '*') { inBlockComment = true; i++; continue; }
      if (c === '/' && line[i + 1] === '/') break;
      if (c === '"' || c === "'") {
        for (i++; i < line.length && line[i] !== c; i++) if (line[i] === '\\') i++;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}') { depth--; min = Math.min(min, depth); }
    }
  }
  return { min, end: depth };
}

/** A hunk header's function context as a function head: unbalanced `(` closed, `{` dropped. */
export function functionHead(context: string): string | undefined {
  const head = context.replace(/\{\s*$/, '').trimEnd();
  if (!head.includes('(') || /;\s*$/.test(head) || /^#/.test(head)) return undefined;
  let open = 0;
  for (const c of head) open += c === '(' ? 1 : c === ')' ? -1 : 0;
  if (open <= 0) return head;
  return head.replace(/,\s*$/, '') + ')'.repeat(open);
}

function runs(lines: readonly ImageLine[]): ImageLine[][] {
  const out: ImageLine[][] = [];
  for (const l of lines) {
    const last = out[out.length - 1];
    if (last && last[last.length - 1]!.n + 1 === l.n) last.push(l);
    else out.push([l]);
  }
  return out;
}

export function cUnits(image: FileImage): CUnit[] {
  if (image.full) {
    return [{ text: image.lines.map((l) => l.text).join('\n') + '\n', rows: image.lines.slice(), partial: false }];
  }
  return runs(image.lines).map((run) => {
    const hunk = run[0]!.touchedBy;
    const texts = run.map((l) => l.text);
    const { min, end } = braceProfile(texts);
    const firstCode = texts.find((t) => t.trim() !== '' && !/^\s*(\/\*|\*|\/\/)/.test(t));
    const indented = firstCode !== undefined && /^[ \t]/.test(firstCode);
    if (!indented && min >= 0) {
      // Starts at file scope; a function cut at the end of the run gets its closing braces.
      const suffix = Array.from({ length: end }, () => '}');
      return {
        text: [...texts, ...suffix].join('\n') + '\n',
        rows: [...run, ...suffix.map(() => null)],
        partial: end > 0,
        hunk,
      };
    }
    const head = functionHead(hunk?.hunk.functionContext ?? '') ?? 'static void gup_review_fragment(void)';
    const startDepth = Math.max(1, -min);
    const prefix = [head, ...Array.from({ length: startDepth }, () => '{')];
    const closing = startDepth + end;
    const suffix = Array.from({ length: Math.max(closing, 0) }, () => '}');
    return {
      text: [...prefix, ...texts, ...suffix].join('\n') + '\n',
      rows: [...prefix.map(() => null), ...run, ...suffix.map(() => null)],
      partial: true,
      hunk,
    };
  });
}
