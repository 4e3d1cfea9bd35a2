/**
 * Hostile inputs for `gup-review check`, generated in a temp dir: binary, NUL bytes, invalid UTF-8,
 * a 50 MB file, a 10 MB line, 10,000 nested parentheses and braces, patches with wrong hunk counts
 * or cut short, a 10,000-message mbox, a directory symlink loop, a FIFO, dangling links, missing
 * paths, unknown options. Each bad input gets one line naming it and the reason, the other inputs
 * are still checked, the exit code is 2, and no stack trace is printed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, makeTree, runCli, WRONG_RELEASE_C } from './cli-support.ts';

/** Our own kernel-style hunk: a pin released with put_page (a wrong-release in the patch). */
const HUNK_PATCH = `diff --git a/drivers/demo/demo.c b/drivers/demo/demo.c
--- a/drivers/demo/demo.c
+++ b/drivers/demo/demo.c
@@ -10,7 +10,7 @@ static int demo_pin(struct page **pages)
 	long ret;
 
 	ret = pin_user_pages(0, 1, 0, pages, NULL);
-	unpin_user_page(pages[0]);
+	put_page(pages[0]);
 	return ret;
 }
 
`;

function mboxMessage(i: number): string {
  return (
    `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: Dev <dev@example.org>\n` +
    `Subject: [PATCH ${i}/10000] demo: pin\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n---\n${HUNK_PATCH}--\n2.40.0\n\n`
  );
}

const NESTED_PARENS = `${WRONG_RELEASE_C}\nstatic int demo_deep(void)\n{\n\treturn ${'('.repeat(10_000)}1${')'.repeat(10_000)};\n}\n`;
/** The release sits under 10,000 braces: the matcher recursed once per block. */
const NESTED_BRACES = `static int demo_nest(struct page **pages)\n{\n\tlong ret = pin_user_pages(0, 1, 0, pages, NULL);\n${'{'.repeat(10_000)}put_page(pages[0]);${'}'.repeat(10_000)}\n\treturn ret;\n}\n`;

function assertNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, `stack trace printed:\n${text.slice(0, 2000)}`);
  assert.doesNotMatch(text, /internal error/);
}

/** stderr lines that name `file` (the summary line names none). */
function linesAbout(stderr: string, file: string): string[] {
  return stderr.split('\n').filter((l) => l.includes(file));
}

describe('gup-review check with hostile inputs', () => {
  let tree: ReturnType<typeof makeTree>;
  let dir: string;

  before(() => {
    tree = makeTree({
      'good.c': WRONG_RELEASE_C,
      'nul.c': Buffer.concat([
        Buffer.from(WRONG_RELEASE_C.slice(0, 200)),
        Buffer.from([0]),
        Buffer.from(WRONG_RELEASE_C.slice(200)),
      ]),
      'binary.c': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)),
      'latin1.c': Buffer.concat([Buffer.from(WRONG_RELEASE_C), Buffer.from('/* caf\xe9 \xff\xfe */\n', 'latin1')]),
      'line10mb.c': `${WRONG_RELEASE_C}static int demo_sum = ${'1 + '.repeat(2_500_000)}1;\n`,
      'parens.c': NESTED_PARENS,
      'braces.c': NESTED_BRACES,
      'wrong-counts.patch': HUNK_PATCH.replace('@@ -10,7 +10,7 @@', '@@ -10,70 +10,9 @@'),
      'cut.patch': HUNK_PATCH.slice(0, HUNK_PATCH.indexOf('+\tput_page') + 6),
      'series.mbox': Array.from({ length: 10_000 }, (_, i) => mboxMessage(i + 1)).join(''),
      'loop/inner/ok.c': WRONG_RELEASE_C,
    });
    dir = tree.dir;
    // 50 MB: sparse, so making it costs nothing; the size limit must refuse it without reading it.
    const fd = fs.openSync(path.join(dir, 'huge50mb.c'), 'w');
    fs.ftruncateSync(fd, 50 * 1024 * 1024);
    fs.closeSync(fd);
    fs.symlinkSync('..', path.join(dir, 'loop/inner/up'));
    fs.symlinkSync(path.join(dir, 'loop'), path.join(dir, 'loop/inner/again'));
    fs.symlinkSync('nowhere.c', path.join(dir, 'dangling.c'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.c')]);
  });
  after(() => tree.cleanup());

  it('every bad input named with its reason; the good ones still checked; exit 2; no stack trace', () => {
    const bad: Array<[string, RegExp]> = [
      ['nul.c', /nul\.c: binary file, not checked/],
      ['binary.c', /binary\.c: binary file, not checked/],
      ['latin1.c', /latin1\.c: not valid UTF-8, not checked/],
      ['huge50mb.c', /huge50mb\.c: 50\.0 MB is over the size limit \(--max-file-size 4\.0 MB\), not checked/],
      ['line10mb.c', /line10mb\.c: 9\.5 MB is over the size limit/],
      ['series.mbox', /series\.mbox: \d\.\d MB is over the size limit/],
      ['fifo.c', /fifo\.c: not a regular file, not checked/],
      ['dangling.c', /no such file: dangling\.c/],
      ['missing.c', /no such file: missing\.c/],
      ['good.c/x.c', /no such file \(a part of the path is not a directory\): good\.c\/x\.c/],
    ];
    const args = [
      'check',
      '--api',
      'unpin_user_page',
      'good.c',
      'parens.c',
      'braces.c',
      'wrong-counts.patch',
      'cut.patch',
      'loop',
      ...bad.map(([f]) => f),
    ];
    const r = runCli(args, { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assertNoStackTrace(r.stdout + r.stderr);
    for (const [file, reason] of bad) {
      const lines = linesAbout(r.stderr, file).filter((l) => !l.includes(`${file}/`) || file.includes('/'));
      assert.equal(lines.length, 1, `one line about ${file}:\n${r.stderr}`);
      assert.match(lines[0]!, reason);
    }
    // 10,000 nested braces: that one function is skipped and said so; the run and the file go on.
    assert.match(r.stdout, /^braces\.c: note: demo_nest\(\) at line 1 not analysed: nesting too deep$/m, r.stdout);
    // The good inputs were checked: their findings are on stdout.
    assert.match(r.stdout, /^good\.c:12:2: warning: .*\[gup\/wrong-release\]$/m);
    assert.match(
      r.stdout,
      /^parens\.c:12:2: warning: .*\[gup\/wrong-release\]$/m,
      'a file with 10,000 nested parentheses is analysed',
    );
    assert.match(
      r.stdout,
      /^wrong-counts\.patch:\d+:\d+: warning: .*\[gup\/wrong-release\]$/m,
      'hunk counts are not trusted',
    );
    // The symlink loop is walked once: one report for loop/inner/ok.c.
    assert.equal(r.stdout.match(/ok\.c:12:2: warning/g)?.length, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`; ${bad.length} inputs failed`));
  });

  it('limits are settings: --max-file-size lets the 10 MB line through, and applies to stdin', () => {
    const r = runCli(['check', '--api', 'unpin_user_page', '--max-file-size', '16M', 'line10mb.c'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^line10mb\.c:12:2: warning: .*\[gup\/wrong-release\]$/m);
    const none = runCli(['check', '--max-file-size', '100', 'good.c'], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /good\.c: \d+ bytes is over the size limit \(--max-file-size 100 bytes\), not checked/);
    const stdin = runCli(['check', '--max-file-size', '100', '-'], { cwd: dir, input: WRONG_RELEASE_C });
    assert.equal(stdin.code, 2);
    assert.match(stdin.stderr, /stdin: \d+ bytes is over the size limit/);
  });

  it('a 10,000-message mbox is read through when allowed (one finding per message, no crash)', () => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'check', '--api', 'unpin_user_page', '--max-file-size', '0', 'series.mbox'],
      {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        timeout: 120_000,
      },
    );
    assertNoStackTrace(r.stderr);
    assert.equal(r.status, 1, r.stderr.slice(0, 500));
    assert.match(r.stdout, /^gup-review: 1 file checked \(1 analysed\), [1-9][\d,]* findings?/m);
    assert.match(r.stdout, /^series\.mbox:\d+:\d+: warning: .*\[gup\/wrong-release\]$/m);
  });

  it('usage errors: one line, exit 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['check', '--bogus', 'good.c'], /^gup-review: unknown option '--bogus'/],
      [['frobnicate'], /^gup-review: unknown command 'frobnicate'/],
      [['check', '--max-file-size', '4X', 'good.c'], /^gup-review: --max-file-size expects a size such as 4M/],
      [['check', '--api', 'nope', 'good.c'], /^gup-review: .*--api.*nope/],
      [['check'], /^gup-review: missing required argument/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args, { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}:\n${r.stderr}`);
      assertNoStackTrace(r.stderr);
    }
  });
});
