/**
 * Which files of a module the ownership index needs besides those that name an acquisition: the
 * files of the same directory as an indexed file that call an extern wrapper defined there (they
 * take pages through it), or that name a release and either mention a field an acquisition of
 * that directory fills (a teardown.c that only put_page()s dev->pages) or define a function an
 * indexed file of that directory calls and no indexed file defines (a util.c with the release
 * helper). A text test, as cheap as the prefilter; asked by the CLI's
 * ownership pass and the server's index worker, so both index the same files.
 */
import * as path from 'node:path';
import { RELEASES, isTableFunction } from '../core/api-table.ts';
import { memberOf } from '../core/matcher/fields.ts';
import type { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import { readRegularFileShared } from './read-source.ts';

const RELEASE_RE = new RegExp(`\\b(?:${RELEASES.map((r) => r.name).join('|')})\\b`);

/** Per directory: the member names its acquisitions fill and the names its files call but nobody defines. */
function wantedByDirectory(index: OwnershipIndex, pathOf: (file: string) => string) {
  const defined = new Set<string>();
  for (const f of index.files) for (const fn of index.factsOf(f)?.functions ?? []) defined.add(fn.name);
  const by = new Map<string, { members: Set<string>; callees: Set<string>; wrappers: Set<string> }>();
  for (const f of index.files) {
    const dir = path.dirname(pathOf(f));
    let w = by.get(dir);
    if (!w) by.set(dir, (w = { members: new Set(), callees: new Set(), wrappers: new Set() }));
    const facts = index.factsOf(f)!;
    // Extern wrappers defined here: a file of the directory that calls one takes pages.
    for (const fn of facts.functions)
      if (fn.acquiresFor && !fn.isStatic && !isTableFunction(fn.name)) w.wrappers.add(fn.name);
    for (const ev of facts.fields) if (ev.event === 'acquire') w.members.add(memberOf(ev.field.path));
    for (const fn of facts.functions)
      for (const c of fn.calls) if (!defined.has(c) && !isTableFunction(c) && /^\w+$/.test(c)) w.callees.add(c);
  }
  return by;
}

/** A directory's test for a module-mate's text (undefined: nothing there can be one). */
function mateTest(
  members: Set<string>,
  callees: Set<string>,
  wrappers: Set<string>,
): ((text: string) => boolean) | undefined {
  const m = [...members].filter(Boolean);
  const c = [...callees];
  const calls = wrappers.size ? new RegExp(`\\b(?:${[...wrappers].join('|')})\\s*\\(`) : undefined;
  const mention = m.length ? new RegExp(`(?:->|\\.)\\s*(?:${m.join('|')})\\b`) : undefined;
  // A definition: the name at the start of a line's declarator, its parameters, then the body.
  const defines = c.length
    ? new RegExp(`^[A-Za-z_][\\w \\t*]*?\\b(?:${c.join('|')})\\s*\\([^;{]*\\)\\s*\\{`, 'm')
    : undefined;
  if (!mention && !defines && !calls) return undefined;
  return (text) => !!calls?.test(text) || (RELEASE_RE.test(text) && (!!mention?.test(text) || !!defines?.test(text)));
}

/**
 * The candidates (C files not indexed) in the directory of an indexed file that pass its
 * directory's test. `pathOf` gives an index key's path on disk (the CLI keys by display name).
 */
export function moduleMates(
  candidates: readonly string[],
  index: OwnershipIndex,
  pathOf: (file: string) => string = (f) => f,
): string[] {
  const wanted = wantedByDirectory(index, pathOf);
  const tests = new Map<string, ((text: string) => boolean) | undefined>();
  return candidates.filter((f) => {
    if (!/\.c$/.test(f)) return false;
    const dir = path.dirname(f);
    const w = wanted.get(dir);
    if (!w) return false;
    if (!tests.has(dir)) tests.set(dir, mateTest(w.members, w.callees, w.wrappers));
    const test = tests.get(dir);
    if (!test) return false;
    try {
      return test(readRegularFileShared(f).toString('latin1'));
    } catch {
      return false;
    }
  });
}
