import { paren, str } from '../messages/message-fn.ts';
import type { Finding } from '../types.ts';
import { findMismatches, mismatchFinding, mismatchMessage } from '../rule-support/family-mismatch.ts';
import type { RuleContext } from '../rule-support/rule-context.ts';
import type { RuleMeta } from '../rule-support/rule-meta.ts';

export const mismatchedRelease: RuleMeta = {
  id: 'mismatched-release',
  title: 'Ordinary references released as pins',
  description:
    'A page from get_user_pages* (FOLL_GET, upstream model) or iov_iter_get_pages* is released with unpin_user_page*() or put_user_page*(). The refcount drops by GUP_PIN_COUNTING_BIAS instead of 1: underflow and use-after-free.',
  defaultSeverity: 'error',
  fixable: true,
  messages: {
    refReleasedAsPin: mismatchMessage(({ data }, where) => {
      const advice = data.right
        ? `use ${str(data, 'right')}()`
        : 'call set_page_dirty_lock() where needed, then put_page() on each page';
      return `pages from ${str(data, 'acquisition')}${where} hold ordinary references, but ${str(data, 'release')}() drops a pin (GUP_PIN_COUNTING_BIAS = 1024 references): refcount underflow; ${advice}`;
    }),
    // The patch's own evidence (core/patch/patch-evidence.ts): data removed, release, right; location removed.
    replacesRefRelease: ({ data, at }) =>
      `the patch replaces ${str(data, 'removed')}()${paren(at('removed'))} with ${str(data, 'release')}() on pages that a get_user_pages*() call in the patch fills with ordinary references: ${str(data, 'release')}() drops a pin (GUP_PIN_COUNTING_BIAS = 1024 references): refcount underflow; keep ${data.right ? str(data, 'right') : 'put_page'}()`,
  },
  check,
};

/** Message id of the patch-evidence finding (core/patch makes it). */
export const REPLACES_REF_RELEASE = 'replacesRefRelease';

function check(ctx: RuleContext): Finding[] {
  return findMismatches(ctx, { expected: 'ref', got: 'pin' }).map((m) =>
    mismatchFinding('mismatched-release', m, ctx, 'refReleasedAsPin'),
  );
}
