/** `check --fix` (atomic, mode kept, refuses a file changed on disk) and `check --diff` (changes nothing). */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ChangedOnDiskError, readSnapshot, writeFileAtomic } from '../../server/src/cli/write-atomic.ts';
import { makeTree, runCli, WRONG_RELEASE_C, WRONG_RELEASE_FIXED_C } from './cli-support.ts';

describe('gup-review check --fix', () => {
  it('writes the fixed text, keeps the file mode, reports what is left (nothing) and exits 0', () => {
    const tree = makeTree({ 'drv/wrong.c': WRONG_RELEASE_C });
    try {
      const file = path.join(tree.dir, 'drv/wrong.c');
      fs.chmodSync(file, 0o640);
      const r = runCli(['check', '--fix', '--api', 'unpin_user_page', 'drv/wrong.c'], { cwd: tree.dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(fs.readFileSync(file, 'utf8'), WRONG_RELEASE_FIXED_C);
      assert.equal(fs.statSync(file).mode & 0o7777, 0o640);
      assert.match(r.stdout, /0 findings.*; 1 fix applied/);
      assert.deepEqual(fs.readdirSync(path.join(tree.dir, 'drv')), ['wrong.c'], 'no temp file left behind');
      const again = runCli(['check', '--api', 'unpin_user_page', 'drv/wrong.c'], { cwd: tree.dir });
      assert.equal(again.code, 0, again.stdout);
    } finally {
      tree.cleanup();
    }
  });

  it('auto: --fix never changes the model it decided from the text as read (twice: put_page stays put_page)', () => {
    // get_user_pages() pages released with unpin_user_page(): mismatched in the upstream model,
    // fixed to put_page(). The fixed text no longer names unpin_user_page; re-deciding the model
    // from it (without a kernel tree) flipped to the 2019 model, reported put_page() as wrong and
    // the second --fix wrote put_user_page().
    const MISMATCHED_C = `// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

static int demo_read_user_page(unsigned long uaddr)
{
\tstruct page *page;
\tlong ret;

\tret = get_user_pages(uaddr, 1, 0, &page, NULL);
\tif (ret != 1)
\t\treturn ret < 0 ? ret : -EFAULT;
\tunpin_user_page(page);
\treturn 0;
}
`;
    const tree = makeTree({ 'drv/mismatched.c': MISMATCHED_C });
    try {
      const file = path.join(tree.dir, 'drv/mismatched.c');
      const first = runCli(['check', '--fix', 'drv/mismatched.c'], { cwd: tree.dir });
      assert.equal(fs.readFileSync(file, 'utf8'), MISMATCHED_C.replace('unpin_user_page(page)', 'put_page(page)'));
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stdout, /0 findings.*; 1 fix applied/);
      const second = runCli(['check', '--fix', 'drv/mismatched.c'], { cwd: tree.dir });
      assert.equal(second.code, 0, second.stdout + second.stderr);
      assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /put_user_page/);
    } finally {
      tree.cleanup();
    }
  });

  it('cannot write to stdin: says so, leaves the finding', () => {
    const r = runCli(['check', '--fix', '--api', 'unpin_user_page', '-'], { input: WRONG_RELEASE_C });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /--fix cannot write to stdin/);
  });
});

describe('gup-review check --diff', () => {
  it('prints a unified diff that applies with patch -p1, and changes nothing', () => {
    const tree = makeTree({ 'drv/wrong.c': WRONG_RELEASE_C });
    try {
      const file = path.join(tree.dir, 'drv/wrong.c');
      const before = fs.statSync(file);
      const r = runCli(['check', '--diff', '--api', 'unpin_user_page', 'drv/wrong.c'], { cwd: tree.dir });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(fs.readFileSync(file, 'utf8'), WRONG_RELEASE_C);
      assert.equal(fs.statSync(file).mtimeMs, before.mtimeMs);
      assert.match(r.stdout, /^--- a\/drv\/wrong\.c\n\+\+\+ b\/drv\/wrong\.c\n@@ /);
      assert.match(r.stdout, /^-\tput_page\(page\);$/m);
      assert.match(r.stdout, /^\+\tunpin_user_page\(page\);$/m);
      assert.match(r.stderr, /nothing written/);
      const applied = spawnSync('patch', ['-p1', '--dry-run'], { cwd: tree.dir, input: r.stdout, encoding: 'utf8' });
      if (applied.error) return; // no patch(1) here: the diff shape was checked above
      assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    } finally {
      tree.cleanup();
    }
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content and keeps the mode', () => {
    const tree = makeTree({ 'f.c': 'old\n' });
    try {
      const file = path.join(tree.dir, 'f.c');
      fs.chmodSync(file, 0o600);
      const snap = readSnapshot(file);
      writeFileAtomic(file, 'new\n', snap);
      assert.equal(fs.readFileSync(file, 'utf8'), 'new\n');
      assert.equal(fs.statSync(file).mode & 0o7777, 0o600);
      assert.deepEqual(fs.readdirSync(tree.dir), ['f.c']);
    } finally {
      tree.cleanup();
    }
  });

  it("refuses when the file changed after it was read, and keeps the other writer's content", () => {
    const tree = makeTree({ 'f.c': 'old\n' });
    try {
      const file = path.join(tree.dir, 'f.c');
      const snap = readSnapshot(file);
      let sawTemp = false;
      assert.throws(
        () =>
          writeFileAtomic(file, 'fixed\n', snap, {
            beforeCheck: (temp) => {
              sawTemp = fs.readFileSync(temp, 'utf8') === 'fixed\n';
              fs.writeFileSync(file, 'edited by someone else\n');
            },
          }),
        ChangedOnDiskError,
      );
      assert.ok(sawTemp, 'the new content was in a temp file before the check');
      assert.equal(fs.readFileSync(file, 'utf8'), 'edited by someone else\n');
      assert.deepEqual(fs.readdirSync(tree.dir), ['f.c'], 'temp file removed');
    } finally {
      tree.cleanup();
    }
  });

  it('refuses a same-size change made within the same mtime tick (compares content too)', () => {
    const tree = makeTree({ 'f.c': 'aaaa\n' });
    try {
      const file = path.join(tree.dir, 'f.c');
      const snap = readSnapshot(file);
      assert.throws(
        () =>
          writeFileAtomic(file, 'fixed\n', snap, {
            beforeCheck: () => {
              fs.writeFileSync(file, 'bbbb\n');
              fs.utimesSync(file, fs.statSync(file).atime, new Date(snap.mtimeMs));
            },
          }),
        ChangedOnDiskError,
      );
      assert.equal(fs.readFileSync(file, 'utf8'), 'bbbb\n');
    } finally {
      tree.cleanup();
    }
  });
});
