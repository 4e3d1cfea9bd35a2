import type { RuleId, Severity } from '../types.ts';
import type { MessageFn } from '../messages/message-fn.ts';
import type { RuleCheck } from './rule-context.ts';

export interface RuleMeta {
  id: RuleId;
  title: string;
  description: string;
  defaultSeverity: Exclude<Severity, 'off'>;
  fixable: boolean;
  /** The texts of its findings, by message id (findings carry the id and plain data). */
  messages: Readonly<Record<string, MessageFn>>;
  /** Turns one function's facts into findings. */
  check: RuleCheck;
}
