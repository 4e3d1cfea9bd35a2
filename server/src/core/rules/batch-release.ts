import type { RuleMeta } from './rule-meta.ts';

export const batchRelease: RuleMeta = {
  id: 'batch-release',
  title: 'Loop of single releases can be one batch call',
  description:
    'A loop releases pages[i] one by one (optionally dirtying each with set_page_dirty_lock()): one batch call does the same, and the _dirty_lock variant folds the dirtying in.',
  defaultSeverity: 'hint',
  fixable: true,
};
