/**
 * In-source suppressions: `/* gup-review: ignore RULE[, RULE…] *\/` (or `// gup-review: ignore …`,
 * or `ignore` alone for every rule) on the finding's line or the line just above it.
 */
import type { Finding, RuleId } from './types.ts';

const SUPPRESS_RE = /gup-review:\s*ignore\b([ \t\w,-]*)/;

export function suppressionComment(rule: RuleId): string {
  return `/* gup-review: ignore ${rule} */`;
}

export function applySuppressions(text: string, findings: Finding[]): Finding[] {
  if (!text.includes('gup-review:')) return findings;
  const lines = text.split('\n');
  const suppressed = (line: number, rule: RuleId): boolean => {
    for (const l of [line, line - 1]) {
      const m = SUPPRESS_RE.exec(lines[l] ?? '');
      if (!m) continue;
      const ids = m[1]!.split(/[\s,]+/).filter(Boolean);
      if (ids.length === 0 || ids.includes(rule)) return true;
    }
    return false;
  };
  return findings.filter((f) => !suppressed(f.range.start.line, f.rule));
}
