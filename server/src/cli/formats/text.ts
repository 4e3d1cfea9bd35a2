/**
 * gcc-style text, clickable in terminals and editors:
 *   file:line:col: warning: message [gup/rule-id]
 *   file:line:col: note: related location
 * then one summary line. Lines and columns are 1-based.
 */
import { findingMessage, noteMessage, relatedMessage } from '../../core/messages/format-message.ts';
import type { Finding, Severity } from '../../core/types.ts';
import type { CheckSummary, FileReport, FormatContext, OutputFormat } from './format.ts';

const ANSI = { bold: '1', red: '1;31', magenta: '1;35', cyan: '1;36', green: '1;32', dim: '2' } as const;

function paint(ctx: FormatContext, style: keyof typeof ANSI, s: string): string {
  return ctx.color ? `\x1b[${ANSI[style]}m${s}\x1b[0m` : s;
}

const SEVERITY_STYLE: Record<Exclude<Severity, 'off'>, keyof typeof ANSI> = {
  error: 'red',
  warning: 'magenta',
  info: 'cyan',
  hint: 'green',
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function where(ctx: FormatContext, file: string, line: number, column: number): string {
  return paint(ctx, 'bold', `${file}:${line + 1}:${column + 1}:`);
}

function renderFinding(report: FileReport, f: Finding, ctx: FormatContext): string[] {
  const out = [
    `${where(ctx, report.file, f.range.start.line, f.range.start.column)} ${paint(ctx, SEVERITY_STYLE[f.severity], `${f.severity}:`)} ${findingMessage(f)} ${paint(ctx, 'dim', `[gup/${f.rule}]`)}`,
  ];
  for (const r of f.related) {
    // A note at the finding's own place (an ignored result is reported on the call) says nothing new.
    const samePlace =
      !r.file && r.range.start.line === f.range.start.line && r.range.start.column === f.range.start.column;
    if (samePlace) continue;
    out.push(
      `${where(ctx, r.file ?? report.file, r.range.start.line, r.range.start.column)} ${paint(ctx, 'cyan', 'note:')} ${relatedMessage(r)}`,
    );
  }
  return out;
}

export function summaryLine(reports: readonly FileReport[], summary: CheckSummary): string {
  const counts: Record<Exclude<Severity, 'off'>, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  let total = 0;
  for (const r of reports) {
    for (const f of r.findings) {
      counts[f.severity]++;
      total++;
    }
  }
  let line = `gup-review: ${plural(summary.filesChecked, 'file')} checked (${summary.filesAnalyzed} analysed), ${plural(total, 'finding')}`;
  line += `: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info, ${plural(counts.hint, 'hint')}`;
  if (summary.fixesApplied > 0) line += `; ${plural(summary.fixesApplied, 'fix', 'fixes')} applied`;
  if (summary.filesFailed > 0) line += `; ${plural(summary.filesFailed, 'input')} failed`;
  return line;
}

export const textFormat: OutputFormat = {
  name: 'text',
  description: 'gcc-style lines (file:line:col: warning: message [gup/rule-id]) and a summary',
  render(reports, summary, ctx) {
    const lines: string[] = [];
    for (const report of reports) {
      if (ctx.verbose && report.model) {
        lines.push(
          `${paint(ctx, 'bold', `${report.file}:`)} ${paint(ctx, 'cyan', 'note:')} API model ${report.model.model} (${report.model.reason})`,
        );
      }
      for (const p of report.problems)
        lines.push(`${paint(ctx, 'bold', `${report.file}:`)} ${paint(ctx, 'cyan', 'note:')} ${p}`);
      for (const f of report.findings) lines.push(...renderFinding(report, f, ctx));
      if (ctx.verbose) {
        for (const n of report.notes) {
          // a note of the patch review names its place in its text
          const at =
            n.messageId === 'inputNote'
              ? paint(ctx, 'bold', `${report.file}:`)
              : where(ctx, report.file, n.range.start.line, n.range.start.column);
          lines.push(`${at} ${paint(ctx, 'cyan', 'note:')} ${noteMessage(n)}`);
        }
      }
    }
    lines.push(summaryLine(reports, summary));
    return lines.join('\n') + '\n';
  },
};
