// SPDX-License-Identifier: MIT
/* gup-review example: an error path that forgets the pins (rule missing-release). */
#include <linux/mm.h>

static int example_dma_prepare(struct device *dev, unsigned long uaddr, int nr_pages)
{
	struct page *pages[16];
	int pinned, ret;

	pinned = pin_user_pages_fast(uaddr, nr_pages, FOLL_WRITE | FOLL_LONGTERM, pages);
	if (pinned <= 0)
		return pinned ?: -EFAULT;

	ret = example_check_pages(dev, pages, pinned);
	if (ret)
		goto out;

	example_start_dma(dev, pages, pinned);
	unpin_user_pages(pages, pinned);
out:
	return ret;
}
