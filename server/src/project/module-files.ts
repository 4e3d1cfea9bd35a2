/**
 * Which files of a module the ownership index needs besides those that name an acquisition: the
 * files of the same directories that name a release and either mention a field an acquisition
 * fills (a teardown.c that only put_page()s dev->pages) or define a function the indexed files
 * call and none of them defines (a util.c with the release helper). A text test, as cheap as the
 * prefilter; asked by the CLI's ownership pass and the server's index worker, so both index the
 * same files.
 */
import * as path from 'node:path';
import { ACQUISITIONS, RELEASES } from '../core/api-table.ts';
import type { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import { readRegularFileShared } from './read-source.ts';

const RELEASE_RE = new RegExp(`\\b(?:${RELEASES.map((r) => r.name).join('|')})\\b`);
const TABLE = new Set([...ACQUISITIONS, ...RELEASES].map((x) => x.name));

/** The test a module-mate's text passes, from what the index knows; undefined when nothing can. */
export function mateTest(index: OwnershipIndex): ((text: string) => boolean) | undefined {
  const members = [...index.acquiredFieldNames()];
  const callees = [...index.calledUndefined()].filter((n) => !TABLE.has(n) && /^\w+$/.test(n));
  const mention = members.length ? new RegExp(`(?:->|\\.)\\s*(?:${members.join('|')})\\b`) : undefined;
  // A definition: the name at the start of a line's declarator, its parameters, then the body.
  const defines = callees.length
    ? new RegExp(`^[A-Za-z_][\\w \\t*]*?\\b(?:${callees.join('|')})\\s*\\([^;{]*\\)\\s*\\{`, 'm')
    : undefined;
  if (!mention && !defines) return undefined;
  return (text) => RELEASE_RE.test(text) && (!!mention?.test(text) || !!defines?.test(text));
}

/** The candidates (C files not indexed yet) in the directories of the indexed files that pass `test`. */
export function moduleMates(
  candidates: readonly string[],
  indexed: readonly string[],
  test: (text: string) => boolean,
): string[] {
  const dirs = new Set(indexed.map((f) => path.dirname(f)));
  return candidates.filter((f) => {
    if (!/\.c$/.test(f) || !dirs.has(path.dirname(f))) return false;
    try {
      return test(readRegularFileShared(f).toString('latin1'));
    } catch {
      return false;
    }
  });
}
