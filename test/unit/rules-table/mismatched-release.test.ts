/** mismatched-release: ordinary references (get_user_pages* upstream, iov_iter_get_pages*) dropped as pins. */
import { c, ruleTable } from './rule-tester.ts';

const getThenUnpin = c`
static int demo_get(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = get_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;
	demo_use(page);
	unpin_user_page(page);
	return 0;
}
`;

ruleTable('mismatched-release', [
  {
    name: 'get_user_pages_fast + unpin_user_page: fixed to put_page',
    model: 'unpin_user_page',
    code: getThenUnpin,
    expected: [{ messageId: 'refReleasedAsPin', line: 10 }],
    messages: [/get_user_pages_fast\(\) \(line 6\) hold ordinary references, .*refcount underflow; use put_page\(\)$/],
    output: getThenUnpin.replace('\tunpin_user_page(page);', '\tput_page(page);'),
  },
  {
    name: 'the same code in the 2019 model (every GUP page is a pin): valid',
    model: 'put_user_page',
    code: getThenUnpin,
    expected: [],
  },
  {
    name: 'get_user_pages_fast + put_page: valid',
    model: 'unpin_user_page',
    code: getThenUnpin.replace('unpin_user_page(page)', 'put_page(page)'),
    expected: [],
  },
  {
    name: 'get_user_pages + unpin_user_pages: fixed to release_pages',
    model: 'unpin_user_page',
    code: c`
static long demo_many(unsigned long start, int n)
{
	struct page *pages[16];
	long got;

	got = get_user_pages(start, n, 0, pages, NULL);
	if (got <= 0)
		return -EFAULT;
	demo_use(pages, got);
	unpin_user_pages(pages, got);
	return 0;
}
`,
    expected: [{ messageId: 'refReleasedAsPin', line: 10 }],
    output: c`
static long demo_many(unsigned long start, int n)
{
	struct page *pages[16];
	long got;

	got = get_user_pages(start, n, 0, pages, NULL);
	if (got <= 0)
		return -EFAULT;
	demo_use(pages, got);
	release_pages(pages, got);
	return 0;
}
`,
  },
  {
    name: 'unpin_user_pages_dirty_lock on GET pages: reported, no one-call replacement',
    messages: [/call set_page_dirty_lock\(\) where needed, then put_page\(\) on each page$/],
    model: 'unpin_user_page',
    code: c`
static long demo_dirty(unsigned long start, int n)
{
	struct page *pages[16];
	long got;

	got = get_user_pages_fast(start, n, FOLL_WRITE, pages);
	if (got <= 0)
		return -EFAULT;
	demo_fill(pages, got);
	unpin_user_pages_dirty_lock(pages, got, true);
	return 0;
}
`,
    expected: [{ messageId: 'refReleasedAsPin', line: 10 }],
    output: c`
static long demo_dirty(unsigned long start, int n)
{
	struct page *pages[16];
	long got;

	got = get_user_pages_fast(start, n, FOLL_WRITE, pages);
	if (got <= 0)
		return -EFAULT;
	demo_fill(pages, got);
	unpin_user_pages_dirty_lock(pages, got, true);
	return 0;
}
`,
  },
  {
    name: 'put_user_page on GET pages upstream: fixed to put_page',
    model: 'unpin_user_page',
    code: getThenUnpin.replace('unpin_user_page(page)', 'put_user_page(page)'),
    expected: [{ messageId: 'refReleasedAsPin', line: 10 }],
    output: getThenUnpin.replace('unpin_user_page(page)', 'put_page(page)'),
  },
  {
    name: 'iov_iter_get_pages2 references unpinned, in the 2019 model too',
    model: 'put_user_page',
    code: c`
static ssize_t demo_iter(struct iov_iter *iter)
{
	struct page *pages[4];
	size_t start;
	ssize_t bytes;

	bytes = iov_iter_get_pages2(iter, pages, PAGE_SIZE, 1, &start);
	if (bytes <= 0)
		return bytes;
	demo_use(pages[0], start, bytes);
	unpin_user_page(pages[0]);
	return bytes;
}
`,
    expected: [{ messageId: 'refReleasedAsPin', line: 11 }],
  },
  {
    name: 'pin_user_pages_fast + unpin_user_pages: valid',
    model: 'unpin_user_page',
    code: c`
static int demo_pin(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int got;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	unpin_user_pages(pages, got);
	return 0;
}
`,
    expected: [],
  },
  {
    name: 'an alias p = pages[i] of GET pages unpinned',
    model: 'unpin_user_page',
    code: c`
static int demo_alias(unsigned long uaddr, int n)
{
	struct page *pages[8];
	struct page *p;
	int i, got;

	got = get_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	for (i = 0; i < got; i++) {
		p = pages[i];
		flush_dcache_page(p);
		unpin_user_page(p);
	}
	return 0;
}
`,
    expected: [{ messageId: 'refReleasedAsPin', line: 13 }],
  },
  {
    name: 'a same-file helper that unpins GET pages: reported at the call, fixed in the helper',
    model: 'unpin_user_page',
    code: c`
static void demo_drop(struct page **pages, int n)
{
	unpin_user_pages(pages, n);
}

static int demo_get_many(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int got;

	got = get_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	demo_drop(pages, got);
	return 0;
}
`,
    expected: [{ messageId: 'refReleasedAsPin', line: 14 }],
    messages: [/^demo_drop\(\) releases them with unpin_user_pages\(\) \(line 3\); /],
    output: c`
static void demo_drop(struct page **pages, int n)
{
	release_pages(pages, n);
}

static int demo_get_many(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int got;

	got = get_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	demo_drop(pages, got);
	return 0;
}
`,
  },
  {
    name: 'get_user_pages_remote, goto unwinding with while (i--) unpin_user_page',
    model: 'unpin_user_page',
    code: c`
static int demo_remote(struct mm_struct *mm, unsigned long start, int n)
{
	struct page *pages[8];
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = get_user_pages_remote(mm, start + i * PAGE_SIZE, 1, 0, &pages[i], NULL, NULL);
		if (ret != 1)
			goto err_put;
	}
	demo_use(pages, n);
	return 0;
err_put:
	while (i--)
		unpin_user_page(pages[i]);
	return -EFAULT;
}
`,
    expected: [{ messageId: 'refReleasedAsPin', line: 15 }],
  },
  {
    name: 'unpin_user_page of a pinned page next to a GET page: valid',
    model: 'unpin_user_page',
    code: c`
static int demo_two(unsigned long src, unsigned long dst)
{
	struct page *spage, *dpage;

	if (get_user_pages_fast(src, 1, 0, &spage) != 1)
		return -EFAULT;
	if (pin_user_pages_fast(dst, 1, FOLL_WRITE, &dpage) != 1) {
		put_page(spage);
		return -EFAULT;
	}
	copy_highpage(dpage, spage);
	unpin_user_page(dpage);
	put_page(spage);
	return 0;
}
`,
    expected: [],
  },
  {
    name: 'GET pages filled into ctx->pages in one function, unpinned in another',
    model: 'unpin_user_page',
    code: c`
struct demo_dev {
	struct page **pages;
	int nr;
};

static int demo_attach(struct demo_dev *dev, unsigned long uaddr)
{
	int ret;

	ret = get_user_pages_fast(uaddr, dev->nr, FOLL_WRITE, dev->pages);
	if (ret < 0)
		return ret;
	dev->nr = ret;
	return 0;
}

static void demo_detach(struct demo_dev *dev)
{
	unpin_user_pages(dev->pages, dev->nr);
}
`,
    expected: [{ messageId: 'refReleasedAsPin', line: 19 }],
    messages: [/get_user_pages_fast\(\) \(line 10 in demo_attach\(\)\)/],
  },
  {
    name: 'a wrapper that returns the GET count is an acquisition: its pages unpinned',
    model: 'unpin_user_page',
    code: c`
static int demo_grab(unsigned long uaddr, int n, struct page **pages)
{
	return get_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
}

static int demo_user(unsigned long uaddr)
{
	struct page *pages[4];
	int got;

	got = demo_grab(uaddr, 4, pages);
	if (got <= 0)
		return -EFAULT;
	unpin_user_pages(pages, got);
	return 0;
}
`,
    expected: [{ messageId: 'refReleasedAsPin', line: 14 }],
  },
]);
