/** release-count: the batch release (or release loop) uses the requested count, not the returned one. */
import { c, inBothModels, ruleTable } from './rule-tester.ts';

const requested = c`
static int demo_partial(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, FOLL_WRITE, pages);
	if (ret < 0)
		return ret;
	demo_consume(pages, ret);
	unpin_user_pages(pages, nr_pages);
	return 0;
}
`;

// A leak, a count, a check: the same in both models, so every case runs in both.
ruleTable(
  'release-count',
  inBothModels([
    {
      name: 'unpin_user_pages(pages, nr_pages) after a possibly partial pin: fixed to ret',
      model: 'unpin_user_page',
      code: requested,
      expected: [{ messageId: 'requestedCount', line: 10 }],
      messages: [
        /^unpin_user_pages\(\) releases nr_pages pages, but pin_user_pages_fast\(\) \(line 6\) may have taken fewer .*\(ret\)$/,
      ],
      output: requested.replace('unpin_user_pages(pages, nr_pages)', 'unpin_user_pages(pages, ret)'),
    },
    {
      name: 'releasing the returned count: valid',
      model: 'unpin_user_page',
      code: requested.replace('unpin_user_pages(pages, nr_pages)', 'unpin_user_pages(pages, ret)'),
      expected: [],
    },
    {
      name: 'a partial pin is unwound first (ret != nr_pages), then nr_pages is the count: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_all(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, FOLL_WRITE, pages);
	if (ret < 0)
		return ret;
	if (ret != nr_pages) {
		unpin_user_pages(pages, ret);
		return -EFAULT;
	}
	demo_consume(pages, nr_pages);
	unpin_user_pages(pages, nr_pages);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'if (ret < nr_pages) goto err: the later release of nr_pages is full',
      model: 'unpin_user_page',
      code: c`
static int demo_all(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret < 0)
		return ret;
	if (ret < nr_pages)
		goto err;
	demo_consume(pages, nr_pages);
	unpin_user_pages(pages, nr_pages);
	return 0;
err:
	unpin_user_pages(pages, ret);
	return -EFAULT;
}
`,
      expected: [],
    },
    {
      name: 'if (ret == nr_pages) proves the count on its true side only',
      model: 'unpin_user_page',
      code: c`
static int demo_eq(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret <= 0)
		return -EFAULT;
	if (ret == nr_pages) {
		demo_consume(pages, nr_pages);
		unpin_user_pages(pages, nr_pages);
		return 0;
	}
	unpin_user_pages(pages, nr_pages);
	return -EAGAIN;
}
`,
      expected: [{ messageId: 'requestedCount', line: 14 }],
    },
    {
      name: 'a release loop bounded by the requested count: the bound is fixed',
      model: 'unpin_user_page',
      code: c`
static int demo_loop(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int i, ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret <= 0)
		return -EFAULT;
	demo_consume(pages, ret);
	for (i = 0; i < nr_pages; i++)
		unpin_user_page(pages[i]);
	return 0;
}
`,
      expected: [{ messageId: 'requestedCount', line: 10 }],
      messages: [/^this loop releases nr_pages pages, but pin_user_pages_fast\(\) \(line 6\)/],
      output: c`
static int demo_loop(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int i, ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret <= 0)
		return -EFAULT;
	demo_consume(pages, ret);
	for (i = 0; i < ret; i++)
		unpin_user_page(pages[i]);
	return 0;
}
`,
    },
    {
      name: 'release_pages(pages, nr) after get_user_pages upstream',
      model: 'unpin_user_page',
      code: c`
static long demo_get(unsigned long start, unsigned long nr)
{
	struct page *pages[16];
	long got;

	got = get_user_pages(start, nr, FOLL_WRITE, pages, NULL);
	if (got <= 0)
		return -EFAULT;
	demo_consume(pages, got);
	release_pages(pages, nr);
	return 0;
}
`,
      expected: [{ messageId: 'requestedCount', line: 10 }],
    },
    {
      name: 'put_user_pages(pages, nr_pages) in the 2019 model',
      model: 'put_user_page',
      code: c`
static int demo_old(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = get_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret <= 0)
		return ret;
	demo_consume(pages, ret);
	put_user_pages_dirty_lock(pages, nr_pages, true);
	return 0;
}
`,
      expected: [{ messageId: 'requestedCount', line: 10 }],
    },
    {
      name: 'nr_pages = ret on the partial path makes nr_pages the returned count: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_shrink(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret <= 0)
		return -EFAULT;
	if (ret < nr_pages)
		nr_pages = ret;
	demo_consume(pages, nr_pages);
	unpin_user_pages(pages, nr_pages);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'a constant count of one, or a single &page: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_single(unsigned long uaddr)
{
	struct page *pages[1];
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, 0, pages);
	if (ret != 1)
		return -EFAULT;
	unpin_user_pages(pages, 1);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'the result variable reused before the release: reported without a fix',
      model: 'unpin_user_page',
      code: c`
static int demo_reuse(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret <= 0)
		return -EFAULT;
	ret = demo_consume(pages, nr_pages);
	unpin_user_pages(pages, nr_pages);
	return ret;
}
`,
      expected: [{ messageId: 'requestedCount', line: 10 }],
      messages: [
        /may have taken fewer \(a partial pin\): release the number it returned \(keep it: ret is reassigned before this release\)$/,
      ],
      output: c`
static int demo_reuse(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret <= 0)
		return -EFAULT;
	ret = demo_consume(pages, nr_pages);
	unpin_user_pages(pages, nr_pages);
	return ret;
}
`,
    },
    {
      name: 'the result overwritten on one path only: no advice to release ret, no fix',
      model: 'unpin_user_page',
      code: c`
static int demo_reuse_some(unsigned long uaddr, int nr_pages, bool sync)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret <= 0)
		return -EFAULT;
	if (sync)
		ret = demo_flush(pages);
	unpin_user_pages(pages, nr_pages);
	return ret;
}
`,
      expected: [{ messageId: 'requestedCount', line: 11 }],
      messages: [/\(keep it: ret is reassigned before this release\)$/],
      output: c`
static int demo_reuse_some(unsigned long uaddr, int nr_pages, bool sync)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret <= 0)
		return -EFAULT;
	if (sync)
		ret = demo_flush(pages);
	unpin_user_pages(pages, nr_pages);
	return ret;
}
`,
    },
    {
      name: 'an all-or-nothing wrapper (unpins a partial pin itself): the caller may release nr_pages',
      model: 'unpin_user_page',
      code: c`
static int demo_pin_all(unsigned long uaddr, int nr_pages, struct page **pages)
{
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret >= 0 && ret < nr_pages) {
		unpin_user_pages(pages, ret);
		ret = -EFAULT;
	}
	return ret;
}

static int demo_caller(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = demo_pin_all(uaddr, nr_pages, pages);
	if (ret < 0)
		return ret;
	demo_consume(pages, nr_pages);
	unpin_user_pages(pages, nr_pages);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'while (i--) unwinding counts what was pinned: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_each(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int i, ret;

	for (i = 0; i < nr_pages; i++) {
		ret = pin_user_pages_fast(uaddr + i * PAGE_SIZE, 1, 0, &pages[i]);
		if (ret != 1)
			break;
	}
	demo_consume(pages, i);
	while (i--)
		unpin_user_page(pages[i]);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'the requested count passed to a same-file helper that unpins',
      model: 'unpin_user_page',

      code: c`
static void demo_unpin(struct page **p, int n)
{
	unpin_user_pages(p, n);
}

static int demo_partial(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret < 0)
		return ret;
	demo_consume(pages, ret);
	demo_unpin(pages, nr_pages);
	return 0;
}
`,
      expected: [{ messageId: 'requestedCount', line: 15 }],
    },
    {
      name: 'the returned count passed to the same helper: valid',
      model: 'unpin_user_page',
      code: c`
static void demo_unpin(struct page **p, int n)
{
	unpin_user_pages(p, n);
}

static int demo_partial(unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret < 0)
		return ret;
	demo_consume(pages, ret);
	demo_unpin(pages, ret);
	return 0;
}
`,
      expected: [],
    },
  ]),
);
