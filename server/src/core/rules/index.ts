/** The rule registry: one file per rule, file name = rule id. */
import type { RuleId, Severity } from '../types.ts';
import { batchRelease } from './batch-release.ts';
import { missingRelease } from './missing-release.ts';
import { mismatchedRelease } from './mismatched-release.ts';
import { releaseCount } from './release-count.ts';
import type { RuleMeta } from '../rule-support/rule-meta.ts';
import { uncheckedResult } from './unchecked-result.ts';
import { wrongRelease } from './wrong-release.ts';

export type { RuleMeta } from '../rule-support/rule-meta.ts';
export type { RuleContext } from '../rule-support/rule-context.ts';

export const RULES: readonly RuleMeta[] = [
  wrongRelease,
  mismatchedRelease,
  missingRelease,
  releaseCount,
  uncheckedResult,
  batchRelease,
];

export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

const byId = new Map(RULES.map((r) => [r.id, r]));
export function ruleMeta(id: RuleId): RuleMeta {
  const meta = byId.get(id);
  if (!meta) throw new Error(`unknown rule ${id}`);
  return meta;
}

export function isRuleId(id: string): id is RuleId {
  return byId.has(id as RuleId);
}

export const SEVERITIES: readonly Severity[] = ['off', 'hint', 'info', 'warning', 'error'];

/** README anchor of a rule: the one place rule documentation links are derived. */
export function ruleDocAnchor(id: RuleId): string {
  return `rule-${id}`;
}

/** Severity in force for a rule, given user overrides. */
export function severityOf(id: RuleId, overrides?: Partial<Record<RuleId, Severity>>): Severity {
  return overrides?.[id] ?? ruleMeta(id).defaultSeverity;
}
