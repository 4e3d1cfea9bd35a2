import type { RuleMeta } from './rule-meta.ts';

export const wrongRelease: RuleMeta = {
  id: 'wrong-release',
  title: 'Pinned pages released with a plain reference drop',
  description:
    'A page from a pinning acquisition (get_user_pages* in the 2019 put_user_page model, pin_user_pages* upstream) is released with put_page(), release_pages() or folio_put(). The pin is never dropped: the page stays "maybe DMA-pinned".',
  defaultSeverity: 'warning',
  fixable: true,
};
