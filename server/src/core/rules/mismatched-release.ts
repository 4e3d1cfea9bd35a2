import type { Finding } from '../types.ts';
import { findMismatches, mismatchFinding, replacementName } from './family-mismatch.ts';
import { acquisitionLabel, type RuleContext } from './rule-context.ts';
import type { RuleMeta } from './rule-meta.ts';

export const mismatchedRelease: RuleMeta = {
  id: 'mismatched-release',
  title: 'Ordinary references released as pins',
  description:
    'A page from get_user_pages* (FOLL_GET, upstream model) or iov_iter_get_pages* is released with unpin_user_page*() or put_user_page*(). The refcount drops by GUP_PIN_COUNTING_BIAS instead of 1: underflow and use-after-free.',
  defaultSeverity: 'error',
  fixable: true,
  check,
};

function check(ctx: RuleContext): Finding[] {
  return findMismatches(ctx, { expected: 'ref', got: 'pin' }).map((m) =>
    mismatchFinding('mismatched-release', m, ctx, (where) => {
      const right = replacementName(m, ctx);
      const advice = right ? `use ${right}()` : 'call set_page_dirty_lock() where needed, then put_page() on each page';
      return `pages from ${acquisitionLabel(m.acquisition)} (${where}) hold ordinary references, but ${m.release.kind.spec.name}() drops a pin (GUP_PIN_COUNTING_BIAS = 1024 references): refcount underflow; ${advice}`;
    }),
  );
}
