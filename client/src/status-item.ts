/**
 * The language status item on C, patch and mail files: the API model in force for the active
 * file and the evidence that chose it ("GUP: unpin_user_page (auto, from include/linux/mm.h)";
 * the whole reason in the detail), the finding count, and server problems (a bad setting, a
 * patch that does not apply). Its command picks the model.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, STATUS_REQUEST, type DocumentStatus } from '../../server/src/lsp/protocol.ts';

const SELECTOR: vscode.DocumentSelector = [{ language: 'c' }, { language: 'diff' }, { language: 'patch-mail' }];

/** The evidence in a few words, paths relative to the workspace ("auto, from include/linux/mm.h"). */
function shortReason(s: DocumentStatus): string {
  const e = s.evidence;
  switch (e?.kind) {
    case 'setting':
      return 'set by the user';
    case 'kernel-tree':
      return `auto, from ${vscode.workspace.asRelativePath(e.mmHeader, false)}`;
    case 'text':
      return `auto, no kernel tree: it calls ${e.call}()`;
    case 'default':
      return 'auto, no kernel tree: upstream';
    default:
      return s.reason;
  }
}

/** The whole reason, with its paths relative to the workspace. */
function longReason(s: DocumentStatus): string {
  return s.evidence?.kind === 'kernel-tree'
    ? s.reason.replace(s.evidence.mmHeader, vscode.workspace.asRelativePath(s.evidence.mmHeader, false))
    : s.reason;
}

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('gupReview.status', SELECTOR);
  private readonly byUri = new Map<string, DocumentStatus>();
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'gup-review';
    this.item.text = 'GUP: starting…';
    this.item.command = { title: 'Select API Model', command: 'gupReview.selectApiModel' };
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
      ((await this.client.sendRequest(STATUS_REQUEST, { uri })) as DocumentStatus | null) ??
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
      return;
    }
    this.item.text = `GUP: ${s.model} (${shortReason(s)})`;
    const count = `${s.findingCount} finding${s.findingCount === 1 ? '' : 's'}`;
    const parts = [count, ...s.problems, ...(s.evidence ? [longReason(s)] : [])];
    this.item.detail = parts.join(' · ');
    this.item.severity =
      s.problems.length > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
