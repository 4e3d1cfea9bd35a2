// SPDX-License-Identifier: MIT
/*
 * demo-pin.c - a made-up character driver for the gup-review end-to-end test.
 *
 * demo_clear_user_page() pins one page of the caller's buffer, clears it, and
 * then drops the pin with put_page(): the wrong release for pin_user_pages*().
 */
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/uaccess.h>

/* Refcounts seen in testing: 12288 pins + 3 references, and 3 pins + 1 reference. */
static atomic_t demo_busy_refcount = ATOMIC_INIT(0xC00003);
static atomic_t demo_idle_refcount = ATOMIC_INIT(3 * 1024 + 1);
static atomic_t demo_two_pins = ATOMIC_INIT(2 * GUP_PIN_COUNTING_BIAS);

static int demo_clear_user_page(unsigned long uaddr)
{
	struct page *page;
	void *kaddr;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;

	kaddr = kmap_local_page(page);
	memset(kaddr, 0, PAGE_SIZE);
	kunmap_local(kaddr);

	put_page(page);
	return 0;
}

static void demo_unpin_all(struct page **pages, unsigned long npages)
{
	unpin_user_pages(pages, npages);
}
