/**
 * The series view of the inventory: for a patch, mbox or series, every acquisition site its
 * patches add, convert, change or remove, on the input's own lines, with the family before and
 * after: `-get_user_pages_fast(…)` → `+pin_user_pages_fast(…)` in one change block is a get→pin
 * conversion. A reviewer of a conversion series sees its progress at once (how many sites
 * converted, which still take references). Read from the hunks (the table names the families);
 * asked by `gup-review inventory` for patch and mail inputs.
 */
import { findAcquisition, type AcquisitionFamily } from '../api-table.ts';
import type { ApiModel } from '../types.ts';
import type { HunkLine } from './diff-parse.ts';
import { acquisitionClass, allChangeBlocks, callsIn } from './patch-evidence.ts';
import type { PatchInput } from './read-input.ts';

export type SiteChange = 'added' | 'converted' | 'changed' | 'removed';

export interface SeriesSite {
  file: string;
  /** 1-based index of the patch in the series, and its subject. */
  patch: number;
  subject?: string;
  /** 1-based line of the input that shows the call (the `+` line; the `-` line for `removed`). */
  line: number;
  call: string;
  family: AcquisitionFamily;
  /** What the pages need in the model: pin or ref. */
  needs?: 'pin' | 'ref';
  change: SiteChange;
  /** The acquisition the change block removed for it (converted or changed). */
  before?: { call: string; family: AcquisitionFamily; needs?: 'pin' | 'ref'; line: number };
}

const C_FILE = /\.[ch]$/;

export function seriesSites(input: PatchInput, model: ApiModel): SeriesSite[] {
  const out: SeriesSite[] = [];
  const patches = input.series.length ? input.series : input.quoted;
  patches.forEach((p, i) => {
    for (const fd of p.files) {
      const file = fd.newPath ?? fd.oldPath ?? '(unnamed)';
      if (!C_FILE.test(file) || fd.binary) continue;
      for (const hunk of fd.hunks)
        for (const b of allChangeBlocks(hunk)) {
          const acq = (lines: HunkLine[]) => callsIn(lines).filter((c) => findAcquisition(c.name));
          const removed = acq(b.removed);
          const added = acq(b.added);
          const site = (c: (typeof added)[number]) => {
            const needs = acquisitionClass(c, model);
            return { call: c.name, family: findAcquisition(c.name)!.family, ...(needs ? { needs } : {}) };
          };
          added.forEach((c, k) => {
            const was = removed[k];
            const now = site(c);
            const before = was ? { ...site(was), line: was.src.line + 1 } : undefined;
            const change: SiteChange = !before
              ? 'added'
              : before.needs !== now.needs || before.family !== now.family
                ? 'converted'
                : 'changed';
            out.push({
              file,
              patch: i + 1,
              subject: p.subject,
              line: c.src.line + 1,
              ...now,
              change,
              ...(before ? { before } : {}),
            });
          });
          for (const was of removed.slice(added.length))
            out.push({
              file,
              patch: i + 1,
              subject: p.subject,
              line: was.src.line + 1,
              ...site(was),
              change: 'removed',
            });
        }
    }
  });
  return out;
}
