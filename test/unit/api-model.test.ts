import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { biasFromHeader, chooseModel, clearKernelTreeCache, findKernelTree } from '../../server/src/core/api-model.ts';

function tree(mmh: string): string {
  const root = mkdtempSync(join(tmpdir(), 'gup-tree-'));
  mkdirSync(join(root, 'include', 'linux'), { recursive: true });
  mkdirSync(join(root, 'drivers', 'demo'), { recursive: true });
  writeFileSync(join(root, 'include', 'linux', 'mm.h'), mmh);
  return root;
}

test('auto: a tree whose mm.h declares unpin_user_page is upstream', () => {
  clearKernelTreeCache();
  const root = tree('void unpin_user_page(struct page *page);\n#define GUP_PIN_COUNTING_BIAS (1U << 10)\n');
  const choice = chooseModel('auto', 'int x;', join(root, 'drivers', 'demo', 'demo.c'));
  assert.equal(choice.model, 'unpin_user_page');
  assert.match(choice.reason, /include\/linux\/mm\.h/);
});

test('auto: a tree without unpin_user_page is the 2019 model, even if the file pins', () => {
  clearKernelTreeCache();
  const root = tree('void put_user_page(struct page *page);\n');
  const choice = chooseModel('auto', 'pin_user_pages_fast(a, 1, 0, p);', join(root, 'drivers', 'demo', 'demo.c'));
  assert.equal(choice.model, 'put_user_page');
});

test('auto without a tree looks at the file', () => {
  clearKernelTreeCache();
  const dir = mkdtempSync(join(tmpdir(), 'gup-notree-'));
  assert.equal(
    chooseModel('auto', 'ret = pin_user_pages(a, n, FOLL_WRITE, p, NULL);', join(dir, 'a.c')).model,
    'unpin_user_page',
  );
  assert.equal(chooseModel('auto', 'flags |= FOLL_PIN;', join(dir, 'a.c')).model, 'unpin_user_page');
  assert.equal(chooseModel('auto', 'ret = get_user_pages(a, n, 0, p, NULL);', join(dir, 'a.c')).model, 'put_user_page');
  assert.equal(chooseModel(undefined, 'unpin_user_pages(p, n);').model, 'unpin_user_page');
});

test('a forced model wins over the tree', () => {
  clearKernelTreeCache();
  const root = tree('void unpin_user_page(struct page *page);\n');
  assert.deepEqual(chooseModel('put_user_page', '', join(root, 'a.c')), {
    model: 'put_user_page',
    reason: 'set by the user',
  });
});

test('the bias comes from the tree when it defines one', () => {
  assert.equal(biasFromHeader('#define GUP_PIN_COUNTING_BIAS (1U << 10)'), 1024);
  assert.equal(biasFromHeader('#define GUP_PIN_COUNTING_BIAS (1UL << 12)'), 4096);
  assert.equal(biasFromHeader('#define GUP_PIN_COUNTING_BIAS 256'), 256);
  assert.equal(biasFromHeader('nothing here'), 1024);
  clearKernelTreeCache();
  const root = tree('#define GUP_PIN_COUNTING_BIAS (1U << 11)\nvoid unpin_user_page(struct page *);\n');
  assert.equal(findKernelTree(join(root, 'drivers', 'demo', 'x.c'))?.bias, 2048);
});
