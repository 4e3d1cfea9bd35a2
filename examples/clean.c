// SPDX-License-Identifier: MIT
/* gup-review example: correct pairs in the upstream model; nothing to report. */
#include <linux/mm.h>

#define EXAMPLE_PIN_REFCOUNT	(3 * GUP_PIN_COUNTING_BIAS + 1)	/* hover: 3 pins, 1 ref */

struct example_buf {
	struct page **pages;
	int nr_pages;
};

static int example_buf_pin(struct example_buf *buf, unsigned long uaddr, int nr_pages)
{
	struct page **pages;
	int pinned;

	pages = kvcalloc(nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	pinned = pin_user_pages_fast(uaddr, nr_pages, FOLL_WRITE | FOLL_LONGTERM, pages);
	if (pinned != nr_pages) {
		if (pinned > 0)
			unpin_user_pages(pages, pinned);
		kvfree(pages);
		return pinned < 0 ? pinned : -EFAULT;
	}
	buf->pages = pages;
	buf->nr_pages = pinned;
	return 0;
}

static void example_buf_unpin(struct example_buf *buf, bool dirty)
{
	unpin_user_pages_dirty_lock(buf->pages, buf->nr_pages, dirty);
	kvfree(buf->pages);
}

static int example_read_word(unsigned long uaddr, u32 *out)
{
	struct page *page;
	void *kaddr;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	kaddr = kmap_local_page(page);
	*out = *(u32 *)(kaddr + offset_in_page(uaddr));
	kunmap_local(kaddr);
	put_page(page);
	return 0;
}
