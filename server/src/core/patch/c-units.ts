/**
 * Turns a file image into C text that tree-sitter can parse, remembering which image line each
 * row is. A full image is one unit, as is. A sparse image gives one unit per run of consecutive
 * lines; a run that starts inside a function body (indented first line, or more `}` than `{`) is
 * wrapped in the function named by its hunk header (`@@ … @@ static int foo(struct x *p)`), with
 * the braces it lacks added, so tree-sitter sees a function instead of stray statements; a run
 * that starts with the body's `{` gets the head only; a function cut at the end of the run gets
 * its closing braces.
 */
import type { FileImage, HunkRef, ImageLine } from './post-image.ts';

export interface CUnit {
  text: string;
  /** Row of `text` → image line; null for the lines added to wrap a fragment. */
  rows: Array<ImageLine | null>;
  /** Braces were added: some function is only a piece, path-sensitive rules cannot decide there. */
  partial: boolean;
  /** Rows holding a `{` or `}` added to balance a fragment (a function holding one is incomplete). */
  addedBraces: Set<number>;
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
        if (c === '*' && line[i + 1] === '/') {
          inBlockComment = false;
          i++;
        }
        continue;
      }
      if (c === '/' && line[i + 1] === '*') {
        inBlockComment = true;
        i++;
        continue;
      }
      if (c === '/' && line[i + 1] === '/') break;
      if (c === '"' || c === "'") {
        for (i++; i < line.length && line[i] !== c; i++) if (line[i] === '\\') i++;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        min = Math.min(min, depth);
      }
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
    return [
      {
        text: image.lines.map((l) => l.text).join('\n') + '\n',
        rows: image.lines.slice(),
        partial: false,
        addedBraces: new Set(),
      },
    ];
  }
  return runs(image.lines).map((run) => {
    const hunk = run[0]!.touchedBy;
    const texts = run.map((l) => l.text);
    const { min, end } = braceProfile(texts);
    const firstCode = texts.find((t) => t.trim() !== '' && !/^\s*(\/\*|\*|\/\/)/.test(t));
    const indented = firstCode !== undefined && /^[ \t]/.test(firstCode);
    const opensBody = firstCode !== undefined && /^\{/.test(firstCode);
    const head = functionHead(hunk?.hunk.functionContext ?? '');
    const prefix: string[] = [];
    let braces = 0; // synthetic `{` after the head
    if (indented || min < 0) {
      prefix.push(head ?? 'static void gup_review_fragment(void)');
      braces = Math.max(1, -min);
    } else if (opensBody && head) {
      prefix.push(head); // the run starts with the body's `{`: only the head is missing
    } else if (firstCode !== undefined && /^[A-Za-z_]\w*\s*\(/.test(firstCode)) {
      // `static int` on the line above, `name(args)` first in the run: git shows that line as
      // the hunk's function context (kernel style puts the type on its own line sometimes)
      const ctx = hunk?.hunk.functionContext ?? '';
      if (ctx && !ctx.includes('(') && !/[;{}]\s*$/.test(ctx)) prefix.push(ctx);
    }
    prefix.push(...Array.from({ length: braces }, () => '{'));
    const suffix = Array.from({ length: Math.max(braces + end, 0) }, () => '}');
    const rows: Array<ImageLine | null> = [...prefix.map(() => null), ...run, ...suffix.map(() => null)];
    const addedBraces = new Set<number>();
    for (let k = prefix.length - braces; k < prefix.length; k++) addedBraces.add(k);
    for (let k = prefix.length + run.length; k < rows.length; k++) addedBraces.add(k);
    return {
      text: [...prefix, ...texts, ...suffix].join('\n') + '\n',
      rows,
      partial: addedBraces.size > 0,
      addedBraces,
      hunk,
    };
  });
}
