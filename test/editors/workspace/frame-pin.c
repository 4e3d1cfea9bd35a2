// SPDX-License-Identifier: MIT
/*
 * frame-pin.c - a made-up frame grabber for the gup-review editor tests.
 *
 * frame_fill_user_page() pins one page of the caller's buffer, fills it and
 * drops the pin with put_page(): the wrong release for pin_user_pages*().
 * The comment in front of that call holds non-ASCII text on purpose: LSP columns
 * count UTF-16 code units, and a client or server counting bytes would put the
 * diagnostic and the fix in the wrong place.
 */
#include <linux/mm.h>
#include <linux/highmem.h>

/* Last refcount the debug dump printed: 12288 pins and 3 references. */
#define FRAME_SEEN_REFCOUNT	0xC00003

static int frame_fill_user_page(unsigned long uaddr, u8 pattern)
{
	struct page *page;
	void *kaddr;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;

	kaddr = kmap_local_page(page);
	memset(kaddr, pattern, PAGE_SIZE);
	kunmap_local(kaddr);

	/* Zoë’s review: the pin ends here */ put_page(page);
	return 0;
}
