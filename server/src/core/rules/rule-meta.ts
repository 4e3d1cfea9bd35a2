import type { RuleId, Severity } from '../types.ts';

export interface RuleMeta {
  id: RuleId;
  title: string;
  description: string;
  defaultSeverity: Exclude<Severity, 'off'>;
  fixable: boolean;
}
