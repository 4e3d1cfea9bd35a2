import type { Finding } from '../types.ts';
import { findMismatches, mixedSource, renameFix, replacementName } from './family-mismatch.ts';
import { acquisitionLabel, acquisitionRelated, calleeRange, finding, line, type RuleContext } from './rule-context.ts';
import type { RuleMeta } from './rule-meta.ts';

export const wrongRelease: RuleMeta = {
  id: 'wrong-release',
  title: 'Pinned pages released with a plain reference drop',
  description:
    'A page from a pinning acquisition (get_user_pages* in the 2019 put_user_page model, pin_user_pages* upstream) is released with put_page(), release_pages() or folio_put(). The pin is never dropped: the page stays "maybe DMA-pinned".',
  defaultSeverity: 'warning',
  fixable: true,
  check,
};

function check(ctx: RuleContext): Finding[] {
  return findMismatches(ctx, { expected: 'pin', got: 'ref' }).map((m) => {
    const right = replacementName(m, ctx) ?? (ctx.model === 'put_user_page' ? 'put_user_page*()' : 'unpin_user_page*()');
    const where = m.elsewhere ? ` in ${m.elsewhere}()` : '';
    const via = m.release.kind.inner ? `${m.release.kind.name}() releases them with ${m.release.kind.spec.name}() (line ${line(m.release.kind.inner)}); ` : '';
    const why =
      ctx.model === 'put_user_page'
        ? 'pages from get_user_pages*() must be released with put_user_page*()'
        : `${m.release.kind.spec.name}() leaves the pin count raised and the page stays "maybe DMA-pinned"`;
    const message = `${via}pages pinned by ${acquisitionLabel(m.acquisition)} (line ${line(m.acquisition.call)}${where}) are released with ${m.release.kind.spec.name}(): use ${right.replace(/\(\)$/, '')}() — ${why}`;
    const related = [acquisitionRelated(m.acquisition)];
    const mixed = mixedSource(m, ctx)
      ? ` (${m.acquisition.key} also holds pages from elsewhere on other paths: release those separately)`
      : '';
    if (m.release.kind.inner) related.push({ range: calleeRange(m.release.kind.inner), message: `the helper releases here with ${m.release.kind.spec.name}()` });
    return finding('wrong-release', ctx, calleeRange(m.release.call), message + mixed, related, renameFix(m, ctx));
  });
}
