import type { RuleId, Severity } from '../types.ts';
import type { RuleCheck } from './rule-context.ts';

export interface RuleMeta {
  id: RuleId;
  title: string;
  description: string;
  defaultSeverity: Exclude<Severity, 'off'>;
  fixable: boolean;
  /** Turns one function's facts into findings. */
  check: RuleCheck;
}
