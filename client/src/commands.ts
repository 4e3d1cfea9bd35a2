/**
 * Commands (category "gup-review"): Decode Refcount Value…, Check Workspace, Select API Model,
 * Restart Server, Show Output. Decoding and checking are server requests.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CHECK_WORKSPACE_PROGRESS,
  CHECK_WORKSPACE_REQUEST,
  COPY_COMMAND,
  DECODE_REQUEST,
  type CheckWorkspaceProgress,
  type CheckWorkspaceResult,
  type DecodeResult,
} from '../../server/src/lsp/protocol.ts';
import type { StatusItem } from './status-item.ts';

const MODELS: Array<vscode.QuickPickItem & { value: string }> = [
  {
    value: 'auto',
    label: 'auto',
    detail: "Per file: the nearest kernel tree's include/linux/mm.h, else the file's own calls.",
  },
  {
    value: 'unpin_user_page',
    label: 'unpin_user_page',
    detail: 'Upstream, Linux 5.6+: pin_user_pages* ↔ unpin_user_page*, get_user_pages* ↔ put_page().',
  },
  {
    value: 'put_user_page',
    label: 'put_user_page',
    detail: 'The 2019 RFC and 5.2–5.5: every get_user_pages* page is released with put_user_page*().',
  },
];

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function registerCommands(
  context: vscode.ExtensionContext,
  client: () => LanguageClient,
  output: vscode.OutputChannel,
  status: StatusItem,
): void {
  const register = (id: string, fn: () => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  // The server's "Copy suggested fix" code action on a finding in a mail.
  context.subscriptions.push(
    vscode.commands.registerCommand(COPY_COMMAND, async (text: unknown) => {
      if (typeof text !== 'string') return;
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage('gup-review: suggested fix copied', 3000);
    }),
  );

  register('gupReview.decodeRefcount', async () => {
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const text = await vscode.window.showInputBox({
      title: 'Decode Refcount Value',
      prompt:
        'A page refcount: 1025, 0xC00003, -1024, refcount:3073, a dump_page line, or 3 * GUP_PIN_COUNTING_BIAS + 1',
      value: selected.length < 200 ? selected.trim() : '',
      ignoreFocusOut: true,
    });
    if (!text) return;
    try {
      const uri = editor ? client().code2ProtocolConverter.asUri(editor.document.uri) : undefined;
      const result = await client().sendRequest<DecodeResult>(DECODE_REQUEST, { text, uri });
      await vscode.env.clipboard.writeText(result.summary);
      output.appendLine(result.markdown);
      void vscode.window.showInformationMessage(`${result.summary} (copied)`, 'Show Details').then((pick) => {
        if (pick) output.show(true);
      });
    } catch (e) {
      void vscode.window.showErrorMessage(`gup-review: ${errorText(e)}`);
    }
  });

  register('gupReview.checkWorkspace', () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'gup-review: checking C files', cancellable: true },
      async (progress, token) => {
        let last = 0;
        const sub = client().onNotification(CHECK_WORKSPACE_PROGRESS, (p: CheckWorkspaceProgress) => {
          const pct = p.total > 0 ? (p.done / p.total) * 100 : 100;
          progress.report({
            increment: pct - last,
            message: `${p.done}/${p.total}${p.file ? ` ${vscode.workspace.asRelativePath(p.file)}` : ''}`,
          });
          last = pct;
        });
        try {
          const r = await client().sendRequest<CheckWorkspaceResult>(CHECK_WORKSPACE_REQUEST, {}, token);
          for (const p of r.problems) output.appendLine(`check workspace: ${p}`);
          const what = `${r.filesChecked} C file${r.filesChecked === 1 ? '' : 's'} checked, ${r.findingCount} finding${r.findingCount === 1 ? '' : 's'} in ${r.filesWithFindings} file${r.filesWithFindings === 1 ? '' : 's'}`;
          void vscode.window.showInformationMessage(`gup-review: ${r.cancelled ? 'cancelled after ' : ''}${what}.`);
          if (r.findingCount > 0) void vscode.commands.executeCommand('workbench.actions.view.problems');
        } catch (e) {
          if (!token.isCancellationRequested)
            void vscode.window.showErrorMessage(`gup-review: Check Workspace failed: ${errorText(e)}`);
        } finally {
          sub.dispose();
        }
      },
    ),
  );

  register('gupReview.selectApiModel', async () => {
    const config = vscode.workspace.getConfiguration('gupReview', vscode.window.activeTextEditor?.document.uri);
    const now = config.get<string>('apiModel', 'auto');
    const st = await status.current().catch(() => undefined);
    const pick = await vscode.window.showQuickPick(
      MODELS.map((m) => ({
        ...m,
        description: m.value === now ? `current${st && m.value === 'auto' ? `: ${st.model}` : ''}` : undefined,
      })),
      {
        title: 'gup-review: API model',
        placeHolder: st ? `In force: ${st.model} (${st.reason})` : 'Which release pairs with which acquisition',
      },
    );
    if (!pick || pick.value === now) return;
    const target = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await config.update('apiModel', pick.value, target);
  });

  register('gupReview.restartServer', async () => {
    await client().restart();
  });

  register('gupReview.showOutput', () => output.show());

  register('gupReview.openExample', async () => {
    // The examples ship in the VSIX; open an untitled copy so the user can edit and fix freely.
    const dir = vscode.Uri.joinPath(context.extensionUri, 'examples');
    let names: string[] = [];
    try {
      names = (await vscode.workspace.fs.readDirectory(dir))
        .filter(([n, t]) => t === vscode.FileType.File && n.endsWith('.c'))
        .map(([n]) => n)
        .sort();
    } catch {
      names = [];
    }
    if (names.length === 0) {
      void vscode.window.showErrorMessage('gup-review: no examples found in the extension folder.');
      return;
    }
    const name =
      names.length === 1
        ? names[0]
        : await vscode.window.showQuickPick(names, { title: 'gup-review: open an example' });
    if (!name) return;
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name));
    const doc = await vscode.workspace.openTextDocument({ language: 'c', content: new TextDecoder().decode(bytes) });
    await vscode.window.showTextDocument(doc);
  });
}
