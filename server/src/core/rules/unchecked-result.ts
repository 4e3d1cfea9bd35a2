import type { RuleMeta } from './rule-meta.ts';

export const uncheckedResult: RuleMeta = {
  id: 'unchecked-result',
  title: 'Acquisition result ignored or used unchecked',
  description:
    'The return value of the acquisition is ignored, or used as a page count before it is checked for a negative error code.',
  defaultSeverity: 'warning',
  fixable: false,
};
