/** server/src/project: the walker, the reader and the content-hash cache, on their own. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ContentCache } from '../../server/src/project/content-cache.ts';
import { decodeSource, readSource } from '../../server/src/project/read-source.ts';
import { walkSourceFiles } from '../../server/src/project/walk.ts';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-project-'));
}

test('the walker takes .c and .h, skips hidden directories and node_modules, and ends link loops', () => {
  const dir = tempDir();
  try {
    for (const f of ['a.c', 'b.h', 'c.txt', '.git/d.c', 'node_modules/e.c', 'sub/f.c']) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), '');
    }
    fs.symlinkSync('..', path.join(dir, 'sub', 'up'));
    const { files, errors } = walkSourceFiles([dir]);
    assert.deepEqual(
      files.map((f) => path.relative(dir, f)),
      ['a.c', 'b.h', 'sub/f.c'],
    );
    assert.deepEqual(errors, []);
    // Two roots, one inside the other: walked once.
    assert.equal(walkSourceFiles([dir, path.join(dir, 'sub')]).files.length, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the reader: prefilter on walked files, size limit and regular files on named ones, encoding', () => {
  const dir = tempDir();
  try {
    const f = path.join(dir, 'x.c');
    fs.writeFileSync(f, 'int x;\n');
    assert.equal(readSource(f, { explicit: false, keep: () => false }).kind, 'skipped');
    const kept = readSource(f, { explicit: false, keep: () => true });
    assert.equal(kept.kind === 'read' && kept.source.buf.toString(), 'int x;\n');
    assert.deepEqual(readSource(f, { explicit: true, maxFileSize: 3 }), { kind: 'too-big', size: 7 });
    assert.equal(readSource(dir, { explicit: true }).kind, 'not-regular');
    assert.deepEqual(readSource(path.join(dir, 'missing.c'), { explicit: true }), {
      kind: 'failed',
      reason: 'no such file',
    });
    assert.deepEqual(decodeSource(Buffer.from([0x69, 0, 0x6e])), { error: 'binary file' });
    assert.deepEqual(decodeSource(Buffer.from([0xff, 0xfe, 0x41])), { error: 'not valid UTF-8' });
    assert.deepEqual(decodeSource(Buffer.from('ünï')), { text: 'ünï' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the content-hash cache answers by content and options, and forgets the least recently used', () => {
  const cache = new ContentCache<number>(2);
  cache.set('int a;', 'unpin', 1);
  assert.equal(cache.get('int a;', 'unpin'), 1);
  assert.equal(cache.get('int a;', 'put'), undefined, 'other options: another entry');
  assert.equal(cache.get('int a; ', 'unpin'), undefined, 'other content: another entry');
  cache.set('int b;', 'unpin', 2);
  cache.get('int a;', 'unpin'); // a is now the most recently used
  cache.set('int c;', 'unpin', 3);
  assert.equal(cache.size, 2);
  assert.equal(cache.get('int b;', 'unpin'), undefined, 'b went first');
  assert.equal(cache.get('int a;', 'unpin'), 1);
});
