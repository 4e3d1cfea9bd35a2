/**
 * Questions about pairings (see matcher/pairings.ts): which calls pair with the API call at a
 * position. Asked by the language server's hover, document highlight and references, so that what
 * they show is what the matcher's data flow found, the same as the findings.
 */
import type { CallRef, Pairing, Range } from './types.ts';

export type PartnerRole = 'acquisition' | 'release';

export interface Partner extends CallRef {
  role: PartnerRole;
  /** For a release partner (or the release asked about): whether it is the right kind of release. */
  right?: boolean;
  releasesWith?: string;
}

export interface CallPartners {
  role: PartnerRole;
  /** The call at the position. */
  self: CallRef;
  partners: Partner[];
}

/** Whether (line, column) lies within `r` (ends included). */
export const rangeContains = (r: Range, line: number, column: number) =>
  (line > r.start.line || (line === r.start.line && column >= r.start.column)) &&
  (line < r.end.line || (line === r.end.line && column <= r.end.column));

export const sameStart = (a: Range, b: Range) => a.start.line === b.start.line && a.start.column === b.start.column;

/** The API call whose name is at (line, column) and the calls that pair with it. */
export function partnersAt(pairings: readonly Pairing[], line: number, column: number): CallPartners | undefined {
  const asAcquisition = pairings.filter((p) => rangeContains(p.acquisition.nameRange, line, column));
  if (asAcquisition.length > 0) {
    const self = asAcquisition[0]!.acquisition;
    const all = pairings.filter((p) => sameStart(p.acquisition.nameRange, self.nameRange));
    return { role: 'acquisition', self, partners: dedupe(all.flatMap((p) => p.releases.map(asRelease))) };
  }
  const holders = pairings.filter((p) => p.releases.some((r) => rangeContains(r.nameRange, line, column)));
  if (holders.length > 0) {
    const self = holders[0]!.releases.find((r) => rangeContains(r.nameRange, line, column))!;
    const partners = holders.map((p) => {
      const rel = p.releases.find((r) => rangeContains(r.nameRange, line, column))!;
      return {
        ...p.acquisition,
        role: 'acquisition' as const,
        ...(rel.right === undefined ? {} : { right: rel.right }),
      };
    });
    return { role: 'release', self, partners: dedupe(partners) };
  }
  return undefined;
}

function asRelease(r: Pairing['releases'][number]): Partner {
  return { ...r, role: 'release' };
}

function dedupe(list: Partner[]): Partner[] {
  const seen = new Set<string>();
  return list
    .filter((p) => {
      const k = `${p.nameRange.start.line}:${p.nameRange.start.column}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort(
      (a, b) => a.nameRange.start.line - b.nameRange.start.line || a.nameRange.start.column - b.nameRange.start.column,
    );
}
