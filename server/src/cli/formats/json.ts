/**
 * Machine-readable output (a contract other tools depend on: see the README's CLI section):
 * {"findings":[{"file","line","column","endLine","endColumn","rule","severity","message",
 *   "related":[{"file","line","column","message"}],
 *   "fixes":[{"title","edits":[{"line","column","endLine","endColumn","newText"}]}]}]}
 * Lines and columns are 1-based; `rule` is the bare rule id.
 */
import { findingMessage, relatedMessage } from '../../core/messages/format-message.ts';
import type { Finding } from '../../core/types.ts';
import type { FileReport, OutputFormat } from './format.ts';

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  /** The rule's message id (stable, for scripts that filter); `message` is its text. */
  messageId: string;
  message: string;
  related: Array<{ file: string; line: number; column: number; message: string }>;
  fixes: Array<{
    title: string;
    edits: Array<{ line: number; column: number; endLine: number; endColumn: number; newText: string }>;
  }>;
}

export function toJsonFinding(report: FileReport, f: Finding): JsonFinding {
  return {
    file: report.file,
    line: f.range.start.line + 1,
    column: f.range.start.column + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.column + 1,
    rule: f.rule,
    severity: f.severity,
    messageId: f.messageId,
    message: findingMessage(f),
    related: f.related.map((r) => ({
      file: r.file ?? report.file,
      line: r.range.start.line + 1,
      column: r.range.start.column + 1,
      message: relatedMessage(r),
    })),
    fixes: f.fixes.map((fix) => ({
      title: fix.title,
      edits: fix.edits.map((e) => ({
        line: e.range.start.line + 1,
        column: e.range.start.column + 1,
        endLine: e.range.end.line + 1,
        endColumn: e.range.end.column + 1,
        newText: e.newText,
      })),
    })),
  };
}

export const jsonFormat: OutputFormat = {
  name: 'json',
  machineReadable: true,
  description: '{"findings":[…]} with 1-based positions, for scripts',
  render(reports) {
    const findings = reports.flatMap((r) => r.findings.map((f) => toJsonFinding(r, f)));
    return JSON.stringify({ findings }, null, 2) + '\n';
  },
};
