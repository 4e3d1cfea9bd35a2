/** batch-release: a loop releasing pages[i] one by one (maybe dirtying each) is one batch call. */
import { c, ruleTable } from './rule-tester.ts';

/** A function that pins (or gets) `n` pages into a local array and releases them with `loop`. */
const withLoop = (acquire: string, loop: string) => c`
static int demo_loop(unsigned long uaddr, int n, bool dirty)
{
	struct page *pages[8];
	int i, ret;

	ret = ${acquire}(uaddr, n, FOLL_WRITE, pages);
	if (ret <= 0)
		return -EFAULT;
	demo_consume(pages, ret);
${loop}
	return 0;
}
`;
const LOOP_LINE = 10;

ruleTable('batch-release', [
  {
    name: 'for (i = 0; i < ret; i++) unpin_user_page(pages[i])',
    model: 'unpin_user_page',
    code: withLoop('pin_user_pages_fast', '\tfor (i = 0; i < ret; i++)\n\t\tunpin_user_page(pages[i]);'),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    output: withLoop('pin_user_pages_fast', '\tunpin_user_pages(pages, ret);'),
  },
  {
    name: 'set_page_dirty_lock in the loop folds into unpin_user_pages_dirty_lock(…, true)',
    model: 'unpin_user_page',
    code: withLoop(
      'pin_user_pages_fast',
      '\tfor (i = 0; i < ret; i++) {\n\t\tset_page_dirty_lock(pages[i]);\n\t\tunpin_user_page(pages[i]);\n\t}',
    ),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    messages: [
      /^this loop releases pages\[i\] one page at a time, dirtying each: one call does it — unpin_user_pages_dirty_lock\(pages, ret, true\);/,
    ],
    output: withLoop('pin_user_pages_fast', '\tunpin_user_pages_dirty_lock(pages, ret, true);'),
  },
  {
    name: 'conditional dirtying folds into make_dirty',
    model: 'unpin_user_page',
    code: withLoop(
      'pin_user_pages_fast',
      '\tfor (i = 0; i < ret; i++) {\n\t\tif (dirty)\n\t\t\tset_page_dirty_lock(pages[i]);\n\t\tunpin_user_page(pages[i]);\n\t}',
    ),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    output: withLoop('pin_user_pages_fast', '\tunpin_user_pages_dirty_lock(pages, ret, dirty);'),
  },
  {
    name: '++i in the loop header',
    model: 'unpin_user_page',
    code: withLoop('pin_user_pages_fast', '\tfor (i = 0; i < ret; ++i)\n\t\tunpin_user_page(pages[i]);'),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    output: withLoop('pin_user_pages_fast', '\tunpin_user_pages(pages, ret);'),
  },
  {
    name: 'GET pages put one by one upstream: release_pages',
    model: 'unpin_user_page',
    code: withLoop('get_user_pages_fast', '\tfor (i = 0; i < ret; i++)\n\t\tput_page(pages[i]);'),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    output: withLoop('get_user_pages_fast', '\trelease_pages(pages, ret);'),
  },
  {
    name: 'GET pages dirtied and put upstream: no batch call does both, valid',
    model: 'unpin_user_page',
    code: withLoop(
      'get_user_pages_fast',
      '\tfor (i = 0; i < ret; i++) {\n\t\tset_page_dirty_lock(pages[i]);\n\t\tput_page(pages[i]);\n\t}',
    ),
    expected: [],
  },
  {
    name: 'GUP pages put_user_page()d one by one in the 2019 model: put_user_pages',
    model: 'put_user_page',
    code: withLoop('get_user_pages_fast', '\tfor (i = 0; i < ret; i++)\n\t\tput_user_page(pages[i]);'),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    output: withLoop('get_user_pages_fast', '\tput_user_pages(pages, ret);'),
  },
  {
    name: 'dirtying in the 2019 model: the three-argument put_user_pages_dirty_lock',
    model: 'put_user_page',
    code: withLoop(
      'get_user_pages_fast',
      '\tfor (i = 0; i < ret; i++) {\n\t\tset_page_dirty_lock(pages[i]);\n\t\tput_user_page(pages[i]);\n\t}',
    ),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    output: withLoop('get_user_pages_fast', '\tput_user_pages_dirty_lock(pages, ret, true);'),
  },
  {
    name: '2019 model, get_user_pages pages unpinned one by one: unpin_user_pages (the API the loop calls), never put_user_pages',
    model: 'put_user_page',
    code: withLoop('get_user_pages_fast', '\tfor (i = 0; i < ret; i++)\n\t\tunpin_user_page(pages[i]);'),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    messages: [/one call does it — unpin_user_pages\(pages, ret\);/],
    output: withLoop('get_user_pages_fast', '\tunpin_user_pages(pages, ret);'),
  },
  {
    name: '2019 model, pinned pages unpinned one by one with dirtying: unpin_user_pages_dirty_lock',
    model: 'put_user_page',
    code: withLoop(
      'pin_user_pages_fast',
      '\tfor (i = 0; i < ret; i++) {\n\t\tset_page_dirty_lock(pages[i]);\n\t\tunpin_user_page(pages[i]);\n\t}',
    ),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    output: withLoop('pin_user_pages_fast', '\tunpin_user_pages_dirty_lock(pages, ret, true);'),
  },
  {
    name: 'a wrong put_page loop on pinned pages: the batch call is the right one',
    model: 'unpin_user_page',
    code: withLoop('pin_user_pages_fast', '\tfor (i = 0; i < ret; i++)\n\t\tput_page(pages[i]);'),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    output: withLoop('pin_user_pages_fast', '\tunpin_user_pages(pages, ret);'),
  },
  {
    name: 'while (i--) unwinding becomes unpin_user_pages(pages, i)',
    model: 'unpin_user_page',
    code: c`
static int demo_each(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int i;

	for (i = 0; i < n; i++) {
		if (pin_user_pages_fast(uaddr + i * PAGE_SIZE, 1, 0, &pages[i]) != 1)
			goto unwind;
	}
	demo_consume(pages, n);
	i = n;
unwind:
	while (i--)
		unpin_user_page(pages[i]);
	return 0;
}
`,
    expected: [{ messageId: 'oneCall', line: 13 }],
    output: c`
static int demo_each(unsigned long uaddr, int n)
{
	struct page *pages[8];
	int i;

	for (i = 0; i < n; i++) {
		if (pin_user_pages_fast(uaddr + i * PAGE_SIZE, 1, 0, &pages[i]) != 1)
			goto unwind;
	}
	demo_consume(pages, n);
	i = n;
unwind:
	unpin_user_pages(pages, i);
	return 0;
}
`,
  },
  {
    name: 'a loop that also uses each page: valid',
    model: 'unpin_user_page',
    code: withLoop(
      'pin_user_pages_fast',
      '\tfor (i = 0; i < ret; i++) {\n\t\tdemo_touch(pages[i]);\n\t\tunpin_user_page(pages[i]);\n\t}',
    ),
    expected: [],
  },
  {
    name: 'the alias form p = pages[i]; unpin_user_page(p): not a plain element loop, valid',
    model: 'unpin_user_page',
    code: c`
static int demo_alias(unsigned long uaddr, int n)
{
	struct page *pages[8], *p;
	int i, ret;

	ret = pin_user_pages_fast(uaddr, n, 0, pages);
	if (ret <= 0)
		return -EFAULT;
	for (i = 0; i < ret; i++) {
		p = pages[i];
		unpin_user_page(p);
	}
	return 0;
}
`,
    expected: [],
  },
  {
    name: 'a loop starting at 1 (the first page kept): valid',
    model: 'unpin_user_page',
    code: withLoop('pin_user_pages_fast', '\tfor (i = 1; i < ret; i++)\n\t\tunpin_user_page(pages[i]);'),
    expected: [],
  },
  {
    name: 'a loop over pages that no acquisition here filled: valid',
    model: 'unpin_user_page',
    code: c`
static void demo_drop(struct page **kpages, int n)
{
	int i;

	for (i = 0; i < n; i++)
		put_page(kpages[i]);
}
`,
    expected: [],
  },
  {
    name: 'while (--i >= 0) unwinding',
    model: 'unpin_user_page',
    code: withLoop('pin_user_pages_fast', '\ti = ret;\n\twhile (--i >= 0)\n\t\tunpin_user_page(pages[i]);'),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE + 1 }],
    output: withLoop('pin_user_pages_fast', '\ti = ret;\n\tunpin_user_pages(pages, i);'),
  },
  {
    name: 'a C99 loop variable: for (int j = 0; j < ret; j++)',
    model: 'put_user_page',
    code: withLoop('get_user_pages_fast', '\tfor (int j = 0; j < ret; j++)\n\t\tput_user_page(pages[j]);'),
    expected: [{ messageId: 'oneCall', line: LOOP_LINE }],
    output: withLoop('get_user_pages_fast', '\tput_user_pages(pages, ret);'),
  },
]);
