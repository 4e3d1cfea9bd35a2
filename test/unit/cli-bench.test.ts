/**
 * The benchmark script runs end to end (not a timing test: it runs on a tiny tree of our own,
 * shaped like a kernel tree, and checks the report's shape, the findings per rule and the
 * focused-vs-whole-file comparison).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { makeTree, WRONG_RELEASE_C } from './cli-support.ts';

const MM_H = `/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DEMO_MM_H
#define _DEMO_MM_H
#define GUP_PIN_COUNTING_BIAS (1U << 10)
void unpin_user_page(struct page *page);
#endif
`;

const GUP_C = `// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

long demo_pin_range(unsigned long start, unsigned long nr, struct page **pages)
{
	return pin_user_pages_fast(start, nr, FOLL_WRITE, pages);
}
`;

describe('npm run bench (smoke run on a tiny tree)', () => {
  it('prints the table, findings per rule, the whole-file check and mm/gup.c', () => {
    const tree = makeTree({
      'include/linux/mm.h': MM_H,
      'mm/gup.c': GUP_C,
      'drivers/demo/wrong.c': WRONG_RELEASE_C,
      'lib/other.c': 'int demo;\n',
    });
    try {
      const bench = path.join(__dirname, '..', 'bench', 'bench.ts');
      const r = spawnSync(process.execPath, ['--import', 'tsx', bench], {
        env: { ...process.env, KERNEL_SRC: tree.dir, BENCH_ROUNDS: '1' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /tree: 4 \.c\/\.h files/);
      assert.match(r.stdout, /^\| grep -rlE .*\(2 files match\) \| [\d.]+ \| 1\.00 \| [\d.na/]+ \| 1\.00 \|/m);
      assert.match(
        r.stdout,
        /^\| gup-review check --api unpin_user_page \| [\d.]+ \| [\d.]+ \| [\d.na\/]+ \| [\d.na\/]+ \| \d+ \| [\d.na\/]+ \| 1 \| 1 \|$/m,
      );
      assert.match(r.stdout, /^findings per rule \(unpin_user_page\): wrong-release 1$/m);
      assert.match(r.stdout, /^\| gup-review check --api unpin_user_page --jobs 1 \| /m);
      assert.match(
        r.stdout,
        /whole-file parsing \(--full-parse, put_user_page\): [\d.]+ s, findings identical to the focused run/,
      );
      assert.match(r.stdout, /^mm\/gup\.c \(0 KB\): CLI \d+ ms wall/m);
    } finally {
      tree.cleanup();
    }
  });

  it('KERNEL_SRC that is not a kernel tree: one clear error, exit 1', () => {
    const tree = makeTree({ README: 'not a kernel\n' });
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'bench', 'bench.ts')], {
        env: { ...process.env, KERNEL_SRC: tree.dir },
        encoding: 'utf8',
      });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^bench: KERNEL_SRC=.* is not a kernel tree/);
    } finally {
      tree.cleanup();
    }
  });
});
