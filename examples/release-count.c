// SPDX-License-Identifier: MIT
/* gup-review example: releasing what was asked for, not what was pinned (rule release-count). */
#include <linux/mm.h>

static long example_sum(unsigned long uaddr, unsigned long nr_pages)
{
	struct page **pages;
	long ret;

	pages = kvcalloc(nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	ret = pin_user_pages_fast(uaddr, nr_pages, 0, pages);
	if (ret < 0)
		goto out;

	ret = example_checksum(pages, ret);
	unpin_user_pages(pages, nr_pages);
out:
	kvfree(pages);
	return ret;
}
