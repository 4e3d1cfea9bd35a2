// SPDX-License-Identifier: MIT
/* gup-review example: the acquisition's result ignored (rule unchecked-result). */
#include <linux/mm.h>

static void example_prefault(unsigned long uaddr, struct page **pages, int n)
{
	get_user_pages_fast(uaddr, n, FOLL_WRITE, pages);
	example_use(pages, n);
}
