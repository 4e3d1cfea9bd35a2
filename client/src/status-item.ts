/**
 * The language status item on C, patch and mail files: the API model in force for the active
 * file and why ("GUP: unpin_user_page (auto, from include/linux/mm.h)"), the finding count, and
 * server problems (a bad setting, a patch that does not apply). Its command picks the model.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, STATUS_REQUEST, type DocumentStatus } from '../../server/src/lsp/protocol.ts';

const SELECTOR: vscode.DocumentSelector = [{ language: 'c' }, { language: 'diff' }, { language: 'patch-mail' }];

/** "auto, from /src/linux/include/linux/mm.h" → "auto, from include/linux/mm.h" (relative to the workspace). */
function shortReason(reason: string): string {
  return reason.replace(/from (\S+)$/, (_m, p: string) => `from ${vscode.workspace.asRelativePath(p, false)}`);
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
    this.item.text = `GUP: ${s.model} (${shortReason(s.reason)})`;
    const count = `${s.findingCount} finding${s.findingCount === 1 ? '' : 's'}`;
    this.item.detail = s.problems.length > 0 ? `${count} · ${s.problems.join(' · ')}` : count;
    this.item.severity =
      s.problems.length > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
