/**
 * Which files of a module the ownership index needs besides those that name an acquisition: the
 * files of the same directories that mention a field an acquisition fills and name a release (a
 * teardown.c that only put_page()s dev->pages). A text test, as cheap as the prefilter; asked by
 * the CLI's ownership pass and the server's workspace index, so both index the same files.
 */
import * as path from 'node:path';
import { RELEASES } from '../core/api-table.ts';
import { readRegularFileShared } from './read-source.ts';

const RELEASE_RE = new RegExp(`\\b(?:${RELEASES.map((r) => r.name).join('|')})\\b`);

/** A test for text that mentions one of the member names (`->pages`, `.pages`). */
export function memberMention(names: readonly string[]): RegExp | undefined {
  return names.length ? new RegExp(`(?:->|\\.)\\s*(?:${names.join('|')})\\b`) : undefined;
}

/** Whether the file at `file` mentions a member `names` matches and names a release. */
export function touchesFields(file: string, names: RegExp): boolean {
  try {
    const text = readRegularFileShared(file).toString('latin1');
    return names.test(text) && RELEASE_RE.test(text);
  } catch {
    return false;
  }
}

/**
 * The candidates (C files not indexed yet) that are module-mates of `filling` (files with an
 * acquisition into a field whose member name `names` matches).
 */
export function moduleMates(candidates: readonly string[], filling: readonly string[], names: RegExp): string[] {
  const dirs = new Set(filling.map((f) => path.dirname(f)));
  return candidates.filter((f) => /\.c$/.test(f) && dirs.has(path.dirname(f)) && touchesFields(f, names));
}
