import type { Finding } from '../types.ts';
import { findMismatches, mixedSource, renameFix, replacementName } from './family-mismatch.ts';
import { acquisitionLabel, acquisitionRelated, calleeRange, finding, line, type RuleContext } from './rule-context.ts';
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
  return findMismatches(ctx, { expected: 'ref', got: 'pin' }).map((m) => {
    const right = replacementName(m, ctx);
    const advice = right
      ? `use ${right}()`
      : 'call set_page_dirty_lock() where needed, then put_page() on each page';
    const where = m.elsewhere ? ` in ${m.elsewhere}()` : '';
    const via = m.release.kind.inner ? `${m.release.kind.name}() releases them with ${m.release.kind.spec.name}() (line ${line(m.release.kind.inner)}); ` : '';
    const message = `${via}pages from ${acquisitionLabel(m.acquisition)} (line ${line(m.acquisition.call)}${where}) hold ordinary references, but ${m.release.kind.spec.name}() drops a pin (GUP_PIN_COUNTING_BIAS = 1024 references): refcount underflow; ${advice}`;
    const related = [acquisitionRelated(m.acquisition)];
    const mixed = mixedSource(m, ctx)
      ? ` (${m.acquisition.key} also holds pages from elsewhere on other paths: release those separately)`
      : '';
    if (m.release.kind.inner) related.push({ range: calleeRange(m.release.kind.inner), message: `the helper releases here with ${m.release.kind.spec.name}()` });
    return finding('mismatched-release', ctx, calleeRange(m.release.call), message + mixed, related, renameFix(m, ctx));
  });
}
