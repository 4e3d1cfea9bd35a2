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
import { needleScanner } from './needle-scan.ts';
import { readRegularFileShared } from './read-source.ts';

const RELEASE_NAMES = [...new Set(RELEASES.map((r) => r.name))];
const RELEASE_RE = new RegExp(`\\b(?:${RELEASE_NAMES.join('|')})\\b`);
/**
 * The release names themselves as needles: a text that holds none of them cannot match
 * RELEASE_RE, and one scan says so for all (most candidates name no release: the regex alone
 * costs more than reading them).
 */
const releaseNames = needleScanner(RELEASE_NAMES.map((n) => Buffer.from(n, 'latin1')));

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

/**
 * A directory's test for a module-mate's text, as plain data (regex sources) so that it can be
 * sent to a worker thread: a call of a wrapper defined there, or a release and either a mention of
 * a field filled there or a definition of a function called there that nobody defines.
 */
export interface MateTest {
  calls?: string;
  mention?: string;
  defines?: string;
}

function mateTest(members: Set<string>, callees: Set<string>, wrappers: Set<string>): MateTest | undefined {
  const m = [...members].filter(Boolean);
  const c = [...callees];
  const test: MateTest = {
    ...(wrappers.size ? { calls: `\\b(?:${[...wrappers].join('|')})\\s*\\(` } : {}),
    ...(m.length ? { mention: `(?:->|\\.)\\s*(?:${m.join('|')})\\b` } : {}),
    // A definition: the name at the start of a line's declarator, its parameters, then the body.
    ...(c.length ? { defines: `^[A-Za-z_][\\w \\t*]*?\\b(?:${c.join('|')})\\s*\\([^;{]*\\)\\s*\\{` } : {}),
  };
  return test.calls || test.mention || test.defines ? test : undefined;
}

/** The compiled regexes of a test (a directory's candidates share one test: compiled once per thread). */
const compiled = new Map<string, RegExp>();
function regexOf(source: string | undefined, flags = ''): RegExp | undefined {
  if (source === undefined) return undefined;
  const key = `${flags}/${source}`;
  let re = compiled.get(key);
  if (!re) {
    if (compiled.size > 256) compiled.clear();
    compiled.set(key, (re = new RegExp(source, flags)));
  }
  return re;
}

/** Whether a candidate's text (its bytes, read as latin1) makes it a module-mate by its directory's test. */
function passesMateTest(test: MateTest, buf: Buffer): boolean {
  let text: string | undefined;
  const str = () => (text ??= buf.toString('latin1'));
  if (regexOf(test.calls)?.test(str())) return true;
  if (releaseNames && !releaseNames.some(buf, () => true)) return false;
  if (!RELEASE_RE.test(str())) return false;
  return !!regexOf(test.mention)?.test(str()) || !!regexOf(test.defines, 'm')?.test(str());
}

/**
 * The candidates (C files not indexed) in the directory of an indexed file whose directory has a
 * test, with that test and the candidate's position in `candidates` (`at`); reading and testing
 * them is the caller's (mateTestsFor + isModuleMate is moduleMates split, so that the CLI can run
 * the tests on its worker pool).
 */
export function mateTestsFor(
  candidates: readonly string[],
  index: OwnershipIndex,
  pathOf: (file: string) => string = (f) => f,
): Array<{ file: string; test: MateTest; at: number }> {
  const wanted = wantedByDirectory(index, pathOf);
  const tests = new Map<string, MateTest | undefined>();
  const out: Array<{ file: string; test: MateTest; at: number }> = [];
  for (let at = 0; at < candidates.length; at++) {
    const f = candidates[at]!;
    if (!f.endsWith('.c')) continue;
    const dir = path.dirname(f);
    const w = wanted.get(dir);
    if (!w) continue;
    if (!tests.has(dir)) tests.set(dir, mateTest(w.members, w.callees, w.wrappers));
    const test = tests.get(dir);
    if (test) out.push({ file: f, test, at });
  }
  return out;
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
  return mateTestsFor(candidates, index, pathOf).flatMap(({ file, test }) => (isModuleMate(file, test) ? [file] : []));
}

/** Whether the file on disk passes its directory's test (an unreadable file does not). */
export function isModuleMate(file: string, test: MateTest): boolean {
  try {
    return passesMateTest(test, readRegularFileShared(file));
  } catch {
    return false;
  }
}
