/**
 * The input as a reply quotes it: every line as it is, except the lines of quoted-printable and
 * base64 bodies, which are replaced by their decoded text (a reviewer quotes `ret = pin…`, never
 * `ret =3D pin…` or a line of base64). Each line keeps the input line it comes from, so a
 * finding's line (an input line) finds its place.
 */
import type { SourceLine } from './source-line.ts';

export interface QuotableLine {
  /** 0-based input line the text starts on. */
  line: number;
  text: string;
}

export function quotableLines(raw: readonly string[], decodedBodies: readonly SourceLine[][] = []): QuotableLine[] {
  // input line → the decoded lines that start on it; lines an encoded line continues are dropped
  const starts = new Map<number, string[]>();
  const dropped = new Set<number>();
  for (const body of decodedBodies) {
    body.forEach((l, k) => {
      const next = body[k + 1];
      if (l.exact && (!next || next.line === l.line + 1)) return; // shown as it is
      starts.set(l.line, [...(starts.get(l.line) ?? []), l.text]);
      for (let i = l.line + 1; next && i < next.line; i++) dropped.add(i);
    });
  }
  const out: QuotableLine[] = [];
  raw.forEach((text, line) => {
    const decoded = starts.get(line);
    if (decoded) for (const t of decoded) out.push({ line, text: t });
    else if (!dropped.has(line)) out.push({ line, text });
  });
  return out;
}
