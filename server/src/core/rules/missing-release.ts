import type { RuleMeta } from './rule-meta.ts';

export const missingRelease: RuleMeta = {
  id: 'missing-release',
  title: 'Pages leaked on a path',
  description:
    'On some path from a successful acquisition to a return, the pages are neither released nor handed off (stored, returned, added to a bio/sg table/skb, or passed to a helper).',
  defaultSeverity: 'warning',
  fixable: false,
};
