import type { RuleMeta } from './rule-meta.ts';

export const releaseCount: RuleMeta = {
  id: 'release-count',
  title: 'Release count is the requested count, not the returned one',
  description:
    'The batch release (or release loop) uses the number of pages asked for, but the acquisition may return fewer (a partial pin): release the number it returned.',
  defaultSeverity: 'warning',
  fixable: true,
};
