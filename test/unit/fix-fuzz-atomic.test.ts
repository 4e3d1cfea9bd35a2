/**
 * Gaps left by cli-fix.test.ts in `check --fix`'s atomic write: a symbolic link is fixed through
 * (the link stays a link), a failure after the temp file is written leaves the original byte for
 * byte and no temp file, and fixes land on the right columns in a CRLF file with astral-plane
 * characters before the call on the same line (UTF-16 columns).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readSnapshot, writeFileAtomic } from '../../server/src/cli/write-atomic.ts';
import { makeTree, runCli, WRONG_RELEASE_C, WRONG_RELEASE_FIXED_C } from './cli-support.ts';

describe('check --fix writes atomically (gaps)', () => {
  it('through a symbolic link: the target is fixed, the link stays a link', () => {
    const tree = makeTree({ 'real.c': WRONG_RELEASE_C });
    try {
      fs.symlinkSync('real.c', path.join(tree.dir, 'link.c'));
      const r = runCli(['check', '--fix', '--api', 'unpin_user_page', 'link.c'], { cwd: tree.dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(fs.lstatSync(path.join(tree.dir, 'link.c')).isSymbolicLink(), 'the link was replaced by a file');
      assert.equal(fs.readFileSync(path.join(tree.dir, 'real.c'), 'utf8'), WRONG_RELEASE_FIXED_C);
      assert.deepEqual(fs.readdirSync(tree.dir).sort(), ['link.c', 'real.c'], 'no temp file left');
    } finally {
      tree.cleanup();
    }
  });

  it('a failure after the temp file is written leaves the original intact and no temp file', () => {
    const tree = makeTree({ 'a.c': WRONG_RELEASE_C });
    try {
      const file = path.join(tree.dir, 'a.c');
      const snap = readSnapshot(file);
      let temp = '';
      assert.throws(
        () =>
          writeFileAtomic(file, WRONG_RELEASE_FIXED_C, snap, {
            beforeCheck: (t) => {
              temp = t;
              assert.equal(fs.readFileSync(t, 'utf8'), WRONG_RELEASE_FIXED_C, 'temp file holds the whole new text');
              throw new Error('disk full');
            },
          }),
        /disk full/,
      );
      assert.ok(temp.startsWith(tree.dir + path.sep), 'the temp file is in the same directory');
      assert.equal(fs.readFileSync(file, 'utf8'), WRONG_RELEASE_C, 'original unchanged');
      assert.deepEqual(fs.readdirSync(tree.dir), ['a.c'], 'temp file removed');
    } finally {
      tree.cleanup();
    }
  });

  it('CRLF and astral-plane characters before the call: the fix lands on the call, line ends kept', () => {
    const crlf = WRONG_RELEASE_C.replace('\tput_page(page);', '\t/* 🐧𝔘 é */ put_page(page);').replace(/\n/g, '\r\n');
    const tree = makeTree({ 'w.c': crlf });
    try {
      const r = runCli(['check', '--fix', '--api', 'unpin_user_page', 'w.c'], { cwd: tree.dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(
        fs.readFileSync(path.join(tree.dir, 'w.c'), 'utf8'),
        crlf.replace('put_page(page);', 'unpin_user_page(page);'),
      );
    } finally {
      tree.cleanup();
    }
  });
});
