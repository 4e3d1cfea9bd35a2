/**
 * Fix fuzz, short form (the long form is `npm run fuzz`): every preferred fix of the corpus and of
 * mutated copies, in both API models, leaves C that parses no worse and has no new wrong-release or
 * mismatched-release. The checker itself is shown to catch a fix that breaks the C or the release.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeText } from '../../server/src/project/analyze-source.ts';
import { createCParser } from '../../server/src/core/parser.ts';
import { applyFixes } from '../../server/src/core/text-edits.ts';
import { checkFixes, FixFuzzFailure, mutate, runFixFuzz } from '../fuzz/fix-fuzz.ts';
import { corpusFiles } from '../fuzz/edit-fuzz.ts';
import { seededRandom } from '../fuzz/random.ts';
import { WRONG_RELEASE_C } from './cli-support.ts';

test('fix fuzz: corpus and 4 mutants per file, both models, all fixes and fix-all per rule', async () => {
  const files = corpusFiles().length;
  const r = await runFixFuzz({ seed: 7, mutantsPerFile: 4 });
  assert.equal(r.texts, files * 5);
  assert.equal(r.mutantsSameFindings, files * 4, 'whitespace and comments changed no finding');
  assert.ok(r.textsWithFixes >= files, `texts with fixes: ${r.textsWithFixes}`);
  assert.ok(r.fixesApplied > 0);
});

test('mutants differ from the original and keep string literals and directives intact', async () => {
  const parser = await createCParser();
  try {
    const text = '#include <linux/mm.h>\n#define MSG "a b"\nstatic const char *s = "x  y";\n' + WRONG_RELEASE_C;
    const rnd = seededRandom(3);
    let changed = 0;
    for (let i = 0; i < 30; i++) {
      const m = mutate(rnd, parser, text);
      if (m !== text) changed++;
      assert.match(m, /^#include <linux\/mm\.h>\r?\n#define MSG "a b"\r?\n/);
      assert.ok(m.includes('"x  y"'), 'a string literal was changed');
    }
    assert.ok(changed >= 25, `only ${changed} of 30 mutants differ`);
  } finally {
    parser.delete();
  }
});

test('the checker catches a fix that breaks the C or releases wrongly', async () => {
  const parser = await createCParser();
  try {
    const dropsSemicolon = (text: string) =>
      applyFixes(text, [])
        .replace('unpin_user_page(page);', 'unpin_user_page(page)')
        .replace('put_page(page);', 'unpin_user_page(page) {');
    assert.throws(
      () => checkFixes(parser, WRONG_RELEASE_C, 'unpin_user_page', 'broken', dropsSemicolon),
      FixFuzzFailure,
    );
    const pinsAgain = (text: string) => text.replace('put_page(page);', 'put_page(page);\n\tput_page(page);');
    assert.throws(
      () => checkFixes(parser, WRONG_RELEASE_C, 'unpin_user_page', 'wrong', pinsAgain),
      /wrong-release findings went from 1 to 2/,
    );
    assert.ok(checkFixes(parser, WRONG_RELEASE_C, 'unpin_user_page', 'real') >= 1);
  } finally {
    parser.delete();
  }
});

/** Our own kernel-style case: pages in a struct field, pinned in one function, put in another. */
const FIELD_C = `#include <linux/mm.h>

struct demo_ctx {
	struct page **pages;
	long nr;
};

static int demo_setup(struct demo_ctx *ctx)
{
	ctx->pages = kcalloc(16, sizeof(*ctx->pages), GFP_KERNEL);
	if (!ctx->pages)
		return -ENOMEM;
	return 0;
}

static long demo_pin(struct demo_ctx *ctx, unsigned long uaddr)
{
	ctx->nr = pin_user_pages_fast(uaddr, 16, FOLL_WRITE, ctx->pages);
	return ctx->nr;
}

static void demo_release(struct demo_ctx *ctx)
{
	long i;

	for (i = 0; i < ctx->nr; i++)
		put_page(ctx->pages[i]);
}
`;

test('a comment after = in a field assignment changes no finding (found by the fix fuzz)', async () => {
  const rules = async (text: string) =>
    (await analyzeText(text, { api: 'unpin_user_page' })).findings.map((f) => f.rule);
  assert.deepEqual(await rules(FIELD_C), ['wrong-release']);
  assert.deepEqual(await rules(FIELD_C.replace('ctx->pages = kcalloc', 'ctx->pages = /* zeroed */ kcalloc')), [
    'wrong-release',
  ]);
  assert.deepEqual(await rules(FIELD_C.replace('ctx->pages = kcalloc', 'ctx->pages = // zeroed\n\t\tkcalloc')), [
    'wrong-release',
  ]);
});
