/**
 * Code actions for gup-review diagnostics: the finding's preferred fix (isPreferred), "Fix all
 * <rule> problems in file", "Disable <rule> for this line", and the source action
 * `source.fixAll.gupReview` (fix on save). Fixes are the core's local text edits, returned as a
 * WorkspaceEdit in the action itself; fix-all uses core selectFixes (overlapping fixes dropped).
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import { selectFixes } from '../core/text-edits.ts';
import { suppressionComment } from '../core/suppressions.ts';
import type { Finding, RuleId } from '../core/types.ts';
import { DIAGNOSTIC_SOURCE, findingKey, toLspRange, toLspTextEdit, type DiagnosticData } from './convert.ts';
import type { DocumentAnalysis } from './diagnostics.ts';
import { COPY_COMMAND, FIX_ALL_KIND, SHOW_SUGGESTED_FIX_COMMAND } from './protocol.ts';
import type { PatchInputKind } from '../core/patch/index.ts';
import { reviewCommentEdit, suggestedFixText, type CommentableFinding } from '../core/patch/review-comment.ts';

/** Longest line we append a suppression comment to; longer lines get it on the line above. */
const MAX_LINE = 100;

function wants(only: string[] | undefined, kind: string): boolean {
  if (!only || only.length === 0) return true;
  return only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function fixAllAction(uri: string, findings: readonly Finding[], rule?: RuleId): CodeAction | undefined {
  const fixes = selectFixes(findings, rule);
  if (fixes.length === 0) return undefined;
  return {
    title: rule ? `Fix all ${rule} problems in file` : 'Fix all gup-review problems in file',
    kind: rule ? CodeActionKind.QuickFix : FIX_ALL_KIND,
    edit: { changes: { [uri]: fixes.flatMap((f) => f.edits).map(toLspTextEdit) } },
  };
}

/** Inserts the suppression comment at the end of the line, or above it with the same indentation. */
export function suppressionEdit(text: string, line: number, rule: RuleId): LspTextEdit {
  const lines = text.split('\n');
  const raw = lines[line] ?? '';
  const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const comment = suppressionComment(rule);
  const insideComment = content.lastIndexOf('/*') > content.lastIndexOf('*/') || content.includes('//');
  if (!insideComment && content.length + 1 + comment.length <= MAX_LINE) {
    return {
      range: { start: { line, character: content.length }, end: { line, character: content.length } },
      newText: ` ${comment}`,
    };
  }
  const indent = /^[ \t]*/.exec(content)![0];
  const eol = raw.endsWith('\r') ? '\r\n' : '\n';
  return {
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    newText: `${indent}${comment}${eol}`,
  };
}

export interface CodeActionOptions {
  /** Client-side commands the client declared it executes (experimental `gupReview.clientCommands`). */
  clientCommands?: ReadonlySet<string>;
}

/**
 * `inputKind`: what the document is when it is not C: a patch being prepared ('diff': its `+`
 * lines get the fixes) or received mail ('mail'/'mbox': never rewritten; the reviewer gets
 * "Insert review comment" under the quoted line and "Copy suggested fix").
 */
export function codeActions(
  params: CodeActionParams,
  analysis: DocumentAnalysis | undefined,
  text: string,
  inputKind: 'c' | PatchInputKind = 'c',
  options: CodeActionOptions = {},
): CodeAction[] {
  if (!analysis) return [];
  const mail = inputKind === 'mail' || inputKind === 'mbox';
  const uri = params.textDocument.uri;
  const only = params.context.only;
  const out: CodeAction[] = [];
  const byKey = new Map(analysis.findings.map((f) => [findingKey(f), f]));

  if (wants(only, CodeActionKind.QuickFix)) {
    const rulesDone = new Set<RuleId>();
    const linesDone = new Set<string>();
    for (const [diagnostic, finding] of targets(params, analysis, byKey)) {
      if (mail) {
        out.push(...reviewActions(uri, text, finding, diagnostic, options.clientCommands));
        continue;
      }
      const fix = finding.fixes[0];
      if (fix) {
        out.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          isPreferred: true,
          diagnostics: [diagnostic],
          edit: { changes: { [uri]: fix.edits.map(toLspTextEdit) } },
        });
      }
      for (const alt of finding.fixes.slice(1)) {
        out.push({
          title: alt.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: { changes: { [uri]: alt.edits.map(toLspTextEdit) } },
        });
      }
      if (!rulesDone.has(finding.rule)) {
        rulesDone.add(finding.rule);
        const sameRule = analysis.findings.filter((f) => f.rule === finding.rule && f.fixes.length > 0);
        if (sameRule.length > 1) {
          const all = fixAllAction(uri, analysis.findings, finding.rule);
          if (all) out.push(all);
        }
      }
      const lineKey = `${finding.rule}:${finding.range.start.line}`;
      // A suppression comment belongs in C, not in a patch's + line (it would change what is sent).
      if (inputKind === 'c' && !linesDone.has(lineKey)) {
        linesDone.add(lineKey);
        out.push({
          title: `Disable ${finding.rule} for this line`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: { changes: { [uri]: [suppressionEdit(text, finding.range.start.line, finding.rule)] } },
        });
      }
    }
  }
  if (!mail && only && only.length > 0 && wants(only, FIX_ALL_KIND)) {
    const all = fixAllAction(uri, analysis.findings);
    if (all) out.push(all);
  }
  return out;
}

/**
 * The diagnostics to act on, each with its finding. A diagnostic the client sent back is matched
 * by its `data` key when it kept it, else by range and code (clients need not keep `data`); when
 * the client sent no diagnostics at all, the findings whose range meets the requested range are
 * the targets, with the diagnostics the server made for them. Another tool's diagnostic, or one
 * from an older analysis (its key no longer matches), gets nothing.
 */
function targets(
  params: CodeActionParams,
  analysis: DocumentAnalysis,
  byKey: Map<string, Finding>,
): Array<[Diagnostic, Finding]> {
  const sent = params.context.diagnostics ?? [];
  if (sent.length > 0) {
    return sent
      .filter((d) => d.source === DIAGNOSTIC_SOURCE || (d.source === undefined && typeof d.code === 'string'))
      .map((d): [Diagnostic, Finding | undefined] => [d, findingFor(d, byKey, analysis.findings)])
      .filter((p): p is [Diagnostic, Finding] => p[1] !== undefined);
  }
  const out: Array<[Diagnostic, Finding]> = [];
  analysis.findings.forEach((f, i) => {
    const d = analysis.diagnostics[i];
    if (d && meets(toLspRange(f.range), params.range)) out.push([d, f]);
  });
  return out;
}

function findingFor(d: Diagnostic, byKey: Map<string, Finding>, findings: readonly Finding[]): Finding | undefined {
  const data = d.data as Partial<DiagnosticData> | undefined;
  if (data && typeof data.key === 'string') return byKey.get(data.key);
  return findings.find((f) => f.rule === d.code && sameRange(toLspRange(f.range), d.range));
}

type LspRange = CodeActionParams['range'];
const before = (a: LspRange['start'], b: LspRange['start']) =>
  a.line < b.line || (a.line === b.line && a.character < b.character);
const samePos = (a: LspRange['start'], b: LspRange['start']) => a.line === b.line && a.character === b.character;
const sameRange = (a: LspRange, b: LspRange) => samePos(a.start, b.start) && samePos(a.end, b.end);
/** Whether two ranges share a position (touching counts: a cursor at a finding's end is on it). */
const meets = (a: LspRange, b: LspRange) => !before(a.end, b.start) && !before(b.end, a.start);

/**
 * The reviewer's actions on a finding in received mail: write the review, or see the suggested
 * fix: copied to the clipboard by a client that declared the copy command, else shown by the
 * server (window/showMessage) through a command it executes itself.
 */
function reviewActions(
  uri: string,
  text: string,
  finding: Finding,
  diagnostic: Diagnostic,
  clientCommands: ReadonlySet<string> = new Set(),
): CodeAction[] {
  const out: CodeAction[] = [];
  const commentable = finding as Finding & CommentableFinding;
  const edit = reviewCommentEdit(text, commentable);
  if (edit) {
    out.push({
      title: 'Insert review comment',
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: [toLspTextEdit(edit)] } },
    });
  }
  const suggested = suggestedFixText(commentable);
  if (suggested) {
    const copy = clientCommands.has(COPY_COMMAND);
    const title = copy ? 'Copy suggested fix' : 'Show suggested fix';
    out.push({
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title, command: copy ? COPY_COMMAND : SHOW_SUGGESTED_FIX_COMMAND, arguments: [suggested] },
    });
  }
  return out;
}
