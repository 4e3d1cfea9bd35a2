import type { RuleMeta } from './rule-meta.ts';

export const mismatchedRelease: RuleMeta = {
  id: 'mismatched-release',
  title: 'Ordinary references released as pins',
  description:
    'A page from get_user_pages* (FOLL_GET, upstream model) or iov_iter_get_pages* is released with unpin_user_page*() or put_user_page*(). The refcount drops by GUP_PIN_COUNTING_BIAS instead of 1: underflow and use-after-free.',
  defaultSeverity: 'error',
  fixable: true,
};
