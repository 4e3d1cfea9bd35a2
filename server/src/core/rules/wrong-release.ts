import type { Finding } from '../types.ts';
import { findMismatches, mismatchFinding, replacementName } from './family-mismatch.ts';
import { acquisitionLabel, type RuleContext } from './rule-context.ts';
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
  return findMismatches(ctx, { expected: 'pin', got: 'ref' }).map((m) =>
    mismatchFinding('wrong-release', m, ctx, (where) => {
      const used = m.release.kind.spec.name;
      const right = replacementName(m, ctx) ?? (ctx.model === 'put_user_page' ? 'put_user_page*' : 'unpin_user_page*');
      const why =
        ctx.model === 'put_user_page'
          ? 'pages from get_user_pages*() must be released with put_user_page*()'
          : `${used}() leaves the pin count raised and the page stays "maybe DMA-pinned"`;
      return `pages pinned by ${acquisitionLabel(m.acquisition)} (${where}) are released with ${used}(): use ${right}() — ${why}`;
    }),
  );
}
