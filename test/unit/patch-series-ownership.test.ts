/**
 * Ownership across a series: patch 1 pins into a struct field in one file, patch 2 adds a
 * release of that field with put_page() in another file. The review of the series' post-image
 * reports it on patch 2's `+` line, related to patch 1's pin (both in the mail's own line
 * numbers); the series that unpins instead stays quiet.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './cli-support.ts';

const dir = join(__dirname, '..', 'fixtures', 'patches', 'series-ownership');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

interface JsonFinding {
  line: number;
  rule: string;
  message: string;
  related: Array<{ line: number }>;
}

function review(file: string): JsonFinding[] {
  const r = runCli(['check', '--format', 'json', '--api', 'unpin_user_page', join(dir, file)]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

test("patch 2's put_page() of the field patch 1 pins, in another file: reported on patch 2's line", () => {
  const text = readFileSync(join(dir, 'wrong.mbox'), 'utf8');
  const put = lineOf(text, '+\t\tput_page(r->pages[i]);');
  const pin = lineOf(text, '+\tret = pin_user_pages_fast(');
  const [f, ...rest] = review('wrong.mbox');
  assert.equal(rest.length, 0);
  assert.equal(f!.rule, 'wrong-release');
  assert.equal(f!.line, put);
  assert.equal(f!.related[0]!.line, pin);
  assert.match(f!.message, new RegExp(`\\(line ${pin} in xring_pin\\(\\)\\)`));
});

test('the series that unpins in patch 2 stays quiet', () => {
  assert.deepEqual(review('fixed.mbox'), []);
});
