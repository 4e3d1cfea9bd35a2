/**
 * checkpatch.pl's terse shape (`checkpatch.pl -q --terse --show-types`), so tools that run
 * checkpatch per patch (b4's `prep-perpatch-check-cmd` / `am-perpatch-check-cmd`, patman, CI
 * scripts) can run gup-review unchanged:
 *
 *   FILE:LINE: WARNING:GUP_WRONG_RELEASE: message
 *   total: 0 errors, 1 warnings, 42 lines checked
 *
 * FILE is the input as given (`-` for stdin) and LINE its 1-based line, as checkpatch prints
 * them without --showfile. Severities: error → ERROR, warning → WARNING, info/hint → CHECK.
 * As with `checkpatch -q`, an input with nothing to report prints nothing (no total line).
 */
import { findingMessage } from '../../core/messages/format-message.ts';
import type { Finding, RuleId, Severity } from '../../core/types.ts';
import type { FileReport, OutputFormat } from './format.ts';

const LEVEL: Record<Exclude<Severity, 'off'>, 'ERROR' | 'WARNING' | 'CHECK'> = {
  error: 'ERROR',
  warning: 'WARNING',
  info: 'CHECK',
  hint: 'CHECK',
};

/** checkpatch-style message type of a rule: wrong-release → GUP_WRONG_RELEASE. */
export function checkpatchType(rule: RuleId): string {
  return `GUP_${rule.toUpperCase().replace(/-/g, '_')}`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

function renderReport(report: FileReport): string[] {
  if (report.findings.length === 0 && report.problems.length === 0) return [];
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  let checks = 0;
  for (const p of report.problems) {
    out.push(`${report.file}: WARNING:GUP_PATCH_INPUT: ${oneLine(p)}`);
    warnings++;
  }
  const sorted = [...report.findings].sort((a: Finding, b: Finding) => a.range.start.line - b.range.start.line);
  for (const f of sorted) {
    const level = LEVEL[f.severity];
    if (level === 'ERROR') errors++;
    else if (level === 'WARNING') warnings++;
    else checks++;
    out.push(
      `${report.file}:${f.range.start.line + 1}: ${level}:${checkpatchType(f.rule)}: ${oneLine(findingMessage(f))}`,
    );
  }
  const lines = report.text === undefined ? 0 : report.text.split('\n').length - (report.text.endsWith('\n') ? 1 : 0);
  out.push(
    `total: ${errors} errors, ${warnings} warnings, ${checks ? `${checks} checks, ` : ''}${lines} lines checked`,
  );
  return out;
}

export const checkpatchFormat: OutputFormat = {
  name: 'checkpatch',
  description: 'checkpatch.pl --terse lines (FILE:LINE: WARNING:GUP_RULE: message, total: …), for b4 per-patch checks',
  render(reports) {
    const lines = reports.flatMap(renderReport);
    return lines.length ? lines.join('\n') + '\n' : '';
  },
};
