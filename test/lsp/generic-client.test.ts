/**
 * What a client that is not VS Code gets over stdio: code actions without the diagnostic's
 * `data` (or without diagnostics), only commands the server executes (unless the client declared
 * client commands, as the VS Code client does), pull diagnostics instead of push when the client
 * declares them (with refresh after a settings change), status problems in window/logMessage,
 * and $/progress for the workspace check.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { fixture, LspSession, positionOfText, waitFor } from './lsp-harness.ts';

const MAIL = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'patches', 'reply-depth1.eml'), 'utf8');

async function actions(s: LspSession, uri: string, range: Diagnostic['range'], diagnostics: Diagnostic[]) {
  return (await s.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range,
    context: { diagnostics },
  })) as CodeAction[];
}

test('code actions without the diagnostic data: found by range and code, or by range alone', async () => {
  const s = await LspSession.start();
  try {
    const uri = 'file:///tmp/generic/nodata.c';
    s.open(uri, fixture('pin-one-put-page.c'));
    const [wrong] = (await s.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
    const { data: _data, ...bare } = wrong!;
    const viaRange = await actions(s, uri, bare.range, [bare]);
    assert.ok(
      viaRange.some((a) => a.isPreferred && a.title.includes('unpin_user_page')),
      JSON.stringify(viaRange.map((a) => a.title)),
    );
    assert.deepEqual(viaRange.find((a) => a.isPreferred)!.diagnostics, [bare], 'the diagnostic as the client sent it');
    // The same range with another rule's code is not this finding.
    assert.deepEqual(await actions(s, uri, bare.range, [{ ...bare, code: 'missing-release' }]), []);
    // No diagnostics in the context: the findings under the cursor.
    const cursor = positionOfText(s.text(uri), 'put_page(page)', 3);
    const viaCursor = await actions(s, uri, { start: cursor, end: cursor }, []);
    const preferred = viaCursor.find((a) => a.isPreferred)!;
    assert.match(preferred.title, /unpin_user_page/);
    assert.equal(preferred.diagnostics![0]!.code, 'wrong-release');
    // Elsewhere: nothing.
    assert.deepEqual(
      await actions(s, uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, []),
      [],
    );
  } finally {
    await s.stop();
  }
});

test('every command a code action names is one the server executes; the VS Code client may name its copy command', async () => {
  const generic = await LspSession.start();
  const vscodeLike = await LspSession.start({
    capabilities: { experimental: { gupReview: { clientCommands: ['gupReview.copyToClipboard'] } } },
  });
  try {
    const served = generic.initializeResult!.capabilities.executeCommandProvider?.commands ?? [];
    assert.ok(served.length > 0, 'executeCommandProvider declared');
    const uri = 'file:///tmp/generic/reply.eml';
    for (const s of [generic, vscodeLike]) s.open(uri, MAIL, 'patch-mail');
    const named = async (s: LspSession) => {
      const diags = await s.diagnosticsFor(uri);
      assert.ok(diags.length > 0);
      const all: CodeAction[] = [];
      for (const d of diags) all.push(...(await actions(s, uri, d.range, [d])));
      return all;
    };
    const genericActions = await named(generic);
    const commands = genericActions.flatMap((a) => (a.command ? [a.command.command] : []));
    assert.ok(commands.length > 0, 'the mail has a command action');
    for (const c of commands) assert.ok(served.includes(c), `${c} is not executed by the server (${served})`);
    const show = genericActions.find((a) => a.command)!;
    await generic.conn.sendRequest('workspace/executeCommand', show.command);
    const shown = await waitFor(
      () => generic.notifications.find((n) => n.method === 'window/showMessage'),
      5000,
      'window/showMessage',
    );
    assert.match((shown.params as { message: string }).message, /unpin_user_page\(page\);/);
    await assert.rejects(
      generic.conn.sendRequest('workspace/executeCommand', { command: 'gupReview.copyToClipboard', arguments: ['x'] }),
      /unknown command/,
    );

    const copy = (await named(vscodeLike)).find((a) => a.title === 'Copy suggested fix');
    assert.equal(copy?.command?.command, 'gupReview.copyToClipboard', 'declared client command');
  } finally {
    await generic.stop();
    await vscodeLike.stop();
  }
});

test('a client that declares textDocument.diagnostic pulls; nothing is pushed to it; settings changes ask for a refresh', async () => {
  const s = await LspSession.start({
    capabilities: {
      textDocument: { diagnostic: { dynamicRegistration: false } },
      workspace: { diagnostics: { refreshSupport: true } },
    },
  });
  const push = await LspSession.start();
  try {
    assert.ok(s.initializeResult!.capabilities.diagnosticProvider, 'diagnosticProvider for the pull client');
    assert.equal(push.initializeResult!.capabilities.diagnosticProvider, undefined, 'none for the push client');
    const uri = 'file:///tmp/generic/pull.c';
    s.open(uri, fixture('pin-one-put-page.c'));
    const report = (await s.conn.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
    })) as DocumentDiagnosticReport & { items: Diagnostic[]; resultId: string };
    assert.equal(report.kind, 'full');
    assert.deepEqual(
      report.items.map((d) => d.code),
      ['wrong-release'],
    );
    const again = (await s.conn.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
      previousResultId: report.resultId,
    })) as DocumentDiagnosticReport;
    assert.equal(again.kind, 'unchanged');
    // The analysis ran (its status came) but no publishDiagnostics reached the pulling client.
    await waitFor(() => s.statuses.get(uri), 5000, 'status');
    assert.equal(s.diagnostics.has(uri), false, 'no push to a pull client');
    await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await waitFor(
      () => s.notifications.find((n) => n.method === 'workspace/diagnostic/refresh'),
      5000,
      'workspace/diagnostic/refresh',
    );
    const after = (await s.conn.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
      previousResultId: report.resultId,
    })) as DocumentDiagnosticReport;
    assert.equal(after.kind, 'full', 'settings changed: a new full report');
  } finally {
    await s.stop();
    await push.stop();
  }
});

test('what the status item says (over the size limit, over the time budget) also goes to window/logMessage, once', async () => {
  const s = await LspSession.start();
  try {
    s.settings = { maxFileSize: 0.0001 };
    const uri = 'file:///tmp/generic/big.c';
    s.open(uri, fixture('pin-one-put-page.c'));
    await s.diagnosticsFor(uri);
    const said = await waitFor(
      () => s.logs.find((l) => l.includes(uri) && /not analysed: .*over gupReview\.maxFileSize/.test(l)),
      5000,
      'the size limit in window/logMessage',
    );
    assert.ok(said);
    s.insertAt(uri, '#include', '/* edit */\n');
    await s.diagnosticsFor(uri);
    assert.equal(s.logs.filter((l) => l.includes('maxFileSize')).length, 1, 'not repeated at every change');

    s.settings = { analysisTimeBudget: 0.000001 };
    await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await waitFor(
      () => s.logs.find((l) => l.includes(uri) && /over gupReview\.analysisTimeBudget/.test(l)),
      5000,
      'the time budget in window/logMessage',
    );
  } finally {
    await s.stop();
  }
});

test('the workspace check reports $/progress: on a token the server creates, or on the request workDoneToken', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-progress-'));
  fs.writeFileSync(path.join(dir, 'a.c'), fixture('pin-one-put-page.c'));
  fs.writeFileSync(path.join(dir, 'b.c'), fixture('pin-leak.c'));
  const folder = pathToFileURL(dir).href;
  const s = await LspSession.start({
    workspaceFolders: [folder],
    capabilities: { window: { workDoneProgress: true } },
  });
  const none = await LspSession.start({ workspaceFolders: [folder] });
  try {
    const result = (await s.conn.sendRequest('workspace/executeCommand', {
      command: 'gupReview.server.checkWorkspace',
    })) as { filesChecked: number; findingCount: number };
    assert.equal(result.filesChecked, 2);
    // Two tokens: the workspace index's (at start) and the check's.
    const created = s.notifications.filter((n) => n.method === 'window/workDoneProgress/create');
    assert.equal(created.length, 2);
    const kinds = () =>
      s.notifications
        .filter((n) => n.method === '$/progress')
        .map((n) => n.params as { token: unknown; value: { kind: string; title?: string } });
    const tokenTitled = (title: RegExp) =>
      kinds().find((p) => p.value.kind === 'begin' && title.test(p.value.title ?? ''))?.token;
    assert.ok(tokenTitled(/indexing workspace/), 'the index said it was indexing');
    const token = tokenTitled(/checking C files/);
    assert.ok(token !== undefined, JSON.stringify(kinds()));
    await waitFor(() => kinds().some((p) => p.token === token && p.value.kind === 'end'), 5000, 'progress end');
    const mine = kinds().filter((p) => p.token === token);
    assert.equal(mine[0]!.value.kind, 'begin');
    assert.match(mine[0]!.value.title ?? '', /checking C files/);
    assert.ok(mine.some((p) => p.value.kind === 'report'));
    assert.equal(mine.at(-1)!.value.kind, 'end');
    assert.ok(
      s.logs.some((l) => /workspace check: 2 C files checked/.test(l)),
      'summary in window/logMessage',
    );

    await s.conn.sendRequest('gupReview/checkWorkspace', { workDoneToken: 'tok-1' });
    await waitFor(() => kinds().some((p) => p.token === 'tok-1' && p.value.kind === 'end'), 5000, 'tok-1 end');
    // The request's own token: no new one created (still the index's and the first check's).
    assert.equal(s.notifications.filter((n) => n.method === 'window/workDoneProgress/create').length, 2);

    // A client without window.workDoneProgress gets no create request and no $/progress.
    await none.conn.sendRequest('workspace/executeCommand', { command: 'gupReview.server.checkWorkspace' });
    assert.equal(none.notifications.filter((n) => n.method !== 'gupReview/checkWorkspaceProgress').length, 0);
  } finally {
    await s.stop();
    await none.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a pulling client: the workspace check publishes for closed files only, and clears them when the file opens', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-pullcheck-'));
  fs.writeFileSync(path.join(dir, 'a.c'), fixture('pin-one-put-page.c'));
  const uri = pathToFileURL(path.join(dir, 'a.c')).href;
  const s = await LspSession.start({
    workspaceFolders: [pathToFileURL(dir).href],
    capabilities: { textDocument: { diagnostic: {} } },
  });
  try {
    await s.conn.sendRequest('gupReview/checkWorkspace', {});
    await waitFor(() => (s.diagnostics.get(uri)?.diagnostics.length ?? 0) > 0 || undefined, 5000, 'checked file');
    s.open(uri, fixture('pin-one-put-page.c'));
    await waitFor(() => s.diagnostics.get(uri)?.diagnostics.length === 0 || undefined, 5000, 'pushed ones cleared');
    const report = (await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as {
      items: Diagnostic[];
    };
    assert.deepEqual(
      report.items.map((d) => d.code),
      ['wrong-release'],
      'the open file is pulled, not shown twice',
    );
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
