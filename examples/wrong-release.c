// SPDX-License-Identifier: MIT
/* gup-review example: pinned pages dropped with put_page() (rule wrong-release). */
#include <linux/mm.h>

static int example_fill(unsigned long uaddr, const void *src, size_t len)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;

	memcpy_to_page(page, offset_in_page(uaddr), src, len);
	set_page_dirty_lock(page);
	put_page(page);
	return 0;
}
