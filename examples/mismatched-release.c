// SPDX-License-Identifier: MIT
/* gup-review example: FOLL_GET pages released as pins (rule mismatched-release). */
#include <linux/mm.h>

static int example_peek(unsigned long uaddr, u32 *out)
{
	struct page *page;
	void *kaddr;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	kaddr = kmap_local_page(page);
	*out = *(u32 *)(kaddr + offset_in_page(uaddr));
	kunmap_local(kaddr);
	unpin_user_page(page);
	/* A pinned page's refcount reads 0x401 (one pin, one ref); hover it. */
	return 0;
}
