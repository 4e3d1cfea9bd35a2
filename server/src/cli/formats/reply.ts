/**
 * A ready-to-paste review reply: for each finding, the lines of the patch (or C file) leading to
 * it quoted with `> ` (from the hunk header, trimmed with `[...]`), then, as a kernel reviewer
 * writes it, a blank line, the finding, a blank line, the suggested line, a blank line.
 * Findings of different patches of a series go under a `Subject: Re: …` line each; the
 * findings of a C file under `In <file>:`.
 */
import { quotableLines, reviewComment, suggestedLines, type QuotableLine } from '../../core/patch/index.ts';
import type { Finding } from '../../core/types.ts';
import type { FileReport, OutputFormat } from './format.ts';

/** Lines of context quoted above a finding (besides the hunk header). */
const CONTEXT = 3;

const HUNK_HEADER_RE = /^(?:>[> ]*)?@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;

interface PatchInfo {
  patch?: { index: number; subject?: string };
  suggestion?: string[];
}

function quote(line: string): string {
  return line === '' ? '>' : `> ${line}`;
}

function suggestionOf(f: Finding & PatchInfo, lines: readonly string[]): string[] | undefined {
  if (f.suggestion?.length) return f.suggestion;
  const fix = f.fixes[0];
  return fix ? suggestedLines(lines, fix.edits) : undefined;
}

/** Where a finding on input line `line` is in the quotable view (decoded bodies have their own lines). */
function viewIndex(view: readonly QuotableLine[], line: number, f: Finding): number {
  const here = view.flatMap((v, i) => (v.line === line ? [i] : []));
  const release = typeof f.data.release === 'string' ? f.data.release : undefined;
  const named = here.find((i) => release !== undefined && view[i]!.text.includes(`${release}(`));
  if (named !== undefined) return named;
  if (here.length) return here[0]!;
  let best = 0;
  view.forEach((v, i) => {
    if (v.line < line) best = i;
  });
  return best;
}

function renderReport(report: FileReport): string[] {
  if (report.findings.length === 0 || report.text === undefined) return [];
  const lines = report.text.split('\n').map((l) => l.replace(/\r$/, ''));
  // what is quoted: the decoded text of quoted-printable and base64 bodies, never the encoding
  const quotable = quotableLines(lines, report.decodedBodies);
  const view = quotable.map((v) => v.text);
  const findings = [...report.findings].sort((a, b) => a.range.start.line - b.range.start.line) as Array<
    Finding & PatchInfo
  >;
  const groups = new Map<string, Array<Finding & PatchInfo>>();
  for (const f of findings) {
    const key = f.patch?.subject ?? '';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  // A C file has no hunk headers to say where the lines are: name the file.
  const out: string[] = report.kind === 'c' ? [`In ${report.file}:`, ''] : [];
  for (const [subject, group] of groups) {
    if (subject) out.push(`Subject: Re: ${subject.replace(/^(Re:\s*)+/i, '')}`, '');
    let lastQuoted = -1;
    let lastHeader = -1;
    for (const f of group) {
      const at = viewIndex(quotable, f.range.start.line, f);
      let header = -1;
      for (let i = at; i >= 0 && i >= at - 500; i--) {
        if (HUNK_HEADER_RE.test(view[i]!)) {
          header = i;
          break;
        }
      }
      const from = Math.max(at - CONTEXT, header + 1, lastQuoted + 1);
      if (at <= lastQuoted) {
        // several findings on lines already quoted: the comment goes after the last one
      } else {
        if (header >= 0 && header !== lastHeader && header > lastQuoted) {
          if (lastQuoted >= 0) out.push('[...]', '');
          out.push(quote(view[header]!));
          lastHeader = header;
          if (from > header + 1) out.push('[...]');
        } else if (lastQuoted >= 0 && from > lastQuoted + 1) {
          out.push('[...]');
        }
        for (let i = from; i <= at; i++) out.push(quote(view[i]!));
        lastQuoted = at;
      }
      out.push('', ...reviewComment({ ...f, suggestion: suggestionOf(f, lines) }), '');
    }
  }
  return out;
}

export const replyFormat: OutputFormat = {
  name: 'reply',
  description:
    'a review reply: the offending patch lines quoted with "> ", the finding and the suggested line under each',
  render(reports) {
    const blocks = reports.map(renderReport).filter((b) => b.length > 0);
    return blocks.length ? blocks.map((b) => b.join('\n')).join('\n') + '\n' : '';
  },
};
