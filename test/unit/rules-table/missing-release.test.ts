/** missing-release: a path from a successful acquisition to a return that neither releases nor hands off. */
import { c, inBothModels, ruleTable } from './rule-tester.ts';

// A leak, a count, a check: the same in both models, so every case runs in both.
ruleTable(
  'missing-release',
  inBothModels([
    {
      name: 'goto unwinding that unpins on every error path: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_map(struct demo_buf *buf, unsigned long uaddr, int n)
{
	struct page **pages;
	int got, ret;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	got = pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	if (got < 0) {
		ret = got;
		goto err_free;
	}
	if (got != n) {
		ret = -EFAULT;
		goto err_unpin;
	}
	ret = demo_check(pages, got);
	if (ret)
		goto err_unpin;
	buf->pages = pages;
	buf->nr = got;
	return 0;
err_unpin:
	unpin_user_pages(pages, got);
err_free:
	kvfree(pages);
	return ret;
}
`,
      expected: [],
    },
    {
      name: 'a goto that jumps past the unpin to the return',
      model: 'unpin_user_page',
      code: c`
static int demo_check_pages(unsigned long uaddr, int n)
{
	struct page *pages[16];
	int got, ret;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	ret = demo_check(pages, got);
	if (ret)
		goto out;
	unpin_user_pages(pages, got);
out:
	return ret;
}
`,
      expected: [{ messageId: 'gotoToReturn', line: 11 }],
      messages: [/pages pinned by pin_user_pages_fast\(\) \(line 6\) .*this goto leads to the return at line 14/],
    },
    {
      name: 'a goto to a label at the end of a void function is reported at the goto',
      model: 'unpin_user_page',
      code: c`
static void demo_touch_user(unsigned long uaddr, int n)
{
	struct page *pages[16];
	int got;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return;
	if (demo_busy())
		goto out;
	demo_touch(pages, got);
	unpin_user_pages(pages, got);
out:
	;
}
`,
      expected: [{ messageId: 'gotoToEnd', line: 10 }],
      messages: [
        /^pages pinned by pin_user_pages_fast\(\) \(line 6\) .*this goto leads to the end of demo_touch_user\(\)/,
      ],
    },
    {
      name: 'an early return after the pin',
      model: 'put_user_page',
      code: c`
static int demo_early(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = get_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return -EFAULT;
	if (PageHighMem(page))
		return -EINVAL;
	demo_use(page);
	put_user_page(page);
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 10 }],
    },
    {
      name: 'a void function that falls off its end holding the pin',
      model: 'unpin_user_page',
      code: c`
static void demo_forget(unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return;
	flush_dcache_page(page);
}
`,
      expected: [{ messageId: 'fallsOffEnd', line: 8 }],
    },
    {
      name: 'if (ret < 0) return ret; is the failure path, not a leak',
      model: 'unpin_user_page',
      code: c`
static int demo_fail(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	if (ret < 0)
		return ret;
	demo_use(pages, ret);
	unpin_user_pages(pages, ret);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'handed off: stored in a struct that outlives the call',
      model: 'unpin_user_page',
      code: c`
static int demo_keep(struct demo_ctx *ctx, unsigned long uaddr, int n)
{
	struct page **pages = kcalloc(n, sizeof(*pages), GFP_KERNEL);
	int ret;

	if (!pages)
		return -ENOMEM;
	ret = pin_user_pages_fast(uaddr, n, FOLL_LONGTERM, pages);
	if (ret < 0) {
		kfree(pages);
		return ret;
	}
	ctx->pages = pages;
	ctx->nr = ret;
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'handed off: page_address(page) returned',
      model: 'put_user_page',
      code: c`
static void *demo_vaddr(unsigned long uaddr)
{
	struct page *page;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return NULL;
	return page_address(page);
}
`,
      expected: [],
    },
    {
      name: 'handed off: the page goes into a bio, unpinned when bio_add_page fails',
      model: 'unpin_user_page',
      code: c`
static int demo_bio(struct bio *bio, unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	if (bio_add_page(bio, page, PAGE_SIZE, 0) != PAGE_SIZE) {
		unpin_user_page(page);
		return -EIO;
	}
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'bio_add_page failed and the page is not unpinned',
      model: 'unpin_user_page',

      code: c`
static int demo_bio_leaky(struct bio *bio, unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	if (bio_add_page(bio, page, PAGE_SIZE, 0) != PAGE_SIZE)
		return -EIO;
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 8 }],
    },
    {
      name: '!bio_add_page() is the failure side; the page is handed off on the other',
      model: 'unpin_user_page',
      code: c`
static int demo_bio_not(struct bio *bio, unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	if (!bio_add_page(bio, page, PAGE_SIZE, 0))
		return -EIO;
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 8 }],
    },
    {
      name: 'bio_add_page() == PAGE_SIZE: handed off on the true side, unpinned on the other',
      model: 'unpin_user_page',
      code: c`
static int demo_bio_eq(struct bio *bio, unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	if (bio_add_page(bio, page, PAGE_SIZE, 0) == PAGE_SIZE)
		return 0;
	unpin_user_page(page);
	return -EIO;
}
`,
      expected: [],
    },
    {
      name: 'handed off: every page set into a scatterlist',
      model: 'unpin_user_page',
      code: c`
static int demo_sg(struct sg_table *sgt, unsigned long uaddr, int n)
{
	struct page *pages[4];
	int i, got;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	for (i = 0; i < got; i++)
		sg_set_page(&sgt->sgl[i], pages[i], PAGE_SIZE, 0);
	return got;
}
`,
      expected: [],
    },
    {
      name: 'handed off: the page becomes an skb fragment',
      model: 'put_user_page',
      code: c`
static int demo_skb(struct sk_buff *skb, unsigned long uaddr, int len)
{
	struct page *page;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	skb_fill_page_desc(skb, 0, page, offset_in_page(uaddr), len);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'a same-file helper releases the pages on the way out: valid',
      model: 'unpin_user_page',
      code: c`
static void demo_unpin_all(struct page **p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		unpin_user_page(p[i]);
}

static int demo_helper(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int got, ret;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	ret = demo_check(pages, got);
	demo_unpin_all(pages, got);
	return ret;
}
`,
      expected: [],
    },
    {
      name: 'probing with a NULL pages array takes nothing to release',
      model: 'put_user_page',
      code: c`
static int demo_fault_in(unsigned long start, int n)
{
	long ret;

	ret = get_user_pages(start, n, FOLL_WRITE, NULL, NULL);
	if (ret < 0)
		return ret;
	return ret == n ? 0 : -EFAULT;
}
`,
      expected: [],
    },
    {
      name: 'get_user_page_fast_only (bool): the page taken on true is leaked',
      model: 'put_user_page',
      code: c`
static int demo_peek(unsigned long addr, u32 *val)
{
	struct page *page;

	if (!get_user_page_fast_only(addr, 0, &page))
		return -EFAULT;
	*val = *(u32 *)(page_address(page) + offset_in_page(addr));
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 8 }],
    },
    {
      name: 'get_user_page_fast_only (bool) with put_page on the success path: valid upstream',
      model: 'unpin_user_page',
      code: c`
static int demo_peek(unsigned long addr, u32 *val)
{
	struct page *page;

	if (!get_user_page_fast_only(addr, 0, &page))
		return -EFAULT;
	*val = *(u32 *)(page_address(page) + offset_in_page(addr));
	put_page(page);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'a chunked pin loop that returns from inside the loop without the chunks pinned so far',
      model: 'unpin_user_page',
      code: c`
static long demo_chunked(unsigned long addr, long nr_pages)
{
	struct page **pages = kvcalloc(nr_pages, sizeof(*pages), GFP_KERNEL);
	long i, nr = 1;

	if (!pages)
		return -ENOMEM;
	for (i = 0; i < nr_pages; i += nr) {
		nr = pin_user_pages_fast(addr + i * PAGE_SIZE, 1, 0, pages + i);
		if (nr <= 0) {
			kvfree(pages);
			return -EFAULT;
		}
	}
	unpin_user_pages(pages, i);
	kvfree(pages);
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 12 }],
    },
    {
      name: 'switch: one case pins and unpins, the default case returns before any pin',
      model: 'unpin_user_page',
      code: c`
static int demo_cmd(int cmd, unsigned long uaddr)
{
	struct page *page;
	int ret = 0;

	switch (cmd) {
	case DEMO_PIN:
		if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
			return -EFAULT;
		demo_use(page);
		unpin_user_page(page);
		break;
	case DEMO_NOP:
		break;
	default:
		return -EINVAL;
	}
	return ret;
}
`,
      expected: [],
    },
    {
      name: 'switch fall-through: the pinning case falls into a case that returns',
      model: 'unpin_user_page',
      code: c`
static int demo_cmd(int cmd, unsigned long uaddr)
{
	struct page *page;

	switch (cmd) {
	case DEMO_PIN:
		if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
			return -EFAULT;
		flush_dcache_page(page);
		fallthrough;
	case DEMO_NOP:
		return 0;
	default:
		return -EINVAL;
	}
}
`,
      expected: [{ messageId: 'returnLeaves', line: 12 }],
    },
    {
      name: 'a correlated flag: unpinned under the same test that pinned',
      model: 'unpin_user_page',
      code: c`
static int demo_maybe(unsigned long uaddr, bool user, struct page *kpage)
{
	struct page *page = kpage;

	if (user) {
		if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
			return -EFAULT;
	}
	demo_use(page);
	if (user)
		unpin_user_page(page);
	return 0;
}
`,
      expected: [],
    },
    {
      name: '#ifdef around the pin and around the release take the same side',
      model: 'put_user_page',
      code: c`
static int demo_cfg(unsigned long uaddr)
{
	struct page *page;

#ifdef CONFIG_DEMO_USER
	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
#else
	page = demo_kernel_page();
#endif
	demo_use(page);
#ifdef CONFIG_DEMO_USER
	put_user_page(page);
#endif
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'a struct local to the function that the error path kfree()s is no hand-off',
      model: 'unpin_user_page',
      code: c`
static struct demo_req *demo_req_new(unsigned long uaddr, int n)
{
	struct demo_req *req;
	struct page **pages;
	int got;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	pages = kcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!req || !pages)
		goto err_free;
	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		goto err_free;
	req->pages = pages;
	req->nr = got;
	if (demo_req_submit(req))
		goto err_free;
	return req;
err_free:
	kfree(pages);
	kfree(req);
	return NULL;
}
`,
      expected: [{ messageId: 'gotoToReturn', line: 17 }],
    },
    {
      name: 'the same struct, the error path unpins before it kfree()s it: valid',
      model: 'unpin_user_page',
      code: c`
static struct demo_req *demo_req_new(unsigned long uaddr, int n)
{
	struct demo_req *req;
	struct page **pages;
	int got;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	pages = kcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!req || !pages)
		goto err_free;
	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		goto err_free;
	req->pages = pages;
	req->nr = got;
	if (demo_req_submit(req)) {
		unpin_user_pages(pages, got);
		goto err_free;
	}
	return req;
err_free:
	kfree(pages);
	kfree(req);
	return NULL;
}
`,
      expected: [],
    },
    {
      name: 'the pfn copied to a local is no hand-off',
      model: 'unpin_user_page',
      code: c`
static int demo_pfn(unsigned long uaddr, unsigned long *out)
{
	struct page *page;
	unsigned long pfn;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	pfn = page_to_pfn(page);
	pr_debug("demo: pfn %lx\n", pfn);
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 10 }],
    },
    {
      name: 'a wrapper that pins and returns the count: the caller leaks on an early return',
      model: 'unpin_user_page',
      code: c`
static int demo_grab(unsigned long uaddr, int n, struct page **pages)
{
	return pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
}

static int demo_caller(unsigned long uaddr)
{
	struct page *pages[4];
	int got;

	got = demo_grab(uaddr, 4, pages);
	if (got <= 0)
		return -EFAULT;
	if (demo_busy())
		return -EBUSY;
	unpin_user_pages(pages, got);
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 15 }],
    },
    {
      name: 'the page stored into pages[nr] before nr++: the unwinding loop misses it',
      model: 'unpin_user_page',
      code: c`
static int demo_collect(unsigned long *addrs, int n)
{
	struct page *pages[8];
	struct page *page;
	int i, nr = 0, ret = -EFAULT;

	for (i = 0; i < n; i++) {
		if (pin_user_pages_fast(addrs[i], 1, 0, &page) != 1)
			goto unwind;
		pages[nr] = page;
		if (demo_check(page))
			goto unwind;
		nr++;
	}
	demo_use(pages, nr);
	ret = 0;
unwind:
	while (nr--)
		unpin_user_page(pages[nr]);
	return ret;
}
`,
      expected: [{ messageId: 'gotoToReturn', line: 12 }],
    },
    {
      name: 'sg_alloc_table_from_pages() failed (ret != 0) and the pages are not unpinned: the table never took them',
      model: 'unpin_user_page',
      code: c`
static int demo_sgt_map(struct sg_table *sgt, unsigned long uaddr, int n)
{
	struct page **pages;
	int got, ret;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	got = pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	if (got <= 0) {
		kvfree(pages);
		return -EFAULT;
	}
	ret = sg_alloc_table_from_pages(sgt, pages, got, 0, (unsigned long)got << PAGE_SHIFT, GFP_KERNEL);
	if (ret) {
		kvfree(pages);
		return ret;
	}
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 17 }],
    },
    {
      name: 'sg_alloc_table_from_pages() failed (ret < 0): unpinned before the array is freed: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_sgt_map(struct sg_table *sgt, unsigned long uaddr, int n)
{
	struct page **pages;
	int got, ret;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	got = pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	if (got <= 0) {
		kvfree(pages);
		return -EFAULT;
	}
	ret = sg_alloc_table_from_pages(sgt, pages, got, 0, (unsigned long)got << PAGE_SHIFT, GFP_KERNEL);
	if (ret < 0) {
		unpin_user_pages(pages, got);
		kvfree(pages);
		return ret;
	}
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'sg_alloc_table_from_pages() tested in the condition itself (if (sg_alloc_…(…))): the true side failed',
      model: 'unpin_user_page',
      code: c`
static int demo_sgt_map(struct sg_table *sgt, unsigned long uaddr, int n)
{
	struct page **pages;
	int got, ret;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	got = pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	if (got <= 0) {
		kvfree(pages);
		return -EFAULT;
	}
	if (sg_alloc_table_from_pages(sgt, pages, got, 0, got * PAGE_SIZE, GFP_KERNEL))
		return -ENOMEM;
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 15 }],
    },
    {
      name: "sg_alloc_table_from_pages()'s result returned to the caller untested: the hand-off holds",
      model: 'unpin_user_page',
      code: c`
static int demo_sgt_map(struct sg_table *sgt, unsigned long uaddr, int n)
{
	struct page **pages;
	int got, ret;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	got = pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	if (got <= 0) {
		kvfree(pages);
		return -EFAULT;
	}
	ret = sg_alloc_table_from_pages(sgt, pages, got, 0, (unsigned long)got << PAGE_SHIFT, GFP_KERNEL);
	return ret;
	return 0;
}
`,
      expected: [],
    },
    {
      name: '!ret after sg_alloc_table_from_pages() is its success side: the pages live in the table there',
      model: 'unpin_user_page',
      code: c`
static int demo_sgt_map(struct sg_table *sgt, unsigned long uaddr, int n)
{
	struct page **pages;
	int got, ret;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	got = pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	if (got <= 0) {
		kvfree(pages);
		return -EFAULT;
	}
	ret = sg_alloc_table_from_pages(sgt, pages, got, 0, (unsigned long)got << PAGE_SHIFT, GFP_KERNEL);
	if (!ret)
		return 0;
	unpin_user_pages(pages, got);
	kvfree(pages);
	return ret;
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'the fixed order: pages[nr++] = page before the check: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_collect(unsigned long *addrs, int n)
{
	struct page *pages[8];
	struct page *page;
	int i, nr = 0, ret = -EFAULT;

	for (i = 0; i < n; i++) {
		if (pin_user_pages_fast(addrs[i], 1, 0, &page) != 1)
			goto unwind;
		pages[nr++] = page;
		if (demo_check(page))
			goto unwind;
	}
	demo_use(pages, nr);
	ret = 0;
unwind:
	while (nr--)
		unpin_user_page(pages[nr]);
	return ret;
}
`,
      expected: [],
    },
    {
      name: 'the page stored at pages[nr] is unpinned on the error path itself: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_collect(unsigned long *addrs, int n)
{
	struct page *pages[8];
	struct page *page;
	int i, nr = 0, ret = -EFAULT;

	for (i = 0; i < n; i++) {
		if (pin_user_pages_fast(addrs[i], 1, 0, &page) != 1)
			goto unwind;
		pages[nr] = page;
		if (demo_check(page)) {
			unpin_user_page(page);
			goto unwind;
		}
		nr++;
	}
	demo_use(pages, nr);
	ret = 0;
unwind:
	while (nr--)
		unpin_user_page(pages[nr]);
	return ret;
}
`,
      expected: [],
    },
    {
      name: 'pages[nr] before nr++, unwound by for (i = 0; i < nr; i++): the last page leaks',
      model: 'unpin_user_page',
      code: c`
static int demo_collect(unsigned long *addrs, int n)
{
	struct page *pages[8];
	struct page *page;
	int i, nr = 0, ret = -EFAULT;

	for (i = 0; i < n; i++) {
		if (pin_user_pages_fast(addrs[i], 1, 0, &page) != 1)
			goto unwind;
		pages[nr] = page;
		if (demo_check(page))
			goto unwind;
		nr++;
	}
	demo_use(pages, nr);
	ret = 0;
unwind:
	for (i = 0; i < nr; i++)
		unpin_user_page(pages[i]);
	return ret;
}
`,
      expected: [{ messageId: 'gotoToReturn', line: 12 }],
    },
    {
      name: 'pages[nr] before nr++, unwound by unpin_user_pages(pages, nr): the last page leaks',
      model: 'unpin_user_page',
      code: c`
static int demo_collect(unsigned long *addrs, int n)
{
	struct page *pages[8];
	struct page *page;
	int i, nr = 0, ret = -EFAULT;

	for (i = 0; i < n; i++) {
		if (pin_user_pages_fast(addrs[i], 1, 0, &page) != 1)
			goto unwind;
		pages[nr] = page;
		if (demo_check(page))
			goto unwind;
		nr++;
	}
	demo_use(pages, nr);
	ret = 0;
unwind:
	unpin_user_pages(pages, nr);
	return ret;
}
`,
      expected: [{ messageId: 'gotoToReturn', line: 12 }],
    },
    {
      name: 'handed off to a bio on the success path, unpinned through a goto on the other',
      model: 'unpin_user_page',
      code: c`
static int demo_bio_add(struct bio *bio, unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	if (bio_full(bio, PAGE_SIZE))
		goto err_unpin;
	__bio_add_page(bio, page, PAGE_SIZE, 0);
	return 0;
err_unpin:
	unpin_user_page(page);
	return -EIO;
}
`,
      expected: [],
    },
    {
      name: 'handed off to an skb fragment on one path, put on the other',
      model: 'unpin_user_page',
      code: c`
static int demo_frag(struct sk_buff *skb, unsigned long uaddr, int len)
{
	struct page *page;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	if (skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)
		goto err_put;
	skb_fill_page_desc(skb, skb_shinfo(skb)->nr_frags, page, 0, len);
	return 0;
err_put:
	put_page(page);
	return -EMSGSIZE;
}
`,
      expected: [],
    },
    {
      name: 'the kmalloc()ed array returned to the caller: valid',
      model: 'unpin_user_page',
      code: c`
static struct page **demo_pin_array(unsigned long uaddr, int n, int *nr)
{
	struct page **pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	int got;

	if (!pages)
		return ERR_PTR(-ENOMEM);
	got = pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	if (got <= 0) {
		kvfree(pages);
		return ERR_PTR(-EFAULT);
	}
	*nr = got;
	return pages;
}
`,
      expected: [],
    },
    {
      name: 'get_user_page_vma_remote returns the page: IS_ERR is the failure, a missing put_page leaks',
      model: 'unpin_user_page',
      code: c`
static int demo_vma_page(struct mm_struct *mm, unsigned long addr, u8 *out)
{
	struct vm_area_struct *vma;
	struct page *page;

	page = get_user_page_vma_remote(mm, addr, 0, &vma);
	if (IS_ERR(page))
		return PTR_ERR(page);
	if (!(vma->vm_flags & VM_READ))
		return -EPERM;
	*out = *(u8 *)page_address(page);
	put_page(page);
	return 0;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 10 }],
    },
    {
      name: 'pinned in one switch case, unpinned under the same case value later: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_switch_pin(int cmd, unsigned long uaddr, struct page *kpage)
{
	struct page *page = kpage;

	switch (cmd) {
	case DEMO_USER:
		if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
			return -EFAULT;
		break;
	case DEMO_KERNEL:
		break;
	default:
		return -EINVAL;
	}
	flush_dcache_page(page);
	if (cmd != DEMO_USER)
		goto out;
	unpin_user_page(page);
out:
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'likely(ret == nr) full path and a partial path that unpins what it got: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_all_or_back(unsigned long uaddr, int nr)
{
	struct page *pages[16];
	int ret;

	ret = pin_user_pages_fast(uaddr, nr, 0, pages);
	if (likely(ret == nr)) {
		demo_consume(pages, nr);
		unpin_user_pages(pages, nr);
		return 0;
	}
	if (ret > 0)
		unpin_user_pages(pages, ret);
	return -EFAULT;
}
`,
      expected: [],
    },
    {
      name: 'put_page(*pages) releases the only page',
      model: 'unpin_user_page',
      code: c`
static int demo_first(unsigned long uaddr)
{
	struct page *pages[1];

	if (get_user_pages_fast(uaddr, 1, 0, pages) != 1)
		return -EFAULT;
	flush_dcache_page(*pages);
	put_page(*pages);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'a cleanup label that unpins under if (page): valid',
      model: 'unpin_user_page',
      code: c`
static int demo_cleanup(unsigned long uaddr)
{
	struct page *page = NULL;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, 0, &page);
	if (ret != 1) {
		ret = -EFAULT;
		goto out;
	}
	ret = demo_check(page);
out:
	if (page)
		unpin_user_page(page);
	return ret;
}
`,
      expected: [],
    },
    {
      name: 'a continue inside a per-page loop skips the unpin: reported at the return after the loop',
      model: 'unpin_user_page',
      code: c`
static int demo_skip_loop(unsigned long *addrs, int n)
{
	struct page *page;
	int j, ret, done = 0;

	for (j = 0; j < n; j++) {
		ret = pin_user_pages_fast(addrs[j], 1, 0, &page);
		if (ret != 1)
			continue;
		if (PageHighMem(page))
			continue;
		flush_dcache_page(page);
		unpin_user_page(page);
		done++;
	}
	return done;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 16 }],
    },
    {
      name: 'a retry goto back to the pin: -EAGAIN retried, nothing held yet, valid',
      model: 'unpin_user_page',
      code: c`
static int demo_retry(unsigned long uaddr)
{
	struct page *page;
	int ret, tries = 0;

retry:
	ret = pin_user_pages_fast(uaddr, 1, 0, &page);
	if (ret == -EAGAIN && tries++ < 3)
		goto retry;
	if (ret != 1)
		return -EFAULT;
	flush_dcache_page(page);
	unpin_user_page(page);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'a goto back to the pin while the first page is still held',
      model: 'unpin_user_page',
      code: c`
static int demo_retry_leak(unsigned long uaddr)
{
	struct page *page;
	int ret;

again:
	ret = pin_user_pages_fast(uaddr, 1, 0, &page);
	if (ret != 1)
		return -EFAULT;
	if (PageHighMem(page))
		goto again;
	unpin_user_page(page);
	return 0;
}
`,
      expected: [{ messageId: 'gotoToReturn', line: 11 }],
    },
    {
      name: 'do { … } while (0) around the unpin: valid',
      model: 'unpin_user_page',
      code: c`
static int demo_do_while(unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	do {
		flush_dcache_page(page);
		unpin_user_page(page);
	} while (0);
	return 0;
}
`,
      expected: [],
    },
    {
      name: 'a partial pin (ret != nr) sent to the label that only frees the array',
      model: 'unpin_user_page',
      code: c`
static int demo_partial_leak(unsigned long uaddr, int nr)
{
	struct page **pages;
	int ret;

	pages = kvcalloc(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	ret = pin_user_pages_fast(uaddr, nr, 0, pages);
	if (ret != nr) {
		ret = -EFAULT;
		goto out_free;
	}
	demo_consume(pages, nr);
	unpin_user_pages(pages, nr);
	ret = 0;
out_free:
	kvfree(pages);
	return ret;
}
`,
      expected: [{ messageId: 'gotoToReturn', line: 12 }],
    },
    {
      name: 'iov_iter_get_pages_alloc2 references: the array is kvfree()d, the references are not dropped',
      model: 'unpin_user_page',
      code: c`
static ssize_t demo_iter_alloc(struct iov_iter *iter, size_t maxsize)
{
	struct page **pages;
	size_t start;
	ssize_t bytes;

	bytes = iov_iter_get_pages_alloc2(iter, &pages, maxsize, &start);
	if (bytes <= 0)
		return bytes;
	flush_dcache_page(pages[0]);
	kvfree(pages);
	return bytes;
}
`,
      expected: [{ messageId: 'returnLeaves', line: 12 }],
    },
  ]),
);
