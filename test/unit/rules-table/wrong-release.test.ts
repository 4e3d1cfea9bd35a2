/** wrong-release: pinned pages (pin_user_pages* upstream, get_user_pages* in 2019) dropped as plain references. */
import { c, ruleTable } from './rule-tester.ts';

ruleTable('wrong-release', [
  {
    name: 'folio_put(page_folio(page)) on a pin, target not shown 6.11+: unpin_user_page(page), never unpin_folio()',
    model: 'unpin_user_page',
    code: c`
static int demo_folio(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return -EFAULT;
	folio_put(page_folio(page));
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 9 }],
    messages: [/use unpin_user_page\(\) — folio_put\(\)/],
    output: c`
static int demo_folio(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return -EFAULT;
	unpin_user_page(page);
	return 0;
}
`,
  },
  {
    name: 'the same in a file that calls unpin_folios() (6.11+): unpin_folio()',
    model: 'unpin_user_page',
    code: c`
static int demo_folio(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return -EFAULT;
	folio_put(page_folio(page));
	return 0;
}

static void demo_folios_done(struct folio **folios, unsigned int n)
{
	unpin_folios(folios, n);
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 9 }],
    output: c`
static int demo_folio(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return -EFAULT;
	unpin_folio(page_folio(page));
	return 0;
}

static void demo_folios_done(struct folio **folios, unsigned int n)
{
	unpin_folios(folios, n);
}
`,
  },
  {
    name: 'pin_user_pages_fast into &page, unpin_user_page: valid',
    model: 'unpin_user_page',
    code: c`
static int demo_one(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return -EFAULT;
	demo_use(page);
	unpin_user_page(page);
	return 0;
}
`,
    expected: [],
  },
  {
    name: 'pin_user_pages_fast into &page, put_page: fixed to unpin_user_page',
    model: 'unpin_user_page',
    code: c`
static int demo_one(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return -EFAULT;
	demo_use(page);
	put_page(page);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 10 }],
    messages: [
      /^pages pinned by pin_user_pages_fast\(\) \(line 6\) are released with put_page\(\): use unpin_user_page\(\)/,
    ],
    output: c`
static int demo_one(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return -EFAULT;
	demo_use(page);
	unpin_user_page(page);
	return 0;
}
`,
  },
  {
    name: 'for (i = 0; i < ret; i++) put_page(pages[i]) after a pin',
    model: 'unpin_user_page',
    code: c`
static int demo_many(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int i, ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	if (ret < 0)
		return ret;
	demo_use(pages, ret);
	for (i = 0; i < ret; i++)
		put_page(pages[i]);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 11 }],
    output: c`
static int demo_many(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int i, ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	if (ret < 0)
		return ret;
	demo_use(pages, ret);
	for (i = 0; i < ret; i++)
		unpin_user_page(pages[i]);
	return 0;
}
`,
  },
  {
    name: 'release_pages on pinned pages becomes unpin_user_pages',
    model: 'unpin_user_page',
    code: c`
static long demo_batch(unsigned long uaddr, int n)
{
	struct page *pages[8];
	long got;

	got = pin_user_pages(uaddr, n, FOLL_WRITE, pages, NULL);
	if (got <= 0)
		return -EFAULT;
	release_pages(pages, got);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 9 }],
    output: c`
static long demo_batch(unsigned long uaddr, int n)
{
	struct page *pages[8];
	long got;

	got = pin_user_pages(uaddr, n, FOLL_WRITE, pages, NULL);
	if (got <= 0)
		return -EFAULT;
	unpin_user_pages(pages, got);
	return 0;
}
`,
  },
  {
    name: 'an alias p = pages[i] released with put_page',
    model: 'unpin_user_page',
    code: c`
static int demo_alias(unsigned long uaddr, int n)
{
	struct page *pages[8];
	struct page *p;
	int i, got;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	for (i = 0; i < got; i++) {
		p = pages[i];
		demo_touch(p);
		put_page(p);
	}
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 13 }],
  },
  {
    name: 'while (i--) put_page(pages[i]) in goto unwinding',
    model: 'unpin_user_page',
    code: c`
static int demo_each(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = pin_user_pages_fast(uaddr + i * PAGE_SIZE, 1, 0, &pages[i]);
		if (ret != 1)
			goto unwind;
	}
	demo_use(pages, n);
	ret = 0;
unwind:
	while (i--)
		put_page(pages[i]);
	return ret;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 15 }],
  },
  {
    name: 'a same-file helper that put_page()s: reported at the call, fixed inside the helper',
    model: 'unpin_user_page',
    code: c`
static void demo_release(struct page **p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		put_page(p[i]);
}

static int demo_pin(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int got;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	demo_release(pages, got);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 17 }],
    output: c`
static void demo_release(struct page **p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		unpin_user_page(p[i]);
}

static int demo_pin(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int got;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	demo_release(pages, got);
	return 0;
}
`,
  },
  {
    name: 'put_page near the pin releases a different page: valid',
    model: 'unpin_user_page',
    code: c`
static int demo_copy(unsigned long uaddr)
{
	struct page *page, *bounce;
	int ret;

	bounce = alloc_page(GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	ret = pin_user_pages_fast(uaddr, 1, 0, &page);
	if (ret == 1) {
		copy_highpage(bounce, page);
		unpin_user_page(page);
	}
	put_page(bounce);
	return ret == 1 ? 0 : -EFAULT;
}
`,
    expected: [],
  },
  {
    name: 'get_user_pages_fast + put_page: valid upstream',
    model: 'unpin_user_page',
    code: c`
static int demo_get(unsigned long uaddr)
{
	struct page *page;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	demo_use(page);
	put_page(page);
	return 0;
}
`,
    expected: [],
  },
  {
    name: 'get_user_pages_fast + put_page in the 2019 model: put_user_page',
    model: 'put_user_page',
    code: c`
static int demo_get(unsigned long uaddr)
{
	struct page *page;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	demo_use(page);
	put_page(page);
	return 0;
}
`,
    expected: [{ messageId: 'needsPutUserPage', line: 8 }],
    messages: [/use put_user_page\(\) — pages from get_user_pages\*\(\) must be released with put_user_page\*\(\)$/],
    output: c`
static int demo_get(unsigned long uaddr)
{
	struct page *page;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	demo_use(page);
	put_user_page(page);
	return 0;
}
`,
  },
  {
    name: 'get_user_pages_remote + release_pages in the 2019 model: put_user_pages',
    model: 'put_user_page',
    code: c`
static long demo_remote(struct mm_struct *mm, unsigned long start, int n)
{
	struct page *pages[16];
	long got;
	int locked = 1;

	mmap_read_lock(mm);
	got = get_user_pages_remote(mm, start, n, FOLL_WRITE, pages, NULL, &locked);
	if (locked)
		mmap_read_unlock(mm);
	if (got <= 0)
		return got;
	demo_use(pages, got);
	release_pages(pages, got);
	return 0;
}
`,
    expected: [{ messageId: 'needsPutUserPage', line: 14 }],
    output: c`
static long demo_remote(struct mm_struct *mm, unsigned long start, int n)
{
	struct page *pages[16];
	long got;
	int locked = 1;

	mmap_read_lock(mm);
	got = get_user_pages_remote(mm, start, n, FOLL_WRITE, pages, NULL, &locked);
	if (locked)
		mmap_read_unlock(mm);
	if (got <= 0)
		return got;
	demo_use(pages, got);
	put_user_pages(pages, got);
	return 0;
}
`,
  },
  {
    name: 'get_user_page_fast_only (bool) + put_page in the 2019 model',
    model: 'put_user_page',
    code: c`
static bool demo_peek(unsigned long addr, u8 *out)
{
	struct page *page;

	if (!get_user_page_fast_only(addr, 0, &page))
		return false;
	*out = *(u8 *)page_address(page);
	put_page(page);
	return true;
}
`,
    expected: [{ messageId: 'needsPutUserPage', line: 8 }],
  },
  {
    name: 'iov_iter_get_pages2 references + put_page: valid in the 2019 model',
    model: 'put_user_page',
    code: c`
static ssize_t demo_iter(struct iov_iter *iter)
{
	struct page *pages[4];
	size_t start;
	ssize_t bytes;
	int i, n;

	bytes = iov_iter_get_pages2(iter, pages, PAGE_SIZE * 4, 4, &start);
	if (bytes <= 0)
		return bytes;
	n = DIV_ROUND_UP(bytes + start, PAGE_SIZE);
	for (i = 0; i < n; i++)
		put_page(pages[i]);
	return bytes;
}
`,
    expected: [],
  },
  {
    name: 'pages + done: the tail of the array pinned, release_pages over all of it',
    model: 'unpin_user_page',
    code: c`
static int demo_chunks(unsigned long uaddr, int n)
{
	struct page **pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	int done = 0, ret = 0;

	if (!pages)
		return -ENOMEM;
	while (done < n) {
		ret = pin_user_pages_fast(uaddr + done * PAGE_SIZE, n - done, 0, pages + done);
		if (ret <= 0)
			break;
		done += ret;
	}
	demo_use(pages, done);
	release_pages(pages, done);
	kvfree(pages);
	return ret < 0 ? ret : 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 15 }],
  },
  {
    name: 'folio_put(page_folio(page)) on a pinned page',
    model: 'unpin_user_page',
    code: c`
static int demo_folio(unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	demo_use(page);
	folio_put(page_folio(page));
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 8 }],
  },
  {
    name: 'ctx->pages pinned in setup, put_page in teardown of the same struct',
    model: 'unpin_user_page',
    code: c`
struct demo_ctx {
	struct page **pages;
	int nr;
};

static int demo_setup(struct demo_ctx *ctx, unsigned long uaddr)
{
	int ret;

	ret = pin_user_pages_fast(uaddr, ctx->nr, FOLL_LONGTERM, ctx->pages);
	if (ret < 0)
		return ret;
	ctx->nr = ret;
	return 0;
}

static void demo_teardown(struct demo_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->nr; i++)
		put_page(ctx->pages[i]);
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 22 }],
  },
  {
    name: 'put_page of another struct type sharing the field name: valid',
    model: 'unpin_user_page',
    code: c`
struct demo_ctx {
	struct page **pages;
	int nr;
};

struct demo_cache {
	struct page **pages;
	int nr;
};

static int demo_setup(struct demo_ctx *ctx, unsigned long uaddr)
{
	int ret;

	ret = pin_user_pages_fast(uaddr, ctx->nr, FOLL_LONGTERM, ctx->pages);
	if (ret < 0)
		return ret;
	ctx->nr = ret;
	return 0;
}

static void demo_cache_drop(struct demo_cache *c)
{
	int i;

	for (i = 0; i < c->nr; i++)
		put_page(c->pages[i]);
}
`,
    expected: [],
  },
  {
    name: '__free_page() on a pinned page is a wrong release',
    model: 'unpin_user_page',
    code: c`
static int demo_free(unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	demo_use(page);
	__free_page(page);
	return 0;
}
`,
    expected: [{ messageId: 'freesUserPage', line: 8 }],
  },
  {
    name: 'free_page() of a pin_user_pages page in the 2019 model: the advice is unpin_user_page, as for put_page',
    model: 'put_user_page',
    code: c`
static int demo_free_addr(unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	demo_use(page);
	free_page((unsigned long)page_address(page));
	return 0;
}
`,
    expected: [{ messageId: 'freesUserPage', line: 8 }],
    messages: [/are freed with free_page\(\): the user still maps them — use unpin_user_page\(\) instead$/],
  },
  {
    name: 'a page variable that also takes pfn_to_page() on another path: reported without a rename fix',
    model: 'unpin_user_page',
    code: c`
static int demo_mixed(unsigned long uaddr, unsigned long pfn, bool user)
{
	struct page *page;

	if (user) {
		if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
			return -EFAULT;
	} else {
		page = pfn_to_page(pfn);
		get_page(page);
	}
	demo_use(page);
	put_page(page);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 13 }],
    messages: [/page also holds pages from elsewhere on other paths: release those separately\)$/],
    output: c`
static int demo_mixed(unsigned long uaddr, unsigned long pfn, bool user)
{
	struct page *page;

	if (user) {
		if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
			return -EFAULT;
	} else {
		page = pfn_to_page(pfn);
		get_page(page);
	}
	demo_use(page);
	put_page(page);
	return 0;
}
`,
  },
  {
    name: 'an alias p = pages[i] that later takes alloc_page(): put_page(p) drops the new page, valid',
    model: 'unpin_user_page',
    code: c`
static int demo_bounce(unsigned long uaddr, int n)
{
	struct page *pages[8];
	struct page *p;
	int i, got;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	for (i = 0; i < got; i++) {
		p = pages[i];
		flush_dcache_page(p);
	}
	p = alloc_page(GFP_KERNEL);
	if (p) {
		demo_fill(p);
		put_page(p);
	}
	unpin_user_pages(pages, got);
	return 0;
}
`,
    expected: [],
  },
  {
    name: 'an extra get_page() on a pinned page balanced by put_page(), then unpin_user_page: valid',
    model: 'unpin_user_page',

    code: c`
static int demo_extra_ref(unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	get_page(page);
	demo_async_read(page);
	put_page(page);
	unpin_user_page(page);
	return 0;
}
`,
    expected: [],
  },
  {
    name: "pages pinned into the caller's array (a parameter), released with put_page",
    model: 'unpin_user_page',
    code: c`
static int demo_fill(unsigned long uaddr, int n, struct page **pages)
{
	int ret;

	ret = pin_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	if (ret < 0)
		return ret;
	if (ret < n) {
		release_pages(pages, ret);
		return -EFAULT;
	}
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 9 }],
  },
  {
    name: 'a helper of a helper releases with put_page: reported at the outer call',
    model: 'unpin_user_page',
    code: c`
static void demo_put_one(struct page *page)
{
	put_page(page);
}

static void demo_put_all(struct page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++)
		demo_put_one(pages[i]);
}

static int demo_pin(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int got;

	got = pin_user_pages_fast(uaddr, n, 0, pages);
	if (got <= 0)
		return -EFAULT;
	demo_put_all(pages, got);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 22 }],
  },
  {
    name: 'the 2019 two-argument put_user_pages_dirty_lock is a right release',
    model: 'put_user_page',
    code: c`
static int demo_old_dirty(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int got;

	got = get_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	if (got <= 0)
		return -EFAULT;
	demo_fill_pages(pages, got);
	put_user_pages_dirty_lock(pages, got);
	return 0;
}
`,
    expected: [],
  },
  {
    name: 'an mm-internal acquisition with FOLL_PIN in its flags, released with put_page',
    model: 'unpin_user_page',

    code: c`
static long demo_internal(struct mm_struct *mm, unsigned long start, unsigned long nr, struct page **pages)
{
	int locked = 1;
	long ret, i;

	ret = __get_user_pages_locked(mm, start, nr, pages, NULL, &locked, FOLL_WRITE | FOLL_PIN);
	if (ret <= 0)
		return ret;
	for (i = 0; i < ret; i++)
		put_page(pages[i]);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 10 }],
  },
  {
    name: 'an mm-internal acquisition whose flags are passed through: undecidable, quiet',
    model: 'unpin_user_page',
    code: c`
static long demo_internal_pass(struct mm_struct *mm, unsigned long start, unsigned long nr,
			       struct page **pages, unsigned int gup_flags)
{
	int locked = 1;
	long ret, i;

	ret = __get_user_pages_locked(mm, start, nr, pages, NULL, &locked, gup_flags);
	if (ret <= 0)
		return ret;
	for (i = 0; i < ret; i++)
		put_page(pages[i]);
	return 0;
}
`,
    expected: [],
  },
  {
    name: 'unmap_and_put_page() on a pinned page drops a plain reference',
    model: 'unpin_user_page',
    code: c`
static int demo_kmap(unsigned long uaddr, u32 *out)
{
	struct page *page;
	void *kaddr;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	kaddr = kmap_local_page(page);
	*out = *(u32 *)kaddr;
	unmap_and_put_page(page, kaddr);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 10 }],
  },
  {
    name: 'pp = ctx->pages aliases the field that was pinned into: put_page(pp[i])',
    model: 'unpin_user_page',
    code: c`
static int demo_ctx_alias(struct demo_ctx *ctx, unsigned long uaddr)
{
	struct page **pp = ctx->pages;
	int i, ret;

	ret = pin_user_pages_fast(uaddr, ctx->nr, 0, ctx->pages);
	if (ret <= 0)
		return -EFAULT;
	for (i = 0; i < ret; i++)
		put_page(pp[i]);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 10 }],
  },
  {
    name: 'pin_user_pages pages put_page()d in the 2019 model: unpin_user_page, as the README table says',
    model: 'put_user_page',

    code: c`
static int demo_pin_2019(unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	flush_dcache_page(page);
	put_page(page);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 8 }],
    output: c`
static int demo_pin_2019(unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	flush_dcache_page(page);
	unpin_user_page(page);
	return 0;
}
`,
  },
  {
    name: 'folio = page_folio(page) of a pinned page, folio_put(folio)',
    model: 'unpin_user_page',
    code: c`
static int demo_folio_alias(unsigned long uaddr)
{
	struct page *page;
	struct folio *folio;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	folio = page_folio(page);
	folio_mark_dirty(folio);
	folio_put(folio);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 10 }],
  },
  {
    name: 'page_ref_sub(page, 1) on a pinned page drops a reference, not the pin',
    model: 'unpin_user_page',
    code: c`
static int demo_ref_sub(unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	demo_use(page);
	page_ref_sub(page, 1);
	return 0;
}
`,
    expected: [{ messageId: 'leavesPinRaised', line: 8 }],
    messages: [/released with page_ref_sub\(\): use unpin_user_page\*\(\)/],
  },
  {
    name: 'page_ref_sub(page, refs): an amount that cannot be read is a release, never the wrong one',
    model: 'unpin_user_page',
    code: c`
static int demo_ref_sub_n(unsigned long uaddr, int refs)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	demo_use(page);
	page_ref_sub(page, refs);
	return 0;
}
`,
    expected: [],
  },
  {
    name: 'page_ref_sub(page, GUP_PIN_COUNTING_BIAS) on get_user_pages pages drops the pin: valid',
    model: 'put_user_page',
    code: c`
static int demo_ref_sub_bias(unsigned long uaddr)
{
	struct page *page;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	demo_use(page);
	page_ref_sub(page, GUP_PIN_COUNTING_BIAS);
	return 0;
}
`,
    expected: [],
  },
]);
