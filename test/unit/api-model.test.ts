/**
 * The API-model decision (domain.md §3): core/api-model.ts judges the evidence, project/api-model.ts
 * finds the kernel tree and keeps decisions. `auto` without a tree is upstream unless the text
 * calls put_user_page*() (it was "2019 unless the file pins" before the correction).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { biasFromHeader, decideModel, kernelTreeInfo } from '../../server/src/core/api-model.ts';
import {
  clearKernelTreeCache,
  decideFileModel,
  decidePatchModel,
  findKernelTree,
  ModelDecisions,
} from '../../server/src/project/api-model.ts';

function tree(mmh: string): string {
  const root = mkdtempSync(join(tmpdir(), 'gup-tree-'));
  mkdirSync(join(root, 'include', 'linux'), { recursive: true });
  mkdirSync(join(root, 'drivers', 'demo'), { recursive: true });
  writeFileSync(join(root, 'include', 'linux', 'mm.h'), mmh);
  return root;
}

test('auto: a tree whose mm.h declares unpin_user_page is upstream, and the reason names the header', () => {
  clearKernelTreeCache();
  const root = tree('void unpin_user_page(struct page *page);\n#define GUP_PIN_COUNTING_BIAS (1U << 10)\n');
  const choice = decideFileModel('auto', 'put_user_page(p);', join(root, 'drivers', 'demo', 'demo.c'));
  assert.equal(choice.model, 'unpin_user_page');
  assert.equal(choice.evidence.kind, 'kernel-tree');
  assert.match(choice.reason, /include\/linux\/mm\.h declares unpin_user_page\(\)/);
});

test('auto: a tree whose mm.h declares put_user_page and not unpin_user_page is the 2019 model, even if the file pins', () => {
  clearKernelTreeCache();
  const root = tree('void put_user_page(struct page *page);\n');
  const choice = decideFileModel('auto', 'pin_user_pages_fast(a, 1, 0, p);', join(root, 'drivers', 'demo', 'demo.c'));
  assert.equal(choice.model, 'put_user_page');
  assert.match(choice.reason, /declares put_user_page\(\) and not unpin_user_page\(\)/);
});

test('auto: a tree whose mm.h declares neither is upstream', () => {
  clearKernelTreeCache();
  const root = tree('struct page;\n');
  assert.equal(
    decideFileModel('auto', 'put_user_page(p);', join(root, 'drivers', 'demo', 'x.c')).model,
    'unpin_user_page',
  );
});

test('auto without a tree: upstream, unless the file calls put_user_page*() (the corrected rule)', () => {
  clearKernelTreeCache();
  const dir = mkdtempSync(join(tmpdir(), 'gup-notree-'));
  const file = join(dir, 'a.c');
  // A current driver file checked outside a tree gets unpin/put_page advice, never put_user_page().
  const gup = decideFileModel('auto', 'ret = get_user_pages(a, n, 0, p, NULL);\nput_page(p[0]);', file);
  assert.equal(gup.model, 'unpin_user_page');
  assert.deepEqual(gup.evidence, { kind: 'default' });
  assert.match(gup.reason, /no kernel tree and no put_user_page\*\(\) call in the file/);
  assert.equal(
    decideFileModel('auto', 'ret = pin_user_pages(a, n, FOLL_WRITE, p, NULL);', file).model,
    'unpin_user_page',
  );
  const old = decideFileModel(
    'auto',
    'int x;\n\tret = get_user_pages(a, n, 0, p, NULL);\n\tput_user_pages_dirty_lock(p, n, true);',
    file,
  );
  assert.equal(old.model, 'put_user_page');
  assert.deepEqual(old.evidence, { kind: 'text', call: 'put_user_pages_dirty_lock', line: 3 });
  assert.match(old.reason, /calls put_user_pages_dirty_lock\(\) \(line 3\)/);
  // A name in a comment or a longer identifier is not a call.
  assert.equal(decideFileModel('auto', '/* put_user_page */ my_put_user_page_x(p);', file).model, 'unpin_user_page');
  assert.equal(decideModel(undefined, null, 'unpin_user_pages(p, n);').model, 'unpin_user_page');
});

test('a patch is judged as given and as decoded', () => {
  const choice = decidePatchModel('auto', ['Q29udGVudA==', '+\tput_user_page(page);\n']);
  assert.equal(choice.model, 'put_user_page');
  assert.match(choice.reason, /the patch calls put_user_page\(\)/);
  assert.equal(decidePatchModel('auto', ['+\tput_page(page);\n']).model, 'unpin_user_page');
});

test('a forced model wins over the tree', () => {
  clearKernelTreeCache();
  const root = tree('void unpin_user_page(struct page *page);\n');
  assert.deepEqual(decideFileModel('put_user_page', '', join(root, 'a.c')), {
    model: 'put_user_page',
    reason: 'set by the user',
    evidence: { kind: 'setting' },
  });
});

test('a decision is kept per id and revision, whatever the text is now', () => {
  const d = new ModelDecisions();
  const first = d.decide('f.c', 1, 'auto', () => decideModel('auto', null, 'put_user_page(p);'));
  const again = d.decide('f.c', 1, 'auto', () => decideModel('auto', null, 'put_page(p);'));
  assert.equal(again, first);
  assert.equal(d.decide('f.c', 2, 'auto', () => decideModel('auto', null, 'put_page(p);')).model, 'unpin_user_page');
});

test('the bias comes from the tree when it defines one', () => {
  assert.equal(biasFromHeader('#define GUP_PIN_COUNTING_BIAS (1U << 10)'), 1024);
  assert.equal(biasFromHeader('#define GUP_PIN_COUNTING_BIAS (1UL << 12)'), 4096);
  assert.equal(biasFromHeader('#define GUP_PIN_COUNTING_BIAS 256'), 256);
  assert.equal(biasFromHeader('nothing here'), 1024);
  assert.equal(kernelTreeInfo('mm.h', 'void unpin_user_page(struct page *);').declares, 'unpin_user_page');
  clearKernelTreeCache();
  const root = tree('#define GUP_PIN_COUNTING_BIAS (1U << 11)\nvoid unpin_user_page(struct page *);\n');
  assert.equal(findKernelTree(join(root, 'drivers', 'demo', 'x.c'))?.bias, 2048);
});

test('unpin_folio() (6.11+) is the target only when the tree mm.h declares it or the text calls a 6.11+ folio pin function', () => {
  const mm611 = kernelTreeInfo(
    '/k/include/linux/mm.h',
    'void unpin_user_page(struct page *page);\nvoid unpin_folio(struct folio *folio);\n',
  );
  const mm61 = kernelTreeInfo('/k/include/linux/mm.h', 'void unpin_user_page(struct page *page);\n');
  assert.equal(mm611.unpinFolio, true);
  assert.equal(mm61.unpinFolio, undefined);
  assert.equal(decideModel('auto', mm611, 'int x;').unpinFolio, true);
  assert.equal(decideModel('auto', mm61, 'int x;').unpinFolio, undefined);
  assert.equal(decideModel('auto', null, 'int x;').unpinFolio, undefined);
  assert.equal(decideModel('unpin_user_page', null, '\tunpin_folios(folios, n);').unpinFolio, true);
  assert.equal(decideModel('auto', null, '/* unpin_folio is 6.11+ */').unpinFolio, undefined);
});
