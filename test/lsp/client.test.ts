/**
 * The VS Code client's own logic (status item, commands) under node:test: `vscode` is replaced by
 * test/lsp/fake-vscode, and the LanguageClient by a thin adapter over a real server on stdio, so
 * the client's requests and the server's notifications are the real ones.
 */
import assert from 'node:assert/strict';
import Module from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fixture, LspSession, waitFor } from './lsp-harness.ts';

const FAKE = path.join(__dirname, 'fake-vscode', 'index.ts');
const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = mod._resolveFilename;
mod._resolveFilename = (request, ...rest) => (request === 'vscode' ? FAKE : resolve(request, ...rest));

type Fake = typeof import('./fake-vscode/index.ts');
let vscode: Fake;
let s: LspSession;
let restarts = 0;
let dir: string;
const context = { subscriptions: [] as unknown[], extensionUri: undefined as unknown };
const output = {
  lines: [] as string[],
  appendLine(l: string) {
    this.lines.push(l);
  },
  show() {},
};
let status: { current(): Promise<unknown>; listen(): void };

function clientOver(session: LspSession) {
  return {
    onNotification: (method: string, handler: (p: unknown) => void) => {
      session.conn.onNotification(method, handler);
      return { dispose() {} };
    },
    sendRequest: (method: string, params: unknown, token?: never) =>
      token ? session.conn.sendRequest(method, params, token) : session.conn.sendRequest(method, params),
    code2ProtocolConverter: { asUri: (u: { toString(): string }) => u.toString() },
    restart: async () => {
      restarts++;
    },
  };
}

before(async () => {
  vscode = await import('./fake-vscode/index.ts');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-client-'));
  fs.mkdirSync(path.join(dir, 'include', 'linux'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'include', 'linux', 'mm.h'),
    '#define GUP_PIN_COUNTING_BIAS (1U << 10)\nvoid unpin_user_page(struct page *page);\n',
  );
  fs.mkdirSync(path.join(dir, 'examples'));
  fs.copyFileSync(path.join(__dirname, 'fixtures', 'pin-loop.c'), path.join(dir, 'examples', 'loop.c'));
  fs.mkdirSync(path.join(dir, 'drivers'));
  fs.writeFileSync(path.join(dir, 'drivers', 'a.c'), fixture('pin-one-put-page.c'));
  s = await LspSession.start({ workspaceFolders: [pathToFileURL(dir).href] });
  const client = clientOver(s);
  const { StatusItem } = await import('../../client/src/status-item.ts');
  const { registerCommands } = await import('../../client/src/commands.ts');
  context.extensionUri = vscode.Uri.file(dir);
  status = new StatusItem(client as never);
  status.listen();
  registerCommands(context as never, () => client as never, output as never, status as never);
});
after(async () => {
  await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const item = () => vscode.fake.statusItems[0]!;

test('the status item shows the model in force, why, and the finding count of the active file, in one short row', async () => {
  assert.equal(vscode.fake.statusItems.length, 1);
  assert.deepEqual(item().selector, [{ language: 'c' }, { language: 'diff' }, { language: 'patch-mail' }]);
  assert.deepEqual(item().command, { title: 'Select Model', command: 'gupReview.selectApiModel' });
  const rowFits = (it: Record<string, unknown>) =>
    assert.ok(
      `${String(it.text)}${String(it.detail ?? '')}`.length <= 56,
      `the popup row "${String(it.text)} – ${String(it.detail)}" is cut off at 1280 px`,
    );
  const file = path.join(dir, 'drivers', 'a.c');
  const uri = vscode.Uri.file(file);
  vscode.window.activeTextEditor = { document: { uri, languageId: 'c', text: '' }, selection: { isEmpty: true } };
  vscode.fake.activeEditorChanged.fire(undefined);
  s.open(uri.toString(), fixture('pin-one-put-page.c'));
  // The workspace root is /ws in the fake; the tree here is elsewhere, so the path stays absolute.
  await waitFor(() => item().text === 'GUP: unpin_user_page' || undefined, 10_000, 'status text');
  // The reason in short in the row, in full in the command's tooltip.
  assert.match(String(item().detail), /^auto: …\/(include\/)?linux\/mm\.h · [1-9]\d* findings?$/);
  assert.equal(
    (item().command as { tooltip?: string }).tooltip,
    `unpin_user_page: auto: ${path.join(dir, 'include', 'linux', 'mm.h')} declares unpin_user_page()`,
  );
  assert.equal(item().severity, vscode.LanguageStatusSeverity.Information);
  rowFits(item());
  assert.equal(vscode.fake.statusItems.length, 1, 'no problems item without problems');
  // A problem (over the size limit) gets its own short row, with the whole text in its tooltip.
  s.settings = { maxFileSize: 0.0001 };
  await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  const problems = await waitFor(() => vscode.fake.statusItems[1], 10_000, 'the problems item');
  await waitFor(() => String(problems.text).startsWith('GUP: not analysed') || undefined, 10_000, 'problem text');
  rowFits(problems);
  assert.equal(problems.severity, vscode.LanguageStatusSeverity.Warning);
  assert.match(String((problems.command as { tooltip?: string }).tooltip), /over gupReview\.maxFileSize/);
  s.settings = {};
  await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  await waitFor(() => (problems as { disposed?: boolean }).disposed || undefined, 10_000, 'problems item gone');
  s.close(uri.toString());
});

test('Decode Refcount Value… asks the server, shows the result and copies it', async () => {
  vscode.fake.inputBoxAnswer = '3 * GUP_PIN_COUNTING_BIAS + 1';
  await vscode.fake.commands.get('gupReview.decodeRefcount')!();
  assert.deepEqual(vscode.fake.errors, []);
  assert.match(vscode.fake.clipboard, /3 pins, 1 ref/);
  assert.match(vscode.fake.info.at(-1)!, /3 pins, 1 ref.*\(copied\)/);
  assert.match(output.lines.at(-1)!, /\| pins \| 3/);
  vscode.fake.inputBoxAnswer = 'banana';
  await vscode.fake.commands.get('gupReview.decodeRefcount')!();
  assert.match(vscode.fake.errors.at(-1)!, /^gup-review: cannot decode "banana"/);
});

test('Select API Model offers the three models and writes the setting', async () => {
  let offered: string[] = [];
  vscode.fake.quickPickAnswer = (items) => {
    offered = items.map((i) => i.label);
    return items.find((i) => i.label === 'put_user_page');
  };
  await vscode.fake.commands.get('gupReview.selectApiModel')!();
  assert.deepEqual(offered, ['auto', 'unpin_user_page', 'put_user_page']);
  assert.deepEqual(vscode.fake.updates.at(-1), {
    key: 'gupReview.apiModel',
    value: 'put_user_page',
    target: vscode.ConfigurationTarget.Workspace,
  });
});

test('Check Workspace runs with a cancellable notification and reports the result', async () => {
  vscode.fake.progress.length = 0;
  await vscode.fake.commands.get('gupReview.checkWorkspace')!();
  assert.equal(vscode.fake.progressOptions!.location, vscode.ProgressLocation.Notification);
  assert.equal(vscode.fake.progressOptions!.cancellable, true);
  assert.ok(vscode.fake.progress.length >= 2, 'progress reported');
  assert.match(vscode.fake.info.at(-1)!, /gup-review: 3 C files checked, \d+ findings? in \d+ files?\./);
  assert.ok(vscode.fake.executed.includes('workbench.actions.view.problems'));
});

test('Open Example opens an untitled copy of a bundled example; Restart Server restarts', async () => {
  await vscode.fake.commands.get('gupReview.openExample')!();
  assert.equal(vscode.fake.opened.at(-1)!.language, 'c');
  assert.equal(vscode.fake.opened.at(-1)!.content, fixture('pin-loop.c'));
  await vscode.fake.commands.get('gupReview.restartServer')!();
  assert.equal(restarts, 1);
});

test('the VS Code client declares its copy command, and only then does the server name it in a code action', async () => {
  const { clientCommandsFeature } = await import('../../client/src/client-commands-feature.ts');
  const capabilities: Record<string, unknown> = { experimental: { other: true } };
  clientCommandsFeature.fillClientCapabilities(capabilities as never);
  assert.deepEqual(capabilities.experimental, {
    other: true,
    gupReview: { clientCommands: ['gupReview.copyToClipboard'] },
  });
  const declared = await LspSession.start({ capabilities: capabilities as never });
  try {
    const uri = 'file:///tmp/client-copy/reply.eml';
    const mail = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'patches', 'reply-depth1.eml'), 'utf8');
    declared.open(uri, mail, 'patch-mail');
    const [d] = (await declared.diagnosticsFor(uri)).filter((x) => x.code === 'wrong-release');
    const actions = (await declared.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: d!.range,
      context: { diagnostics: [d] },
    })) as Array<{ title: string; command?: { command: string } }>;
    assert.equal(actions.find((a) => a.title === 'Copy suggested fix')?.command?.command, 'gupReview.copyToClipboard');
  } finally {
    await declared.stop();
  }
});
