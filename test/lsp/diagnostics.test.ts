/**
 * Diagnostics over stdio: didOpen → diagnostics with rule code, README href, related acquisition
 * and severity; keystroke-by-keystroke didChange keeps them current; settings pulled per document
 * (model switch, per-rule severity, bad values reported in the status); close clears them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { fixture, LspSession, offsetOf, positionOf, positionOfText, waitFor } from './lsp-harness.ts';

let s: LspSession;
before(async () => {
  s = await LspSession.start();
});
after(async () => {
  await s.stop();
});

const byRule = (ds: Diagnostic[], rule: string) => ds.filter((d) => d.code === rule);

test('didOpen publishes a wrong-release with code, href, related acquisition and severity', async () => {
  const text = fixture('pin-one-put-page.c');
  const uri = 'file:///tmp/diag/pin-one.c';
  s.open(uri, text);
  const ds = await s.diagnosticsFor(uri);
  const wrong = byRule(ds, 'wrong-release');
  assert.equal(wrong.length, 1, JSON.stringify(ds));
  const d = wrong[0]!;
  assert.equal(d.source, 'gup-review');
  assert.equal(d.severity, 2, 'warning by default');
  assert.deepEqual(d.range.start, positionOfText(text, 'put_page(page)'));
  assert.match(d.codeDescription!.href, /^file:\/\/\/.*\/README\.md#rule-wrong-release$/);
  assert.match(String(d.message), /unpin_user_page/);
  assert.equal(d.relatedInformation?.[0]?.location.uri, uri);
  assert.deepEqual(d.relatedInformation?.[0]?.location.range.start, positionOfText(text, 'pin_user_pages_fast'));
  const status = await waitFor(() => s.statuses.get(uri), 5000, 'status');
  assert.equal(status.model, 'unpin_user_page');
  // auto, no kernel tree, no put_user_page*() call: upstream (the reason said "the file uses the pin_user_pages API" before).
  assert.match(String(status.reason), /no kernel tree and no put_user_page\*\(\) call in the file: upstream/);
  assert.deepEqual(status.evidence, { kind: 'default' });
  assert.equal(status.findingCount, ds.length);
  s.close(uri);
  await waitFor(() => s.diagnostics.get(uri)?.diagnostics.length === 0, 5000, 'cleared on close');
});

test('typing a put_page into the loop makes wrong-release appear; fixing it makes it go', async () => {
  let text = fixture('pin-loop.c');
  const uri = 'file:///tmp/diag/pin-loop.c';
  s.open(uri, text);
  assert.equal(byRule(await s.diagnosticsFor(uri), 'wrong-release').length, 0, 'clean to start with');
  // Delete the unpin line's call, then type put_page(pages[i]); one character per didChange.
  const call = 'unpin_user_page(pages[i]);';
  const at = text.indexOf(call);
  s.change(uri, [{ range: { start: positionOf(text, at), end: positionOf(text, at + call.length) }, text: '' }]);
  text = s.text(uri);
  let versionsSeen = 0;
  for (const [i, ch] of [...'put_page(pages[i]);'].entries()) {
    const pos = positionOf(text, at + i);
    s.change(uri, [{ range: { start: pos, end: pos }, text: ch }]);
    text = s.text(uri);
    // Every keystroke gets diagnostics for its own version.
    await s.diagnosticsFor(uri);
    versionsSeen++;
  }
  assert.equal(versionsSeen, 19);
  const after = await s.diagnosticsFor(uri);
  const wrong = byRule(after, 'wrong-release');
  assert.equal(wrong.length, 1, JSON.stringify(after));
  assert.deepEqual(wrong[0]!.range.start, positionOf(text, at));
  // Fix it by hand: put_page → unpin_user_page.
  s.replace(uri, 'put_page(pages[i])', 'unpin_user_page(pages[i])');
  assert.equal(byRule(await s.diagnosticsFor(uri), 'wrong-release').length, 0);
  s.close(uri);
});

test('a burst of changes sent without waiting ends with diagnostics for the last version', async () => {
  const text = fixture('pin-one-put-page.c');
  const uri = 'file:///tmp/diag/burst.c';
  s.open(uri, text);
  await s.diagnosticsFor(uri);
  for (let i = 0; i < 30; i++) s.insertAt(uri, '\treturn 0;\n}', `\t/* ${i} */\n`);
  const ds = await s.diagnosticsFor(uri);
  assert.equal(s.diagnostics.get(uri)!.version, s.version(uri));
  assert.equal(byRule(ds, 'wrong-release').length, 1);
  // The diagnostic stayed on the put_page line (the inserted comments are below it).
  const final = s.text(uri);
  assert.equal(
    offsetOf(final, ds.find((d) => d.code === 'wrong-release')!.range.start),
    final.indexOf('put_page(page)'),
  );
  s.close(uri);
});

test('switching the API model setting changes the diagnostics (workspace/configuration per document)', async () => {
  const text = fixture('gup-put-page.c');
  const uri = 'file:///tmp/diag/gup.c';
  s.settings = { apiModel: 'auto' };
  s.open(uri, text);
  // auto without a kernel tree and without a put_user_page*() call: upstream, where get_user_pages
  // + put_page() is right (this test expected the 2019 model and a wrong-release before domain.md
  // §3's correction).
  assert.equal(byRule(await s.diagnosticsFor(uri), 'wrong-release').length, 0);
  assert.equal((await waitFor(() => s.statuses.get(uri), 5000, 'status')).model, 'unpin_user_page');

  const requestsBefore = s.configurationRequests;
  s.settings = (scopeUri?: string) => (scopeUri === uri ? { apiModel: 'put_user_page' } : {});
  await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await waitFor(() => s.statuses.get(uri)?.model === 'put_user_page' || undefined, 5000, 'model switch');
  assert.ok(s.configurationRequests > requestsBefore, 'settings were pulled again');
  let wrong = byRule(s.diagnostics.get(uri)!.diagnostics, 'wrong-release');
  assert.equal(wrong.length, 1, 'get_user_pages + put_page is wrong in the 2019 model');
  assert.match(String(wrong[0]!.message), /put_user_page/);
  assert.equal(s.statuses.get(uri)!.reason, 'set by the user');

  // Per-rule severity: back to the 2019 model with wrong-release as an error, then off.
  s.settings = { apiModel: 'put_user_page', rules: { 'wrong-release': 'error' } };
  await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  wrong = await waitFor(
    () => {
      const w = byRule(s.diagnostics.get(uri)!.diagnostics, 'wrong-release');
      return w.length === 1 && w[0]!.severity === 1 ? w : undefined;
    },
    5000,
    'error severity',
  );
  assert.equal(wrong[0]!.severity, 1);
  s.settings = { apiModel: 'put_user_page', rules: { 'wrong-release': 'off', 'no-such-rule': 'error' } };
  await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  const status = await waitFor(
    () => {
      const st = s.statuses.get(uri);
      return st && (st.problems as string[]).length > 0 ? st : undefined;
    },
    5000,
    'problem in status',
  );
  assert.match((status.problems as string[])[0]!, /unknown rule "no-such-rule"/);
  assert.equal(byRule(s.diagnostics.get(uri)!.diagnostics, 'wrong-release').length, 0, 'rule off');
  s.settings = {};
  await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  s.close(uri);
});

test('a patch document goes through the patch reviewer and gets a status', async () => {
  const src = fixture('pin-one-put-page.c').split('\n');
  const body = src.map((l) => `+${l}`).join('\n');
  const patch = `diff --git a/drivers/misc/demo.c b/drivers/misc/demo.c\nnew file mode 100644\n--- /dev/null\n+++ b/drivers/misc/demo.c\n@@ -0,0 +1,${src.length} @@\n${body}\n`;
  const uri = 'file:///tmp/diag/demo.patch';
  s.open(uri, patch, 'diff');
  const ds = await s.diagnosticsFor(uri);
  const wrong = byRule(ds, 'wrong-release');
  assert.equal(wrong.length, 1, JSON.stringify(ds));
  // Mapped back to the line of the patch that adds the put_page.
  assert.equal(
    wrong[0]!.range.start.line,
    patch.split('\n').findIndex((l) => l.startsWith('+\tput_page(page);')),
  );
  // The status notification follows the diagnostics.
  await waitFor(() => s.statuses.get(uri), 5000, 'status of the patch');
  s.close(uri);
});

test('plain text and log documents get no diagnostics (hover only)', async () => {
  const uri = 'file:///tmp/diag/dmesg.log';
  s.open(uri, fixture('dump-page.log'), 'log');
  const h = await s.conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: 0, character: 40 },
  });
  assert.ok(h);
  assert.equal(s.diagnostics.get(uri), undefined);
  s.close(uri);
});
