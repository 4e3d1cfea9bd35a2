/** unchecked-result: the acquisition's result ignored, or used as a count before the < 0 check. */
import { c, inBothModels, ruleTable } from './rule-tester.ts';

// A leak, a count, a check: the same in both models, so every case runs in both.
ruleTable(
  'unchecked-result',
  inBothModels([
    {
      name: 'pin_user_pages_fast result ignored',
      model: 'unpin_user_page',
      code: c`
static void demo_ignore(unsigned long uaddr, int n, struct page **pages)
{
	pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	demo_consume(pages, n);
}
`,
      expected: [{ messageId: 'ignored', line: 3 }],
    },
    {
      name: '(void) in front of the call still ignores the count',
      model: 'put_user_page',
      code: c`
static void demo_void(unsigned long uaddr, int n, struct page **pages)
{
	(void)get_user_pages_fast(uaddr, n, 0, pages);
	demo_consume(pages, n);
}
`,
      expected: [{ messageId: 'ignored', line: 3 }],
    },
    {
      name: 'get_user_page_fast_only (bool) result ignored',
      model: 'unpin_user_page',
      code: c`
static void demo_peek(unsigned long addr, struct page **out)
{
	struct page *page;

	get_user_page_fast_only(addr, 0, &page);
	*out = page;
}
`,
      expected: [{ messageId: 'ignored', line: 5 }],
      messages: [/ignored: it returns false when no page was taken$/],
    },
    {
      name: 'iov_iter_get_pages2 byte count ignored',
      model: 'unpin_user_page',
      code: c`
static void demo_iter(struct iov_iter *iter, struct page **pages)
{
	size_t start;

	iov_iter_get_pages2(iter, pages, PAGE_SIZE, 1, &start);
	demo_consume(pages, 1);
}
`,
      expected: [{ messageId: 'ignored', line: 5 }],
    },
    {
      name: 'probing with NULL pages: ignoring the result is the idiom',
      model: 'put_user_page',
      code: c`
static void demo_fault_in(unsigned long start, int n)
{
	get_user_pages(start, n, FOLL_WRITE, NULL, NULL);
}
`,
      expected: [],
    },
    {
      name: 'a page that starts NULL tells failure: ignoring the count is the idiom',
      model: 'unpin_user_page',
      code: c`
static struct page *demo_lookup(unsigned long uaddr)
{
	struct page *page = NULL;

	get_user_pages_fast(uaddr, 1, 0, &page);
	return page;
}
`,
      expected: [],
    },
    {
      name: 'the result released as a count with no check at all',
      model: 'unpin_user_page',
      code: c`
static int demo_nocheck(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	demo_consume(pages, ret);
	unpin_user_pages(pages, ret);
	return 0;
}
`,
      expected: [{ messageId: 'usedUnchecked', line: 8 }],
      messages: [
        /^ret is used as a page count before it is checked: pin_user_pages_fast\(\) \(line 6\) returns -errno/,
      ],
    },
    {
      name: 'release_pages(pages, got) unchecked after get_user_pages upstream',
      model: 'unpin_user_page',
      code: c`
static long demo_nocheck(unsigned long start, int n)
{
	struct page *pages[8];
	long got;

	got = get_user_pages(start, n, 0, pages, NULL);
	release_pages(pages, got);
	return 0;
}
`,
      expected: [{ messageId: 'usedUnchecked', line: 7 }],
    },
    {
      name: 'checked with < 0 first: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_checked(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	if (ret < 0)
		return ret;
	unpin_user_pages(pages, ret);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'checked with likely(ret > 0): valid',
      model: 'unpin_user_page',
      code: c`
static int demo_likely(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	if (likely(ret > 0)) {
		demo_consume(pages, ret);
		unpin_user_pages(pages, ret);
	}
	return ret < 0 ? ret : 0;
}
`,
      expected: [],
    },
    {
      name: 'ret != n sends -errno to unpin_user_pages(pages, ret)',
      model: 'unpin_user_page',
      code: c`
static int demo_neq(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	if (ret != n) {
		unpin_user_pages(pages, ret);
		return -EFAULT;
	}
	demo_consume(pages, n);
	unpin_user_pages(pages, n);
	return 0;
}
`,
      expected: [{ messageId: 'usedUnchecked', line: 8 }],
    },
    {
      name: 'ret != n after a < 0 check: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_neq(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	if (ret < 0)
		return ret;
	if (ret != n) {
		unpin_user_pages(pages, ret);
		return -EFAULT;
	}
	demo_consume(pages, n);
	unpin_user_pages(pages, n);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'the result returned to the caller: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_pass(unsigned long uaddr, int n, struct page **pages)
{
	return pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
}
`,
      expected: [],
    },
    {
      name: 'a release loop bounded by an unchecked count runs no iteration for -errno: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_loop(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int i, ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	for (i = 0; i < ret; i++)
		unpin_user_page(pages[i]);
	return ret < 0 ? ret : 0;
}
`,
      expected: [],
    },
    {
      name: 'if (!ret) lets -errno through to release_pages(pages, ret)',
      model: 'unpin_user_page',
      code: c`
static int demo_not_zero(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int ret;

	ret = get_user_pages_fast(uaddr, n, 0, pages);
	if (!ret)
		return -EFAULT;
	demo_consume(pages, ret);
	release_pages(pages, ret);
	return 0;
}
`,
      expected: [{ messageId: 'usedUnchecked', line: 10 }],
    },
  ]),
);
