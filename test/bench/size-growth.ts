/**
 * Size growth: a generated kernel-style file in which every function pins into a struct field,
 * releases through a helper and drops a field in another function, at 0.5 MB and at 2 MB. Both
 * are analysed in this run (whole-file parse, the CLI's path); the figure is the time ratio for
 * the 4x size: ~4 is linear, 16 quadratic (goal: at most 5). Written by us, no kernel source.
 */
import { createCParser, parseKernelC } from '../../server/src/core/parser.ts';
import { analyzeTree } from '../../server/src/core/analyze.ts';
import { median, type BenchSection } from './section.ts';

/** One unit of the generated file (~700 bytes). */
function unit(i: number): string {
  return `struct demo_ctx${i} {
	struct page **pages;
	int nr;
};

static void demo_helper${i}(struct page **pages, int n)
{
	int k;

	for (k = 0; k < n; k++)
		unpin_user_page(pages[k]);
}

static int demo_fill${i}(struct demo_ctx${i} *ctx, unsigned long uaddr, int nr)
{
	int ret;

	ret = pin_user_pages_fast(uaddr, nr, FOLL_WRITE, ctx->pages);
	if (ret < 0)
		return ret;
	if (ret != nr) {
		demo_helper${i}(ctx->pages, ret);
		return -EFAULT;
	}
	ctx->nr = ret;
	return 0;
}

static void demo_drop${i}(struct demo_ctx${i} *ctx)
{
	put_page(ctx->pages[0]);
}

`;
}

export function generatedFile(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const u = unit(i);
    parts.push(u);
    size += u.length;
  }
  return parts.join('');
}

export const sizeSection: BenchSection = {
  name: 'size',
  async run({ log }) {
    const parser = await createCParser();
    const time = (text: string) => {
      const t0 = performance.now();
      const tree = parseKernelC(parser, text);
      analyzeTree(text, tree, { api: 'unpin_user_page' });
      tree.delete();
      return performance.now() - t0;
    };
    const small = generatedFile(500_000);
    const big = generatedFile(2_000_000);
    time(generatedFile(50_000)); // warm the parser and the JIT
    const ts: number[] = [];
    const tb: number[] = [];
    for (let i = 0; i < 3; i++) {
      ts.push(time(small));
      tb.push(time(big));
    }
    const s = median(ts);
    const b = median(tb);
    log(`generated file, every function pins, releases and drops a field (median of 3, interleaved):`);
    log(`  0.5 MB: ${s.toFixed(0)} ms   2 MB: ${b.toFixed(0)} ms`);
    log(`  ratio for 4x the size: ${(b / s).toFixed(2)} (linear ~4, quadratic 16; goal <= 5)`);
    parser.delete();
  },
};
