/** Fixture access for the patch tests (test/fixtures/patches/, written for gup-review). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PATCH_FIXTURES = path.join(__dirname, '..', 'fixtures', 'patches');
export const FIXTURE_TREE = path.join(PATCH_FIXTURES, 'tree');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(PATCH_FIXTURES, name), 'utf8');
}

/** 0-based index of the only line of `text` equal to `line` (fails the test when not exactly one). */
export function lineOf(text: string, line: string): number {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const hits = lines.flatMap((l, i) => (l === line ? [i] : []));
  if (hits.length !== 1) throw new Error(`expected one line ${JSON.stringify(line)}, found ${hits.length}`);
  return hits[0]!;
}
