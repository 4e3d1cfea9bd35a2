/**
 * Bursts over stdio: didChange notifications that reach the server together (one write, as a
 * client sends keystrokes faster than the server reads them) are analysed once, at the last
 * version; versions are published in order; a pull after the burst answers the last version.
 * Analyses are counted from the server's $/logTrace ("analysed <uri> version <n>"), which it
 * sends once per analysis to a client that turned tracing on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  Diagnostic,
  DocumentDiagnosticReport,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { fixture, LspSession, positionOf } from './lsp-harness.ts';

/** Replaces `put_page` by `unpin_user_page` one keystroke per didChange: delete, then type. */
function typeTheFix(text: string): TextDocumentContentChangeEvent[][] {
  const at = text.indexOf('put_page(page)');
  const start = positionOf(text, at);
  const edits: TextDocumentContentChangeEvent[][] = [
    [{ range: { start, end: positionOf(text, at + 'put_page'.length) }, text: '' }],
  ];
  for (const [i, ch] of [...'unpin_user_page'].entries()) {
    const p = { line: start.line, character: start.character + i };
    edits.push([{ range: { start: p, end: p }, text: ch }]);
  }
  return edits;
}

/** The versions the server says it analysed for `uri`. */
function analysedVersions(s: LspSession, uri: string): number[] {
  return s.traces
    .map((t) => new RegExp(`analysed ${uri.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} version (\\d+)`).exec(t))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
}

test('a burst of didChange is analysed once, at the last version, and published in order', async () => {
  const s = await LspSession.start();
  try {
    await s.conn.sendNotification('$/setTrace', { value: 'verbose' });
    const uri = 'file:///tmp/burst/fix.c';
    s.open(uri, fixture('pin-one-put-page.c'));
    const before = await s.diagnosticsFor(uri);
    assert.deepEqual(
      before.map((d) => d.code),
      ['wrong-release'],
    );
    const published = s.publishLog.length;
    const edits = typeTheFix(s.text(uri));
    const last = s.changeBurst(uri, edits);
    assert.equal(last, 1 + edits.length);
    const after = await s.diagnosticsFor(uri);
    assert.deepEqual(after, [], 'the typed fix leaves no finding');
    // A round trip after the last publish: any analysis still queued would have run by now.
    await s.conn.sendRequest('gupReview/getStatus', { uri });
    const versions = s.publishLog
      .slice(published)
      .filter((p) => p.uri === uri)
      .map((p) => p.version);
    assert.deepEqual(versions, [last], 'only the last version published');
    assert.deepEqual(analysedVersions(s, uri), [1, last], 'one analysis for the open, one for the whole burst');
    // Single keystrokes, each waited for, are each analysed: the coalescing holds back nothing.
    for (const ch of ' /* ok */') {
      const p = positionOf(s.text(uri), s.text(uri).indexOf('return 0;'));
      s.change(uri, [{ range: { start: p, end: p }, text: ch }]);
      await s.diagnosticsFor(uri);
    }
    assert.equal(analysedVersions(s, uri).length, 2 + ' /* ok */'.length);
    const all = s.publishLog.filter((p) => p.uri === uri).map((p) => p.version!);
    assert.deepEqual(
      all,
      [...all].sort((a, b) => a - b),
      'versions published in increasing order',
    );
  } finally {
    await s.stop();
  }
});

test('a pulling client: a pull right after a burst answers the last version, with one analysis', async () => {
  const s = await LspSession.start({ capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } } } });
  try {
    await s.conn.sendNotification('$/setTrace', { value: 'verbose' });
    const uri = 'file:///tmp/burst/pull.c';
    s.open(uri, fixture('pin-one-put-page.c'));
    const pull = async () =>
      (await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as DocumentDiagnosticReport & {
        items: Diagnostic[];
        resultId: string;
      };
    const first = await pull();
    assert.deepEqual(
      first.items.map((d) => d.code),
      ['wrong-release'],
    );
    const statuses: number[] = [];
    s.conn.onNotification('gupReview/status', (p: { uri: string; version: number }) => {
      if (p.uri === uri) statuses.push(p.version);
    });
    const last = s.changeBurst(uri, typeTheFix(s.text(uri)));
    const report = await pull();
    assert.equal(report.resultId.split('@')[0], String(last), 'the report is for the last version');
    assert.deepEqual(report.items, []);
    await s.conn.sendRequest('gupReview/getStatus', { uri });
    // Each analysis sends one status notification.
    assert.deepEqual(statuses, [last], 'one analysis for the burst and the pull');
    assert.deepEqual(analysedVersions(s, uri), [1, last]);
  } finally {
    await s.stop();
  }
});

test('a file over the time budget keeps its last diagnostics, moved with the edits and marked stale', async () => {
  const s = await LspSession.start();
  try {
    s.settings = { analysisTimeBudget: 0.000001 };
    const uri = 'file:///tmp/burst/slow.c';
    s.open(uri, fixture('pin-one-put-page.c'));
    const first = await s.diagnosticsFor(uri);
    assert.deepEqual(
      first.map((d) => d.code),
      ['wrong-release'],
    );
    assert.doesNotMatch(String(first[0]!.message), /stale/, 'fresh from the analysis that went over');
    // Two lines typed above the function: not analysed again, the finding stays on put_page().
    s.insertAt(uri, 'static int demo_fill_user_page', '/* one */\n/* two */\n');
    const kept = await s.diagnosticsFor(uri);
    assert.equal(kept.length, 1, 'the last diagnostics are kept');
    assert.deepEqual(kept[0]!.range.start, positionOf(s.text(uri), s.text(uri).indexOf('put_page(page)')));
    assert.match(String(kept[0]!.message), /\(stale: found in version 1, not analysed since\)$/);
    assert.deepEqual(
      kept[0]!.relatedInformation?.[0]?.location.range.start,
      positionOf(s.text(uri), s.text(uri).indexOf('pin_user_pages_fast')),
    );
    const status = s.statuses.get(uri)!;
    assert.match((status.problems as string[]).join(' '), /over gupReview\.analysisTimeBudget/);
  } finally {
    await s.stop();
  }
});
