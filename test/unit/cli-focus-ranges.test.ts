/** Focused parsing: the function scanner, the selection (wrappers up, helpers down), and equal findings. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeFocused } from '../../server/src/project/analyze-source.ts';
import { focusRanges, scanFunctions, selectFunctions } from '../../server/src/project/focus-ranges.ts';

const names = (text: string) => (scanFunctions(text) ?? []).map((f) => f.names.join('|'));
const kept = (text: string) => {
  const fns = scanFunctions(text);
  assert.ok(fns, 'scan failed');
  return (selectFunctions(text, fns) ?? []).map((f) => f.names.join('|'));
};

/** Our own kernel-style file: a wrapper, its caller, a releasing helper, unrelated code. */
const FILE = `// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

#define DEMO_MAX_PAGES 16	/* a { brace in a comment */
#define DEMO_INIT { .count = 0, }

struct demo_ctx {
	struct page **pages;
	int count;
};

static const struct demo_ops demo_default_ops = {
	.name = "demo {",
};

static void demo_release(struct page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++)
		put_page(pages[i]);
}

static long demo_pin(unsigned long uaddr, int n, struct page **pages)
{
	return get_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
}

static int demo_map(struct demo_ctx *ctx, unsigned long uaddr)
{
	long got;

	got = demo_pin(uaddr, DEMO_MAX_PAGES, ctx->pages);
	if (got < 0)
		return got;
	if (got != DEMO_MAX_PAGES) {
		demo_release(ctx->pages, got);
		return -EFAULT;
	}
	ctx->count = got;
	return 0;
}

static char demo_quote(void)
{
	return '{';
}

static void demo_unrelated(struct demo_ctx *ctx)
{
	ctx->count = 0;
}

void demo_teardown(struct demo_ctx *ctx)
{
	demo_unrelated(ctx);
	unpin_user_pages(ctx->pages, ctx->count);
}
`;

describe('focused parsing', () => {
  it('finds top-level functions only, skipping comments, strings, chars and #define braces', () => {
    assert.deepEqual(names(FILE), [
      'demo_release',
      'demo_pin',
      'demo_map',
      'demo_quote',
      'demo_unrelated',
      'demo_teardown',
    ]);
  });

  it('keeps acquirers, callers of wrappers, their helpers, and release sites; drops the rest', () => {
    assert.deepEqual(kept(FILE), ['demo_release', 'demo_pin', 'demo_map', 'demo_teardown']);
  });

  it('a function that releases only does not pull in its callees', () => {
    assert.ok(!kept(FILE).includes('demo_unrelated'));
  });

  it('a void function or one that passes none of its parameters is not a wrapper', () => {
    const text = `static void demo_probe(void)\n{\n\tstruct page *p;\n\tget_user_pages_fast(0x1000, 1, 0, &p);\n}\n\nstatic int demo_caller(void)\n{\n\tdemo_probe();\n\treturn 0;\n}\n`;
    assert.deepEqual(kept(text), ['demo_probe']);
  });

  it("a caller is one whose body names the wrapper as a word: not a longer identifier, not 'a1' + name", () => {
    const wrapper = `static long demo_pin(unsigned long uaddr, struct page **pages)\n{\n\treturn pin_user_pages_fast(uaddr, 1, 0, pages);\n}\n\n`;
    const caller = (call: string, name: string) =>
      `static int ${name}(struct page **pages)\n{\n\treturn ${call};\n}\n\n`;
    const text =
      wrapper +
      caller('demo_pin(0, pages)', 'demo_plain') +
      caller('demo_pin_all(0, pages)', 'demo_longer') +
      caller('my_demo_pin(0, pages)', 'demo_suffix') +
      caller('a1demo_pin(0, pages)', 'demo_letter_digit') +
      // After a digit run the body's words restart, as in 0x1f: the scan reads `demo_pin` here.
      caller('9demo_pin(0, pages)', 'demo_after_digits') +
      caller('x->demo_pin(0, pages)', 'demo_member');
    assert.deepEqual(kept(text), ['demo_pin', 'demo_plain', 'demo_after_digits', 'demo_member']);
  });

  it('gives up (whole-file parse) when braces do not balance, e.g. an #ifdef that cuts a block', () => {
    const text = `int demo(int a)\n{\n#ifdef CONFIG_X\n\tif (a) {\n#else\n\tif (!a) {\n#endif\n\t\treturn 1;\n\t}\n\treturn 0;\n}\n`;
    assert.equal(scanFunctions(text), undefined);
    assert.equal(focusRanges(text), undefined);
    assert.equal(scanFunctions('}\nint x;'), undefined);
  });

  it('no function names an acquisition: one empty range (nothing to parse)', () => {
    const r = focusRanges('/* get_user_pages_fast() is documented here */\nint demo(void)\n{\n\treturn 0;\n}\n');
    assert.deepEqual(
      r?.map((x) => [x.startIndex, x.endIndex]),
      [[0, 0]],
    );
  });

  it('ranges carry row/column positions of the whole file', () => {
    const lines = FILE.split('\n');
    const offsetOf = (p: { row: number; column: number }) =>
      lines.slice(0, p.row).reduce((n, l) => n + l.length + 1, 0) + p.column;
    const r = focusRanges(FILE)!;
    assert.equal(r.length, 4);
    for (const x of r) {
      assert.equal(offsetOf(x.startPosition), x.startIndex);
      assert.equal(offsetOf(x.endPosition), x.endIndex);
      assert.ok(FILE.slice(x.startIndex).startsWith('static') || FILE.slice(x.startIndex).startsWith('void'));
      assert.equal(FILE[x.endIndex - 1], '}');
    }
  });

  it('focused and whole-file analysis give the same findings, in both models', async () => {
    for (const api of ['unpin_user_page', 'put_user_page'] as const) {
      const full = await analyzeFocused(FILE, { api }, true);
      const focused = await analyzeFocused(FILE, { api }, false);
      assert.deepEqual(focused.findings, full.findings, api);
      if (api === 'put_user_page') {
        // The helper releases GUP pages with put_page(), at the call in demo_map() (line 37):
        // found only when the wrapper's caller and the helper are both parsed.
        assert.deepEqual(
          focused.findings.map((f) => `${f.rule}:${f.range.start.line + 1}`),
          ['wrong-release:37'],
        );
      }
    }
  });
});

describe('the function scanner on damaged input', () => {
  it('never throws; spans are ordered, inside the text, and end at a closing brace', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['{', '}', '(', ')', ';', '"', "'", '/*', '*/', '//', '\n', '#if X\n', '\\\n', 'int f(void)', ' x '];
    for (let i = 0; i < 500; i++) {
      let text = FILE;
      for (let k = 0; k < 1 + rand(6); k++) {
        const at = rand(text.length);
        text = text.slice(0, at) + pieces[rand(pieces.length)] + text.slice(at + rand(3));
      }
      const fns = scanFunctions(text);
      if (!fns) continue;
      let last = -1;
      for (const f of fns) {
        assert.ok(f.start > last && f.start <= f.bodyStart && f.bodyStart < f.end && f.end <= text.length);
        assert.equal(text[f.end - 1], '}');
        assert.equal(text[f.bodyStart], '{');
        last = f.end - 1;
      }
      focusRanges(text); // selection never throws either
    }
  });
});
