/**
 * Direct tests of the local alias map (server/src/core/matcher/aliases.ts): which variables name
 * which page storage, flow-insensitively; a variable assigned from two storages is no alias.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Aliases } from '../../../server/src/core/matcher/aliases.ts';
import { parseBody } from './parse-function.ts';

/** Aliases of a function whose body is `lines` (one statement per line, tab-indented for you). */
const aliasesOf = (...lines: string[]) =>
  new Aliases(
    parseBody(
      `static int demo(struct demo_ctx *ctx, struct page **pages, struct page **other, int i)\n{\n${lines.map((l) => `\t${l}\n`).join('')}}\n`,
    ),
  );

describe('Aliases.resolve', () => {
  test('p = pages[i] names pages', () => {
    const a = aliasesOf('struct page *p;', 'p = pages[i];', 'put_page(p);');
    assert.equal(a.resolve('p'), 'pages');
  });
  test('a declaration struct page **pp = ctx->pages names the field', () => {
    const a = aliasesOf('struct page **pp = ctx->pages;');
    assert.equal(a.resolve('pp'), 'ctx->pages');
  });
  test('aliases chain: pp = ctx->pages; p = pp[i] → ctx->pages', () => {
    const a = aliasesOf('struct page **pp = ctx->pages;', 'struct page *p = pp[i];');
    assert.equal(a.resolve('p'), 'ctx->pages');
  });
  test('a field path keeps its tail on the aliased base: c->pages with c = ctx', () => {
    const a = aliasesOf('struct demo_ctx *c = ctx;');
    assert.equal(a.resolve('c->pages'), 'ctx->pages');
  });
  test('*pages, pages + n, &pages[i] and page_folio(pages[i]) all name pages', () => {
    const a = aliasesOf(
      'struct page *p0 = *pages;',
      'struct page **tail = pages + 4;',
      'struct page **slot = &pages[i];',
      'struct folio *f = page_folio(pages[i]);',
    );
    for (const v of ['p0', 'tail', 'slot', 'f']) assert.equal(a.resolve(v), 'pages', v);
  });
  test('a variable assigned from two storages is no alias', () => {
    const a = aliasesOf('struct page *p;', 'p = pages[0];', 'p = other[1];');
    assert.equal(a.resolve('p'), 'p');
  });
  test('a variable assigned from a storage and from an expression we cannot read is no alias', () => {
    const a = aliasesOf('struct page *p;', 'p = pages[0];', 'p = i ? pages[1] : NULL;');
    assert.equal(a.resolve('p'), 'p');
  });
  test('NULL assignments do not count as a second storage', () => {
    const a = aliasesOf('struct page *p = NULL;', 'p = pages[i];');
    assert.equal(a.resolve('p'), 'pages');
  });
  test('a variable whose address is passed (&page) is storage of its own', () => {
    const a = aliasesOf('struct page *page = pages[0];', 'get_user_pages_fast(0, 1, 0, &page);');
    assert.equal(a.resolve('page'), 'page');
  });
  test('an allocation into the array itself (pages = kvcalloc(...)) keeps it its own storage', () => {
    const a = aliasesOf('struct page **arr;', 'arr = kvcalloc(8, sizeof(*arr), GFP_KERNEL);');
    assert.equal(a.resolve('arr'), 'arr');
  });
  test('storing a page into an array: arr[n] = p makes arr an alias of p', () => {
    const a = aliasesOf('struct page *arr[4];', 'struct page *p;', 'arr[0] = p;');
    assert.equal(a.resolve('arr'), 'p');
  });
  test('a bio_vec initialiser carrying pages[i] names pages', () => {
    const a = aliasesOf('struct bio_vec bv = { .bv_page = pages[i], .bv_len = PAGE_SIZE };');
    assert.equal(a.resolve('bv'), 'pages');
  });
  test('an unknown variable resolves to itself', () => {
    assert.equal(aliasesOf('int x = 0;').resolve('nothing'), 'nothing');
  });
  test('p = pages[i], then p = alloc_page(): p holds two different pages, no alias', () => {
    const a = aliasesOf('struct page *p;', 'p = pages[i];', 'p = alloc_page(GFP_KERNEL);');
    assert.equal(a.resolve('p'), 'p');
  });
});

describe('Aliases.namesFor', () => {
  test('lists every variable that resolves to the storage', () => {
    const a = aliasesOf('struct page *p = pages[0];', 'struct page *q;', 'q = pages[1];', 'struct page *r = other[0];');
    assert.deepEqual(a.namesFor('pages').sort(), ['p', 'q']);
    assert.deepEqual(a.namesFor('other'), ['r']);
    assert.deepEqual(a.namesFor('ctx->pages'), []);
  });
});
