// SPDX-License-Identifier: MIT
/* gup-review example: one page at a time where one call would do (rule batch-release, a hint). */
#include <linux/mm.h>

static int example_write_back(unsigned long uaddr, int nr_pages, bool dirty)
{
	struct page *pages[32];
	int i, pinned;

	pinned = pin_user_pages_fast(uaddr, nr_pages, FOLL_WRITE, pages);
	if (pinned <= 0)
		return pinned ?: -EFAULT;

	example_transfer(pages, pinned);
	for (i = 0; i < pinned; i++) {
		if (dirty)
			set_page_dirty_lock(pages[i]);
		unpin_user_page(pages[i]);
	}
	return 0;
}
