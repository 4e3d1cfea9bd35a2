/**
 * A function's acquisitions and releases as plain data: kind, storage key, how the result is used,
 * and where the call is, with no tree node. The file-wide pass of the unit driver (fields filled
 * and released across functions, the file's facts, each function's cache key) reads only these,
 * so a function the edit did not touch is not walked again: its plain sites are kept in its memo
 * (function-memo.ts) under its text and what its callees do, rows relative to its first line, and
 * moved to where it now starts. The node-bearing sites (function-facts.ts collectSites) are built
 * only for the functions whose cached result is missing. Asked by analyze-unit.ts.
 */
import type { Range } from '../types.ts';
import type { FunctionSites } from './function-facts.ts';
import type { FunctionMemoEntry } from './function-memo.ts';
import type { AcquisitionKind, ReleaseKind, ResultUse } from './sites.ts';
import { calleeRange, rangeOf } from './syntax.ts';

export interface PlainAcquisition {
  kind: AcquisitionKind;
  key?: string;
  use: ResultUse;
  /** The callee's name and the whole call. */
  nameRange: Range;
  callRange: Range;
}

export interface PlainRelease {
  kind: ReleaseKind;
  key?: string;
  freesStorage?: boolean;
  nameRange: Range;
  callRange: Range;
}

/** In the same order as the node-bearing sites: a release's index is the same in both. */
export interface PlainSites {
  acquisitions: PlainAcquisition[];
  releases: PlainRelease[];
}

/**
 * The memo's copy: sites at rows relative to the function, for one callee signature (the entry's
 * key holds the start column, so columns need no moving).
 */
export interface MemoSites {
  signature: string;
  sites: PlainSites;
}

export function plainSitesOf(sites: FunctionSites): PlainSites {
  return {
    acquisitions: sites.acquisitions.map((a) => ({
      kind: a.kind,
      ...(a.key !== undefined ? { key: a.key } : {}),
      use: a.use,
      nameRange: calleeRange(a.call),
      callRange: rangeOf(a.call),
    })),
    releases: sites.releases.map((r) => ({
      kind: r.kind,
      ...(r.key !== undefined ? { key: r.key } : {}),
      ...(r.freesStorage ? { freesStorage: true } : {}),
      nameRange: calleeRange(r.call),
      callRange: rangeOf(r.call),
    })),
  };
}

/** A range `delta` rows further down (columns kept: the text around it is the same). */
export function shiftRange(r: Range, delta: number): Range {
  return {
    start: { line: r.start.line + delta, column: r.start.column },
    end: { line: r.end.line + delta, column: r.end.column },
  };
}

/** Moves every range of `sites` down by `delta` rows (a copy; the input is the memo's). */
export function shiftSites(sites: PlainSites, delta: number): PlainSites {
  if (delta === 0) return sites;
  const range = (r: Range) => shiftRange(r, delta);
  return {
    acquisitions: sites.acquisitions.map((a) => ({
      ...a,
      nameRange: range(a.nameRange),
      callRange: range(a.callRange),
    })),
    releases: sites.releases.map((r) => ({ ...r, nameRange: range(r.nameRange), callRange: range(r.callRange) })),
  };
}

/**
 * The plain sites of a function starting at `row` whose callees' summaries read `signature`: from
 * the memo when its text was read under the same signature, else from `full()` (and kept). The
 * memo keeps only the latest signature.
 */
export function memoizedSites(
  memo: FunctionMemoEntry,
  signature: string,
  row: number,
  full: () => FunctionSites,
): PlainSites {
  const kept = memo.plainSites;
  if (kept && kept.signature === signature) return shiftSites(kept.sites, row);
  const sites = plainSitesOf(full());
  memo.plainSites = { signature, sites: shiftSites(sites, -row) };
  return sites;
}
