/**
 * Warm-up: right after the grammar loads, the server types into a document of its own, in
 * memory (never published, never indexed), so that V8 has compiled the keystroke path — the
 * incremental parse in tree-sitter's wasm, the memo and cache hits of the analysis, the facts —
 * before the user's first keystrokes. Without it the first ~40 keystrokes of a session are the
 * slowest (lazy compilation and tier-up land on them). mm/gup.c over stdio, 200 keystrokes, four
 * runs each way on the same build: p95 16.5–23.5 ms without, 12.6–18.3 ms with. The text is
 * generated here in kernel style, one unit per idiom the analysis follows (every function in it
 * is one the analysis reads, so it is kept small: ~10 KB, ~0.2 s of CPU once warm, ~0.6 s cold);
 * each step waits until the client's queued messages are handled (the server's message queue), so
 * it never runs inside a burst, and a message that arrives during a step waits that step at most.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTreeFactsLater } from '../core/analyze.ts';
import type { Parser } from 'web-tree-sitter';
import { OpenDocument } from './documents.ts';

/** One unit of the warm-up text: the idioms the analysis and its summaries follow. */
function unit(i: number): string {
  return `struct warm_ctx${i} {
	struct page **pages;
	unsigned long nr;
};

static void warm_release${i}(struct page **pages, unsigned long n)
{
	unsigned long k;

	for (k = 0; k < n; k++)
		unpin_user_page(pages[k]);
}

static long warm_pin${i}(unsigned long start, unsigned long n, struct page **pages)
{
	return pin_user_pages_fast(start, n, FOLL_WRITE | FOLL_LONGTERM, pages);
}

static int warm_fill${i}(struct warm_ctx${i} *ctx, unsigned long uaddr, unsigned long nr)
{
	long ret;

	ctx->pages = kvmalloc_array(nr, sizeof(struct page *), GFP_KERNEL);
	if (!ctx->pages)
		return -ENOMEM;
	ret = warm_pin${i}(uaddr, nr, ctx->pages);
	if (ret < 0)
		goto free_array;
	if (ret != nr) {
		warm_release${i}(ctx->pages, ret);
		ret = -EFAULT;
		goto free_array;
	}
	ctx->nr = ret;
	return 0;
free_array:
	kvfree(ctx->pages);
	return ret;
}

static int warm_touch${i}(struct mm_struct *mm, unsigned long addr, int cmd)
{
	struct page *page;
	int ret;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, &page, NULL, NULL);
	mmap_read_unlock(mm);
	if (ret <= 0)
		return ret ? ret : -EFAULT;
	switch (cmd) {
	case 1:
		set_page_dirty_lock(page);
		break;
	default:
		break;
	}
	put_page(page);
	return 0;
}

static void warm_drop${i}(struct warm_ctx${i} *ctx)
{
	unpin_user_pages_dirty_lock(ctx->pages, ctx->nr, true);
	kvfree(ctx->pages);
}

`;
}

/** Units in the warm-up text (~1.3 KB, six functions each) and keystrokes typed into it. */
const UNITS = 8;
export const KEYSTROKES = 40;

/** What a warm-up did (for tests): analyses run, and how many of its parses were incremental. */
export interface WarmUpReport {
  analyses: number;
  plainParses: number;
}

/**
 * Starts the warm-up on `parser`; it runs in the background and stops early once `stopped()`
 * (shutdown) says so. Resolves when done; failures are swallowed (a warm-up must never matter).
 */
export function warmUp(
  parser: Parser,
  stopped: () => boolean = () => false,
  /** Runs the next step: the server's waits until the client's queued messages are handled. */
  schedule: (step: () => void) => void = (step) => setImmediate(step),
): Promise<WarmUpReport> {
  const text = Array.from({ length: UNITS }, (_, i) => unit(i)).join('');
  const doc = new OpenDocument(TextDocument.create('gup-review-warm-up:/warm.c', 'c', 1, text), 'c', () => parser);
  const lines = text.split('\n').length;
  const analyse = () => {
    const tree = doc.getTree();
    if (tree) analyzeTreeFactsLater(doc.text, tree, {}, doc.cache).factsOf();
  };
  let k = 0;
  return new Promise<WarmUpReport>((resolve) => {
    const done = () => {
      const report = { analyses: k, plainParses: doc.plainParses };
      doc.dispose();
      resolve(report);
    };
    const step = () => {
      try {
        if (stopped() || k >= KEYSTROKES) {
          done();
          return;
        }
        if (k > 0) {
          // A space at the start of evenly spread lines, each followed by its analysis.
          const line = Math.floor(((k + 0.5) * lines) / KEYSTROKES);
          const at = { line, character: 0 };
          doc.applyChanges([{ range: { start: at, end: at }, text: ' ' }], doc.version + 1);
        }
        analyse();
        k++;
        schedule(step);
      } catch {
        done();
      }
    };
    schedule(step);
  });
}
