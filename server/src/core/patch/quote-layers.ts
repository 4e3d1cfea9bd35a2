/**
 * Finds the patch text in a mail body at each quote depth: depth 0 is the patch itself (a
 * format-patch mail), depth 1 a reply's `> +` lines, depth 2 `> > +` (or `>> +`), with or
 * without the space after the markers (`>+`). Lines of other depths (the reviewer's comments
 * between quoted lines) are left out, so a hunk continues across them.
 *
 * A depth is a layer when it quotes a hunk header or a `+`/`-` line: a reply often trims the
 * quote to the changed lines, with no `@@` line above them.
 *
 * Whether the space after the last `>` belongs to the quote or to the diff line (a context line
 * starts with a space) is decided per hunk from its header line: `> @@` quotes with "> ", `>@@`
 * with ">" only; until a header is seen the common "> " is assumed.
 */
import { dropPrefix, type SourceLine } from './source-line.ts';

export interface QuoteLayer {
  depth: number;
  lines: SourceLine[];
}

/** Quote depth and the length of the markers (`> > ` → depth 2, length 3 without the last space). */
export function quotePrefix(text: string): { depth: number; length: number } {
  let depth = 0;
  let i = 0;
  let length = 0;
  while (i < text.length) {
    if (text[i] === '>') {
      depth++;
      i++;
      length = i;
      continue;
    }
    if (text[i] === ' ' && text[i + 1] === '>' && depth > 0) {
      i++;
      continue;
    }
    break;
  }
  return { depth, length };
}

const HEADER_AFTER_QUOTE_RE = /^( ?)(@@ -\d|diff --git |--- |\+\+\+ |index [0-9a-f])/;
const HUNK_HEADER_RE = /^ ?@@ -\d/;

export function quoteLayers(body: readonly SourceLine[]): QuoteLayer[] {
  const depths = new Set<number>();
  for (const l of body) {
    const q = quotePrefix(l.text);
    const rest = l.text.slice(q.length);
    if (HUNK_HEADER_RE.test(rest) && (q.depth > 0 || l.text.startsWith('@@'))) depths.add(q.depth);
    // a quoted run of diff lines with no `@@` (the diff parser decides whether it is one)
    else if (q.depth > 0 && /^ ?[+-]/.test(rest)) depths.add(q.depth);
  }
  const layers: QuoteLayer[] = [];
  for (const depth of [...depths].sort((a, b) => a - b)) {
    if (depth === 0) {
      layers.push({ depth, lines: body.filter((l) => quotePrefix(l.text).depth === 0) });
      continue;
    }
    let spaceStyle = true;
    const lines: SourceLine[] = [];
    for (const l of body) {
      const q = quotePrefix(l.text);
      if (q.depth !== depth) continue;
      const rest = l.text.slice(q.length);
      const h = HEADER_AFTER_QUOTE_RE.exec(rest);
      if (h) spaceStyle = h[1] === ' ';
      const strip = q.length + (spaceStyle && rest.startsWith(' ') ? 1 : 0);
      lines.push(dropPrefix(l, strip));
    }
    layers.push({ depth, lines });
  }
  return layers;
}
