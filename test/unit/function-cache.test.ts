/**
 * The per-function cache must give exactly what a fresh analysis gives, after edits above a
 * function (its results move), inside it (recomputed) and to a helper it calls (invalidated).
 */
import { findingMessage } from '../../server/src/core/messages/format-message.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeTree, FunctionCache } from '../../server/src/core/analyze.ts';
import { createCParser, parseKernelC } from '../../server/src/core/parser.ts';
import type { AnalysisResult } from '../../server/src/core/types.ts';

const fixture = readFileSync(join(__dirname, '..', 'fixtures', 'c', 'helpers.c'), 'utf8');

async function both(text: string, cache: FunctionCache): Promise<[AnalysisResult, AnalysisResult]> {
  const parser = await createCParser();
  const tree = parseKernelC(parser, text);
  const cached = analyzeTree(text, tree, { api: 'unpin_user_page' }, cache);
  const fresh = analyzeTree(text, tree, { api: 'unpin_user_page' });
  tree.delete();
  parser.delete();
  return [cached, fresh];
}

test('cached results equal fresh ones across edits', async () => {
  const cache = new FunctionCache();
  const edits = [
    (t: string) => t,
    (t: string) => `/* a new comment\n * of three lines\n */\n${t}`, // shifts everything
    (t: string) => t.replace('demo_work(pages, got);', 'demo_work(pages, got);\n\tdemo_more(pages);'), // inside a caller
    (t: string) => t.replace('put_page(pages[i]);', 'unpin_user_page(pages[i]);'), // the helper changes
    (t: string) => t.replace('static int demo_use_page', '\n\nstatic int demo_use_page'), // shift one function
    (t: string) => t.replace('static long demo_pin', '/* between the helper and its callers */\nstatic long demo_pin'),
    (t: string) => `\n${t}`, // everything moves again, helper included
  ];
  let text = fixture;
  let reused = 0;
  for (const edit of edits) {
    text = edit(text);
    const before = cache.size;
    const [cached, fresh] = await both(text, cache);
    assert.deepEqual(cached.findings, fresh.findings);
    assert.deepEqual(cached.notes, fresh.notes);
    if (cache.size <= before) reused++;
  }
  assert.ok(reused >= 1, 'the cache was never reused');
});

test('a shifted function keeps correct line numbers in its messages', async () => {
  const cache = new FunctionCache();
  await both(fixture, cache);
  const [cached] = await both(`\n\n\n${fixture}`, cache);
  const f = cached.findings.find((x) => x.rule === 'mismatched-release')!;
  const acqLine = f.related[0]!.range.start.line + 1;
  assert.match(findingMessage(f), new RegExp(`\\(line ${acqLine}\\)`));
});

const FIELDS = [
  'struct demo_pin_ctx { struct page **pages; int nr; };',
  'static int demo_setup(struct demo_pin_ctx *ctx, unsigned long uaddr, int nr)',
  '{',
  '\tint ret = pin_user_pages_fast(uaddr, nr, FOLL_WRITE, ctx->pages);',
  '\tif (ret < 0)',
  '\t\treturn ret;',
  '\tctx->nr = ret;',
  '\treturn 0;',
  '}',
  'static void demo_teardown(struct demo_pin_ctx *ctx)',
  '{',
  '\tput_page(ctx->pages[0]);',
  '}',
  'static void demo_reset(struct demo_pin_ctx *ctx)',
  '{',
  '\tctx->nr = 0;',
  '}',
  '',
].join('\n');

test('a field released right in another function invalidates the cached result of the wrong one', async () => {
  const cache = new FunctionCache();
  const [first] = await both(FIELDS, cache);
  assert.deepEqual(
    first.findings.map((f) => `${f.rule}@${f.range.start.line + 1}`),
    ['wrong-release@12'],
  );
  // demo_teardown's text is unchanged; demo_reset now releases the field right, which makes the
  // field's pages ambiguous (kernel and user pages both handled): the fresh analysis is quiet.
  const edited = FIELDS.replace('\tctx->nr = 0;', '\tunpin_user_pages(ctx->pages, ctx->nr);\n\tctx->nr = 0;');
  const [cached, fresh] = await both(edited, cache);
  assert.deepEqual(fresh.findings, []);
  assert.deepEqual(cached.findings, fresh.findings);
  assert.deepEqual(cached.pairings, fresh.pairings);
});

// A wrapper and a caller whose text never changes: what the caller's text alone decides (its
// aliases, its call sites' storage) is read from the memo; what its callee does is not.
const WRAPPED = [
  'static int demo_grab(unsigned long uaddr, int nr, struct page **pages)',
  '{',
  '\treturn get_user_pages_fast(uaddr, nr, FOLL_WRITE, pages);',
  '}',
  'static int demo_use(unsigned long uaddr)',
  '{',
  '\tstruct page *pages[4];',
  '\tstruct page **pp = pages;',
  '\tint got = demo_grab(uaddr, 4, pp);',
  '\tint i;',
  '',
  '\tif (got <= 0)',
  '\t\treturn -EFAULT;',
  '\tfor (i = 0; i < got; i++)',
  '\t\tput_page(pages[i]);',
  '\treturn 0;',
  '}',
  '',
].join('\n');

test("a function's memo outlives the tree, and a callee's change still reaches its unchanged text", async () => {
  const cache = new FunctionCache();
  const [first, firstFresh] = await both(WRAPPED, cache);
  assert.deepEqual(first.findings, firstFresh.findings);
  const judged = (r: AnalysisResult) =>
    r.findings.filter((f) => f.rule !== 'batch-release').map((f) => `${f.rule}@${f.range.start.line + 1}`);
  assert.deepEqual(judged(first), [], 'get_user_pages_fast() pages put with put_page(): right');
  assert.equal(cache.memo.size, 2, 'one memo entry per function');
  // The wrapper now pins: demo_use's text is the same, its put_page() is now wrong.
  const pinned = WRAPPED.replace('get_user_pages_fast(', 'pin_user_pages_fast(');
  const [cached, fresh] = await both(pinned, cache);
  assert.deepEqual(judged(fresh), ['wrong-release@15']);
  assert.deepEqual(cached.findings, fresh.findings);
  assert.deepEqual(cached.pairings, fresh.pairings);
  // The old wrapper text is swept; the caller's entry was kept (same text) and the new one added.
  assert.equal(cache.memo.size, 2);
  // An edit that only moves both functions: the same two entries serve, nothing is read again.
  const [moved, movedFresh] = await both(`\n\n${pinned}`, cache);
  assert.deepEqual(moved.findings, movedFresh.findings);
  assert.deepEqual(judged(moved), ['wrong-release@17']);
  assert.equal(cache.memo.size, 2);
});

test("a caller's cached result follows what its wrapper wraps, and the release its helper makes", async () => {
  const cache = new FunctionCache();
  const pinned = WRAPPED.replace('get_user_pages_fast(', 'pin_user_pages_fast(');
  await both(pinned, cache);
  // Same family, arguments and count: only the wrapped call's name differs, and the message says it.
  const [cached, fresh] = await both(pinned.replace('pin_user_pages_fast(', 'pin_user_pages_fast_only('), cache);
  assert.match(findingMessage(fresh.findings.find((f) => f.rule === 'wrong-release')!), /pin_user_pages_fast_only/);
  assert.deepEqual(cached.findings, fresh.findings);
});

test('two functions of the same text (the two arms of an #ifdef) share a memo entry and keep their own lines', async () => {
  const fn = [
    'static int demo_put_one(unsigned long uaddr)',
    '{',
    '\tstruct page *page;',
    '',
    '\tif (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)',
    '\t\treturn -EFAULT;',
    '\tput_page(page);',
    '\treturn 0;',
    '}',
  ].join('\n');
  const text = `#ifdef CONFIG_DEMO_A\n${fn}\n#else\n${fn}\n#endif\n`;
  const cache = new FunctionCache();
  const lines = (r: AnalysisResult) => r.findings.map((f) => `${f.rule}@${f.range.start.line + 1}`);
  const [first, firstFresh] = await both(text, cache);
  assert.deepEqual(lines(first), ['wrong-release@8', 'wrong-release@18']);
  assert.deepEqual(first.findings, firstFresh.findings);
  assert.equal(cache.memo.size, 1, 'one text, one entry');
  // Lines above the second copy only: it moves, the first stays; both read from the one entry.
  const [moved, movedFresh] = await both(text.replace('#else\n', '#else\n/* B */\n\n'), cache);
  assert.deepEqual(lines(moved), ['wrong-release@8', 'wrong-release@20']);
  assert.deepEqual(moved.findings, movedFresh.findings);
  assert.deepEqual(moved.pairings, movedFresh.pairings);
});

test("a cached caller's release through a same-file helper keeps the place of the helper's own release", async () => {
  const text = [
    'static void demo_drop(struct page **pages, int nr)',
    '{',
    '\tint i;',
    '',
    '\tfor (i = 0; i < nr; i++)',
    '\t\tput_page(pages[i]);',
    '}',
    'static int demo_map(unsigned long uaddr, struct page **pages)',
    '{',
    '\tint got = pin_user_pages_fast(uaddr, 4, FOLL_WRITE, pages);',
    '',
    '\tif (got <= 0)',
    '\t\treturn -EFAULT;',
    '\tdemo_drop(pages, got);',
    '\treturn 0;',
    '}',
    '',
  ].join('\n');
  const cache = new FunctionCache();
  const placeOf = (r: AnalysisResult) =>
    r.pairings.flatMap((p) =>
      p.releases.map((x) => `${x.name}@${x.nameRange.start.line + 1}->${x.releasedAt?.range.start.line ?? -1}`),
    );
  const [first, firstFresh] = await both(text, cache);
  assert.deepEqual(placeOf(firstFresh), ['demo_drop@14->5']);
  assert.deepEqual(first.pairings, firstFresh.pairings);
  // Both functions move down by three lines: the cached results move, the helper's place with them.
  const [moved, movedFresh] = await both(`/* a */\n\n\n${text}`, cache);
  assert.deepEqual(placeOf(movedFresh), ['demo_drop@17->8']);
  assert.deepEqual(moved.pairings, movedFresh.pairings);
});
