/**
 * The language status items on C, patch and mail files. The first shows the API model in force
 * for the active file ("GUP: unpin_user_page"), in short why ("auto: …/include/linux/mm.h") and
 * the finding count; its command picks the model, and its tooltip says the reason in full. A
 * second item appears only when the server reports problems (a bad setting, a file over the size
 * limit, a patch that does not apply): the first problem in short, with a command that shows the
 * output, where the server's window/logMessage lines say each one in full.
 *
 * The language status popup is narrow (about 75 characters for text, detail and the command
 * title together, at 1280 pixels wide): each row keeps its text and detail to ROW_BUDGET.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, STATUS_REQUEST, type DocumentStatus } from '../../server/src/lsp/protocol.ts';

const SELECTOR: vscode.DocumentSelector = [{ language: 'c' }, { language: 'diff' }, { language: 'patch-mail' }];

/** Characters of text + detail per popup row (the command title comes on top). */
export const ROW_BUDGET = 56;

/** Cuts `s` to `max` characters with an ellipsis. */
export function fit(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** The whole reason, with the kernel tree's mm.h relative to the workspace. */
function fullReason(s: DocumentStatus): string {
  return s.evidence?.kind === 'kernel-tree'
    ? s.reason.replace(s.evidence.mmHeader, vscode.workspace.asRelativePath(s.evidence.mmHeader, false))
    : s.reason;
}

/** The evidence in a few words: "auto: …/include/linux/mm.h", "auto: calls put_user_page()", "set in settings". */
export function shortReason(s: Pick<DocumentStatus, 'reason' | 'evidence'>, max: number): string {
  const e = s.evidence;
  switch (e?.kind) {
    case 'setting':
      return 'set in settings';
    case 'kernel-tree': {
      const p = e.mmHeader;
      const parts = p.split(/[\\/]/);
      const tails = [p, `…/${parts.slice(-3).join('/')}`, `…/${parts.slice(-2).join('/')}`];
      return fit(`auto: ${tails.find((t) => t.length + 6 <= max) ?? tails[2]}`, max);
    }
    case 'text':
      return fit(`auto: calls ${e.call}()`, max);
    case 'default':
      return fit('auto: no tree, upstream', max);
    default:
      return fit(s.reason.replace(/^auto[:,] /, 'auto: '), max);
  }
}

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('gupReview.status', SELECTOR);
  /** Exists only while the active file has problems (an item cannot be hidden otherwise). */
  private problems: vscode.LanguageStatusItem | undefined;
  private readonly byUri = new Map<string, DocumentStatus>();
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'gup-review';
    this.item.text = 'GUP: starting…';
    this.item.command = { title: 'Select Model', command: 'gupReview.selectApiModel' };
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidCloseTextDocument((d) => this.byUri.delete(d.uri.toString())),
    );
  }

  listen(): void {
    this.disposables.push(
      this.client.onNotification(STATUS_NOTIFICATION, (s: DocumentStatus) => {
        this.byUri.set(s.uri, s);
        this.render();
      }),
    );
    this.render();
  }

  /** The status of the active document, asking the server when none was pushed yet. */
  async current(): Promise<DocumentStatus | undefined> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) return undefined;
    const uri = this.client.code2ProtocolConverter.asUri(doc.uri);
    return (
      this.byUri.get(uri) ??
      (await this.client.sendRequest<DocumentStatus | null>(STATUS_REQUEST, { uri })) ??
      undefined
    );
  }

  private render(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const s = doc ? this.byUri.get(this.client.code2ProtocolConverter.asUri(doc.uri)) : undefined;
    if (!s) {
      this.item.text = 'GUP';
      this.item.detail = 'not analysed yet';
      this.item.severity = vscode.LanguageStatusSeverity.Information;
      this.showProblems([]);
      return;
    }
    this.item.text = `GUP: ${s.model}`;
    const count = `${s.findingCount} finding${s.findingCount === 1 ? '' : 's'}`;
    const room = ROW_BUDGET - this.item.text.length - count.length - 3;
    this.item.detail = `${shortReason(s, room)} · ${count}`;
    this.item.command = {
      title: 'Select Model',
      command: 'gupReview.selectApiModel',
      tooltip: `${s.model}: ${fullReason(s)}`,
    };
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.showProblems(s.problems);
  }

  private showProblems(problems: readonly string[]): void {
    if (problems.length === 0) {
      this.problems?.dispose();
      this.problems = undefined;
      return;
    }
    if (!this.problems) {
      this.problems = vscode.languages.createLanguageStatusItem('gupReview.problems', SELECTOR);
      this.problems.name = 'gup-review problems';
      this.problems.severity = vscode.LanguageStatusSeverity.Warning;
    }
    const more = problems.length > 1 ? `+${problems.length - 1} more` : '';
    this.problems.text = fit(`GUP: ${problems[0]!}`, ROW_BUDGET - more.length - 1);
    this.problems.detail = more || undefined;
    this.problems.command = {
      title: 'Show Output',
      command: 'gupReview.showOutput',
      tooltip: problems.join('\n'),
    };
  }

  dispose(): void {
    this.problems?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
