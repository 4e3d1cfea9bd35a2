/**
 * The `$gup-review` problem matcher in package.json must read the CLI's real gcc-style output:
 * run dist/cli.js on a fixture and match its lines with the contributed regexp.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

test('the $gup-review problem matcher parses the CLI text output', () => {
  const matcher = pkg.contributes.problemMatchers.find((m: { name: string }) => m.name === 'gup-review');
  assert.ok(matcher, 'a problem matcher named gup-review');
  const p = matcher.pattern;
  const re = new RegExp(p.regexp);
  const fixture = path.join('test', 'lsp', 'fixtures', 'pin-one-put-page.c');
  const run = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', fixture], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(run.status, 1, `findings expected: ${run.stderr}`);
  const lines = run.stdout.split('\n').filter(Boolean);
  const matched = lines.map((l) => re.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  assert.equal(matched.length, 1, `exactly the finding line matches (notes and summary do not):\n${run.stdout}`);
  const m = matched[0]!;
  assert.equal(m[p.file], fixture);
  assert.equal(m[p.line], '14');
  assert.equal(m[p.column], '2');
  assert.equal(m[p.severity], 'warning');
  assert.equal(m[p.code], 'wrong-release');
  assert.match(m[p.message]!, /released with put_page\(\)/);
  assert.ok(!m[p.message]!.includes('[gup/'), 'the rule tag is not part of the message');
});
